"""The one place that calls Telegram's sendMessage and editMessageText.

`Publisher` is the seam: delivery talks to it and gets `PublishResult` values
back, never Telegram exceptions, so the retry policy in delivery.py reads as a
plain table of outcomes. `TelegramPublisher` wraps a PTB `Bot`;
`DryRunPublisher` prints the same text to stdout when no token is configured.
Error texts are scrubbed of the bot token before they leave this module.

`build_bot` is the one place a `Bot` is made: one per token, shared by the
command bot and the delivery, every request through a `TokenGuard` that
notices Telegram rejecting the token (401) whichever request it answers.
When several processes send with the token (`TelegramLink.share`), the same
transport takes every message's shared slots first (bot/publish/pacing.py
`SharedBudget`) and holds the token for everyone on a 429: the one place
every message passes, alert or reply, so no sender can forget it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
import sys
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol, TextIO

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.errors import ConfigError, TalkwatchError
from bot.publish.pacing import (
    MAX_SHARED_WAIT_SECONDS,
    ChatSpacing,
    Pacer,
    SharedBudget,
    SlotBook,
)

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"  # delivered (or edited); message_id is set for sends
    NOT_MODIFIED = "not_modified"  # an edit found the message already showing this text
    RETRY_AFTER = "retry_after"  # 429: flood control; wait retry_after seconds
    TRANSIENT = "transient"  # 5xx, timeout, network: retry with backoff
    REJECTED = "rejected"  # 400: this request will never succeed as it is
    BLOCKED = "blocked"  # 403: the user blocked the bot or it left the chat
    MIGRATED = "migrated"  # the group became a supergroup: retry at migrate_to
    UNAUTHORIZED = "unauthorized"  # 401: the token was revoked; nothing will get through


@dataclass(frozen=True, slots=True)
class PublishResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    migrate_to: str | None = None
    error: str = ""


class Publisher(Protocol):
    """Sends and edits HTML messages; failures come back as values."""

    async def send(self, chat_id: str, text: str) -> PublishResult: ...

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult: ...


def telegram_chat_id(chat_id: str) -> int | str:
    """Numeric ids as ints (what the Bot API expects), @usernames as they are."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


class TelegramPublisher:
    """The Bot API behind the `Publisher` seam."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._no_preview = LinkPreviewOptions(is_disabled=True)

    async def send(self, chat_id: str, text: str) -> PublishResult:
        try:
            message = await self._bot.send_message(
                chat_id=telegram_chat_id(chat_id),
                text=text,
                parse_mode=ParseMode.HTML,
                link_preview_options=self._no_preview,
            )
        except TelegramError as exc:
            return self._failure(exc)
        return PublishResult(Outcome.SENT, message_id=message.message_id)

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult:
        try:
            await self._bot.edit_message_text(
                text=text,
                chat_id=telegram_chat_id(chat_id),
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=self._no_preview,
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return PublishResult(Outcome.NOT_MODIFIED, message_id=message_id)
            return self._failure(exc)
        except TelegramError as exc:
            return self._failure(exc)
        return PublishResult(Outcome.SENT, message_id=message_id)

    def _failure(self, exc: TelegramError) -> PublishResult:
        error = self.scrub(f"{type(exc).__name__}: {exc.message}")
        if isinstance(exc, RetryAfter):
            wait = exc.retry_after  # a timedelta: configure_logging opts into PTB_TIMEDELTA
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return PublishResult(Outcome.RETRY_AFTER, retry_after=seconds, error=error)
        if isinstance(exc, InvalidToken):
            return PublishResult(Outcome.UNAUTHORIZED, error=error)
        if isinstance(exc, ChatMigrated):
            return PublishResult(Outcome.MIGRATED, migrate_to=str(exc.new_chat_id), error=error)
        if isinstance(exc, Forbidden):
            return PublishResult(Outcome.BLOCKED, error=error)
        if isinstance(exc, BadRequest):  # a subclass of NetworkError: test it first
            return PublishResult(Outcome.REJECTED, error=error)
        if isinstance(exc, NetworkError):
            return PublishResult(Outcome.TRANSIENT, error=error)
        return PublishResult(Outcome.REJECTED, error=error)  # Conflict, ...

    def scrub(self, text: str) -> str:
        """Remove the bot token from text bound for logs or the database."""
        token = self._bot.token
        return text.replace(token, "<token>") if token else text


class DryRunPublisher:
    """No token: print what would have been sent, so a dry run shows real output."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out
        self._ids = itertools.count(1)

    def _print(self, header: str, text: str) -> None:
        out = self._out or sys.stdout
        out.write(f"{header}\n{text}\n\n")
        out.flush()

    async def send(self, chat_id: str, text: str) -> PublishResult:
        message_id = next(self._ids)
        self._print(f"--- dry run: message {message_id} to {chat_id} ---", text)
        return PublishResult(Outcome.SENT, message_id=message_id)

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult:
        self._print(f"--- dry run: edit of message {message_id} in {chat_id} ---", text)
        return PublishResult(Outcome.SENT, message_id=message_id)


