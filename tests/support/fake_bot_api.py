"""A fake Telegram Bot API server on 127.0.0.1 that validates like Telegram.

Point PTB at it with `base_url=server.base_url`. It answers getMe,
getUpdates (long polling), sendMessage, editMessageText, setMyCommands,
getMyCommands, deleteWebhook, ... and refuses what Telegram refuses:
broken HTML entities and texts over 4096 characters (400), flood beyond the
configured caps (429 with retry_after), blocked users (403), migrated groups
(400 with migrate_to_chat_id), and a second consumer of the token's updates:
a getUpdates arriving while another is still in progress is a 409 Conflict.
As on Telegram, a getUpdates with `offset` confirms every update before it, and
confirmed updates are never sent again (`rewind` plays a consumer that died
before confirming). Every request is logged for assertions, and updates (users
typing commands) can be injected. Runs in a background thread so it is
independent of the event loop under test (and of a killed client).
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.support.telegram_html import EntityError, utf16_length, visible_text

BOT_ID = 7_000_000_001
TOKEN = f"{BOT_ID}:AAFakeTokenForTestsOnly_0123456789ab"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
# A poll whose client hung up a moment ago is not a rival yet to be noticed: the
# server waits this long for it to end before answering a newcomer with 409.
CONFLICT_GRACE_SECONDS = 0.3
# How often a held long poll looks whether its client hung up (a cancelled poll).
HANGUP_CHECK_SECONDS = 0.05
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class Chat:
    id: int
    type: str = "private"
    blocked: bool = False
    migrated_to: int | None = None
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)


class FakeBotAPI:
    """The server; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        global_per_second: int = 30,
        private_per_second: int = 1,
        group_per_minute: int = 20,
    ) -> None:
        self.token = token
        self.caps = (global_per_second, private_per_second, group_per_minute)
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.commands: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.fail_next: dict[str, list[int]] = defaultdict(list)  # method -> HTTP statuses
        # Sends beyond the first N wait: unprocessed ("before") or processed but unanswered
        # ("after"), until release_sends(); crash tests kill the sender meanwhile.
        self.hold_sends_after: int | None = None
        self.hold_mode = "before"
        self._lock = threading.Condition()
        self._recent: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = defaultdict(deque)
        self._closing = False
        self._next_update = 1
        self._confirmed = 0  # updates below this id were confirmed by an offset
        self._polls: set[object] = set()  # getUpdates requests in progress
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self.hold_sends_after = None
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the test's levers -------------------------------------------------------------------
    def chat(self, chat_id: int, chat_type: str = "private") -> Chat:
        with self._lock:
            return self.chats.setdefault(chat_id, Chat(chat_id, chat_type))

    def revoke(self) -> None:
        """The owner revoked the token in @BotFather: from now on every request is a 401."""
        with self._lock:
            self.token = "revoked"
            self._lock.notify_all()

    def rewind(self, update_id: int) -> None:
        """Unconfirm updates from `update_id` on: their consumer took them and died
        before its next getUpdates confirmed them, so Telegram sends them again."""
        with self._lock:
            self._confirmed = min(self._confirmed, update_id)
            self._lock.notify_all()

    def release_sends(self) -> None:
        with self._lock:
            self.hold_sends_after = None
            self._lock.notify_all()

    def type_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, chat_type: str = "private"
    ) -> int:
        """A user types `text` (a /command gets its bot_command entity); returns update_id."""
        chat = self.chat(user_id if chat_id is None else chat_id, chat_type)
        with self._lock:
            message_id = chat.next_message_id
            chat.next_message_id += 1
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "text": text,
                "chat": _chat_json(chat),
                "from": {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"},
            }
            if text.startswith("/"):
                length = utf16_length(text.split()[0]) if text.split() else 1
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            update = {"update_id": self._next_update, "message": message}
            self._next_update += 1
            self.updates.append(update)
            self._lock.notify_all()
            return int(update["update_id"])

    # -- what the server saw -----------------------------------------------------------------
    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent (successful sendMessage), optionally to one chat."""
        with self._lock:
            return [
                m
                for c in self.chats.values()
                if chat_id in (None, c.id)
                for m in c.messages.values()
                if m["from_bot"]
            ]

    def count(self, method: str, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for c in self.calls if c.method == method and status in (None, c.status))

    # -- request handling --------------------------------------------------------------------
    def handle(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one request; `gone()` tells whether its client has hung up meanwhile."""
        status, body = 200, {"ok": True, "result": None}
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            status_override = self._injected_failure(method)
            if status_override:
                raise ApiError(status_override, "Internal Server Error")
            body["result"] = self._dispatch(method, params, gone)
        except ApiError as exc:
            status = exc.code
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        with self._lock:
            self.calls.append(Call(method, params, status, time.monotonic()))
        return status, body

    def _injected_failure(self, method: str) -> int | None:
        with self._lock:
            failures = self.fail_next.get(method)
            return failures.pop(0) if failures else None

    def _dispatch(self, method: str, params: dict[str, Any], gone: Callable[[], bool]) -> Any:
        simple = {
            "getMe": lambda: _bot_user(),
            "deleteWebhook": lambda: True,
            "getMyCommands": lambda: self.commands,
            "deleteMyCommands": lambda: True,
            "sendChatAction": lambda: True,
            "close": lambda: True,
            "logOut": lambda: True,
        }
        if method in simple:
            return simple[method]()
        if method == "setMyCommands":
            self.commands = json.loads(params.get("commands", "[]"))
            return True
        if method == "getUpdates":
            return self._get_updates(params, gone)
        if method == "sendMessage":
            return self._send_message(params)
        if method == "editMessageText":
            return self._edit_message(params)
        raise ApiError(404, "Not Found")

    def _get_updates(
        self, params: dict[str, Any], gone: Callable[[], bool]
    ) -> list[dict[str, Any]]:
        """Long polling by one consumer at a time; a rival gets 409 and confirms nothing."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30.0)
        with self._lock:
            self._refuse_rival()
            poll = object()
            self._polls.add(poll)
            try:
                self._confirmed = max(self._confirmed, offset)
                while True:
                    ready = [u for u in self.updates if u["update_id"] >= self._confirmed]
                    revoked = self.token == "revoked"
                    if ready or revoked or self._closing or time.monotonic() >= deadline:
                        return ready[: int(params.get("limit") or 100)]
                    if gone():  # a cancelled poll: its consumer stopped polling
                        raise ApiError(499, "Client Closed Request")
                    left = deadline - time.monotonic()
                    self._lock.wait(max(0.0, min(left, HANGUP_CHECK_SECONDS)))
            finally:
                self._polls.discard(poll)
                self._lock.notify_all()

    def _refuse_rival(self) -> None:
        """409 while another getUpdates is in progress (after a grace for a hung-up one)."""
        until = time.monotonic() + CONFLICT_GRACE_SECONDS
        while self._polls and not self._closing and time.monotonic() < until:
            self._lock.wait(max(0.0, until - time.monotonic()))
        if self._polls and not self._closing:
            raise ApiError(409, CONFLICT)

    def _target(self, params: dict[str, Any]) -> Chat:
        raw = str(params.get("chat_id", ""))
        if not raw.lstrip("-").isdigit():
            raise ApiError(400, "Bad Request: chat not found")
        chat = self.chats.get(int(raw))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _validate_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        shown = text
        if params.get("parse_mode") == "HTML":
            try:
                shown = visible_text(text)
            except EntityError as exc:
                raise ApiError(400, f"Bad Request: {exc}") from None
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(shown.strip()) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _flood_check(self, chat: Chat) -> None:
        """429 when a message would exceed the overall, per-chat or per-group caps."""
        now = time.monotonic()
        overall, private, group = self.caps
        window, cap = (0.95, private) if chat.type == "private" else (59.5, group)
        recent, mine = self._recent, self._per_chat[chat.id]
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        while mine and mine[0] <= now - window:
            mine.popleft()
        if len(recent) >= overall or len(mine) >= cap:
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        recent.append(now)
        mine.append(now)

    def _held(self) -> bool:
        """Whether this request is beyond `hold_sends_after` and has to wait for release."""
        return (
            self.hold_sends_after is not None
            and not self._closing
            and len(self.sent()) >= self.hold_sends_after
        )

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            held = self.hold_mode == "before" and self._held()
            while self.hold_mode == "before" and self._held():
                self._lock.wait(0.05)
            if held:  # released after its sender died: it never reached "Telegram"
                raise ApiError(502, "Bad Gateway: request lost in transit")
            hold_reply = self.hold_mode == "after" and self._held()
            chat = self._target(params)
            text = self._validate_text(params)
            self._flood_check(chat)
            message = {
                "message_id": chat.next_message_id,
                "date": int(time.time()),
                "text": text,
                "chat": _chat_json(chat),
                "from_bot": True,
            }
            chat.next_message_id += 1
            chat.messages[message["message_id"]] = message
            while hold_reply and self.hold_sends_after is not None and not self._closing:
                self._lock.wait(0.05)  # delivered, but the answer is stuck on the way back
            return _public(message)

    def _edit_message(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat = self._target(params)
            text = self._validate_text(params)
            message = chat.messages.get(int(params.get("message_id", 0)))
            if message is None or not message["from_bot"]:
                raise ApiError(400, "Bad Request: message to edit not found")
            if message["text"] == text:
                raise ApiError(400, NOT_MODIFIED)
            self._flood_check(chat)
            message["text"] = text
            message["edits"] = message.get("edits", 0) + 1
            return _public(message)


def _bot_user() -> dict[str, Any]:
    return {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Talkwatch",
        "username": "talkwatch_test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def _chat_json(chat: Chat) -> dict[str, Any]:
    return {
        "id": chat.id,
        "type": chat.type,
        **({"first_name": "U"} if chat.type == "private" else {"title": "G"}),
    }


def _public(message: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in message.items() if k not in {"from_bot", "edits"}}
    out["from"] = _bot_user()
    return out


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    kind = handler.headers.get("Content-Type", "")
    if kind.startswith("application/json") and body:
        loaded = json.loads(body)
        return {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in loaded.items()}
    if kind.startswith("multipart/form-data"):
        raise ApiError(400, "Bad Request: multipart is not supported by the fake")
    return {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}


def _hung_up(connection: socket.socket) -> bool:
    """Whether the client closed the connection while its request is held.

    An HTTP/1.1 client sends nothing more before its answer, so a readable socket
    with nothing to read is one the client closed (PTB cancelling a long poll).
    """
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _handler(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else delayed ACKs add 40 ms to every answer

        def do_POST(self) -> None:
            with contextlib.suppress(OSError):  # the client went away (killed, cancelled)
                self._answer()

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            _, _, rest = self.path.partition("/bot")
            token, _, method = rest.partition("/")
            try:
                params = _params(self, body)
                status, payload = api.handle(
                    token, method, params, gone=lambda: _hung_up(self.connection)
                )
            except ApiError as exc:
                status, payload = (
                    exc.code,
                    {"ok": False, "error_code": exc.code, "description": exc.description},
                )
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client went away (cancelled long poll, killed process)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
