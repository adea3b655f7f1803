"""The health endpoint: `/healthz` for orchestrators, `/metrics` for Prometheus.

A few dozen lines on asyncio streams rather than a web framework: it serves
two GET paths on the same event loop as the bot, so a wedged loop also makes
the health check fail, which is what a liveness probe should see.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.errors import ConfigError

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]
MetricsSource = Callable[[], Awaitable[bytes]]

_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class HealthServer:
    """Serves /healthz (200 when every check is true, else 503) and /metrics."""

    def __init__(self, check: HealthCheck, metrics: MetricsSource, *, host: str, port: int) -> None:
        self._check = check
        self._metrics = metrics
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen; a port in use (or an address we cannot bind) is the operator's to fix."""
        try:
            self._server = await asyncio.start_server(self._handle, self.host, self.port)
        except OSError as exc:
            where = f"{self.host}:{self.port}"
            raise ConfigError(
                f"HEALTH_PORT {self.port}: cannot listen on {where} ({exc.strerror or exc}); "
                "choose a free port, or HEALTH_PORT=0 to turn the endpoint off"
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("health endpoint listening", extra={"port": self.port})

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one request; a connection cut short by shutdown ends quietly.

        asyncio's stream server reports a handler task that ends cancelled as an error,
        traceback and all, so a probe still open when the process stops is closed here
        and the handler returns normally.
        """
        try:
            await self._answer(reader, writer)
        except asyncio.CancelledError:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            method, path = _request_line(request)
            status, ctype, body = await self._route(method, path)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status, ctype, body = 400, "text/plain", b"bad request\n"
        except Exception:
            log.exception("health endpoint failed")
            status, ctype, body = 503, "text/plain", b"error\n"
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Bad Request')}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        try:
            await writer.drain()
        finally:
            writer.close()

    async def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method != "GET":
            return 405, "text/plain", b"GET only\n"
        if path == "/healthz":
            checks = await self._check()
            healthy = all(bool(v) for k, v in checks.items() if k.endswith("_ok"))
            return (200 if healthy else 503), "application/json", json.dumps(checks).encode()
        if path == "/metrics":
            return 200, "text/plain; version=0.0.4; charset=utf-8", await self._metrics()
        return 404, "text/plain", b"not found\n"


def _request_line(request: bytes) -> tuple[str, str]:
    first = request.split(b"\r\n", 1)[0].decode("latin-1")
    parts = first.split()
    if len(parts) != 3:
        raise ValueError("malformed request line")
    return parts[0], parts[1].split("?", 1)[0]