class TokenGuard:
    """Remembers that Telegram rejected the token (401), and wakes whoever waits for that.

    A revoked token is fatal however it shows up (a long poll, an alert, a
    reply): the service waits on `rejected` to stop with a clear message.
    """

    def __init__(self) -> None:
        self.rejected = asyncio.Event()

    def reject(self) -> None:
        if not self.rejected.is_set():
            log.debug("Telegram answered 401 Unauthorized")
            self.rejected.set()


# The requests that put a message in a chat, and so count against Telegram's flood limits.
PACED_METHODS = frozenset({"sendMessage", "editMessageText"})


class GuardedRequest(HTTPXRequest):
    """PTB's HTTP transport, telling the `TokenGuard` when Telegram answers 401, and
    (once `shared` is set) drawing every message from the token's shared budget."""

    def __init__(self, guard: TokenGuard, *, connections: int) -> None:
        super().__init__(connection_pool_size=connections, pool_timeout=10.0)
        self._guard = guard
        self.shared: SharedBudget | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        shared = self.shared if url.rsplit("/", 1)[-1] in PACED_METHODS else None
        chat_id = request_data.parameters.get("chat_id") if request_data else None
        if shared is not None and chat_id is not None:
            wait = await shared.admit(str(chat_id))
            if wait > 0:  # held, or the chat's queue is too long: answer as Telegram would
                return 429, _too_many_requests(wait)
        code, payload = await super().do_request(
            url,
            method,
            request_data,
            read_timeout,  # type: ignore[arg-type]
            write_timeout,  # type: ignore[arg-type]
            connect_timeout,  # type: ignore[arg-type]
            pool_timeout,  # type: ignore[arg-type]
        )
        if code == 401:
            self._guard.reject()
        if code == 429 and shared is not None:
            await shared.hold(self._retry_after(payload))
        return code, payload

    def _retry_after(self, payload: bytes) -> float:
        """A 429's retry_after (seconds); 1 when Telegram did not say."""
        try:
            answer = self.parse_json_payload(payload)
            return float(answer.get("parameters", {}).get("retry_after", 1))
        except (TelegramError, AttributeError, TypeError, ValueError):
            return 1.0


def _too_many_requests(wait: float) -> bytes:
    """The Bot API's own 429 answer, so a shared hold reaches senders as Telegram's would."""
    seconds = max(1, math.ceil(wait))
    return json.dumps(
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds} (shared send budget)",
            "parameters": {"retry_after": seconds},
        }
    ).encode()


def build_bot(
    token: str,
    base_url: str,
    guard: TokenGuard,
    *,
    connections: int,
    transport: GuardedRequest | None = None,
) -> Bot:
    """The one Bot for this token: commands and alerts share it, and its guard.

    `connections` bounds requests in flight (delivery concurrency plus replies);
    the long poll has a connection of its own. `transport` is the link's, when
    the caller keeps it (to share the budget later).
    """
    return Bot(
        token,
        base_url=base_url,
        request=transport or GuardedRequest(guard, connections=connections),
        get_updates_request=GuardedRequest(guard, connections=1),
    )


@dataclass
class TelegramLink:
    """One token's connection to Telegram: its Bot, its send budget and per-chat gaps
    (shared by alerts and replies), its 401 guard, and the transport every request takes."""

    bot: Bot
    budget: Pacer
    spacing: ChatSpacing
    guard: TokenGuard
    transport: GuardedRequest

    @classmethod
    def open(
        cls,
        token: str,
        base_url: str,
        *,
        rate: float,
        connections: int,
        spacing: ChatSpacing | None = None,
    ) -> TelegramLink:
        """Built, not connected: `start` asks Telegram who we are."""
        guard = TokenGuard()
        transport = GuardedRequest(guard, connections=connections)
        bot = build_bot(token, base_url, guard, connections=connections, transport=transport)
        return cls(bot, Pacer(rate), spacing or ChatSpacing(), guard, transport)

    @property
    def shared(self) -> bool:
        """Whether this token's messages also draw from a budget other processes share."""
        return self.transport.shared is not None

    def share(self, book: SlotBook, *, max_wait: float = MAX_SHARED_WAIT_SECONDS) -> None:
        """From now on every message of this token, alert or reply, also takes its slots
        from `book`, which every process sending with the token sees (and a 429 holds
        the token there for all of them). A message whose slots are further than
        `max_wait` away is answered as a 429 instead, without reaching Telegram."""
        self.transport.shared = SharedBudget(
            book,
            self.bot.token,
            interval=self.budget.interval,
            chat_gap=self.spacing.gap,
            max_wait=max_wait,
        )

    async def start(self) -> None:
        try:
            await self.bot.initialize()
        except InvalidToken:
            raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram rejected this token") from None
        except NetworkError as exc:
            raise TalkwatchError(f"cannot reach the Telegram Bot API: {exc.message}") from None

    async def close(self) -> None:
        await self.bot.shutdown()


def is_token_rejection(record: logging.LogRecord) -> bool:
    """A library's traceback for the 401 the service already reports in one line."""
    return bool(record.exc_info) and isinstance(record.exc_info[1], InvalidToken)  # type: ignore[index]
