"""A local HTTP server for ingest tests: scripted replies and a request log.

Runs in a thread on 127.0.0.1 (port chosen by the OS). Each route returns a
`Reply`; the server answers conditional GETs itself when a reply carries an
ETag or Last-Modified, and can delay, drip, or reset the connection to act
out slow, hanging and broken publishers.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bot.ingest.fetch import USER_AGENT


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering (a hanging server)
    drip: float = 0.0  # seconds between 16-byte pieces of the body (a slow server)
    reset: bool = False  # abort the connection with a TCP reset instead of answering


@dataclass(frozen=True)
class Logged:
    path: str
    headers: dict[str, str]
    status: int


Route = Reply | Callable[[str], Reply]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.fallback: Callable[[str], Reply | None] | None = None
        self.log: list[Logged] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, reply: Route) -> str:
        self.routes[path] = reply
        return self.url(path)

    def requests_to(self, path: str) -> list[Logged]:
        with self._lock:
            return [entry for entry in self.log if entry.path == path]

    def record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)

    def reply_for(self, path: str) -> Reply:
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is None and self.fallback is not None:
            route = self.fallback(path)
        if route is None:
            return Reply(b"not found", status=404, content_type="text/plain")
        return route(path) if callable(route) else route

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many feeds connect at once; the default 5 drops SYNs

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients closing keep-alive connections are not test failures


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            reply = server.reply_for(self.path)
            status = _status(reply, self.headers)
            server.record(
                Logged(self.path, {k.lower(): v for k, v in self.headers.items()}, status)
            )
            if reply.delay and server.stopping.wait(reply.delay):
                return
            if reply.reset:
                self._reset()
                return
            self._answer(reply, status)

        def _answer(self, reply: Reply, status: int) -> None:
            body = b"" if status == 304 else reply.body
            self.send_response(status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.etag:
                self.send_header("ETag", reply.etag)
            if reply.last_modified:
                self.send_header("Last-Modified", reply.last_modified)
            self.end_headers()
            self._write(body, reply.drip)

        def _write(self, body: bytes, drip: float) -> None:
            try:
                if not drip:
                    self.wfile.write(body)
                    return
                for start in range(0, len(body), 16):
                    if server.stopping.is_set():
                        return
                    self.wfile.write(body[start : start + 16])
                    self.wfile.flush()
                    time.sleep(drip)
            except OSError:
                self.close_connection = True

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def finish(self) -> None:
            with contextlib.suppress(OSError):
                super().finish()

    return Handler


def _status(reply: Reply, headers: Any) -> int:
    if reply.status != 200:
        return reply.status
    if reply.etag and headers.get("If-None-Match") == reply.etag:
        return 304
    if reply.last_modified and headers.get("If-Modified-Since") == reply.last_modified:
        return 304
    return 200


FIXTURES = Path(__file__).resolve().parent.parent / "ingest" / "fixtures"


class LocalOnlyTransport(httpx.AsyncBaseTransport):
    """The test network: 127.0.0.1 only, so no test can reach the internet."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host not in {"127.0.0.1", "localhost"}:
            raise httpx.ConnectError("tests may not leave 127.0.0.1", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def local_client(read_timeout: float = 1.0) -> httpx.AsyncClient:
    timeout = httpx.Timeout(read_timeout, connect=1.0, pool=10.0)
    return httpx.AsyncClient(
        transport=LocalOnlyTransport(), timeout=timeout, headers={"User-Agent": USER_AGENT}
    )


def fixture_bytes(name: str, base: str = "") -> bytes:
    """A golden file, with `{base}` replaced by the test server's address."""
    return (FIXTURES / name).read_bytes().replace(b"{base}", base.encode())


def serve_fixture(server: FeedServer, path: str, name: str, **reply: object) -> str:
    body = fixture_bytes(name, server.base)
    return server.route(path, Reply(body, **reply))  # type: ignore[arg-type]
