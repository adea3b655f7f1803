"""Keep-alive connections for the fetcher, without a general-purpose pool's bookkeeping.

httpcore's `AsyncConnectionPool` re-examines every connection for every queued
request each time a request starts or a response closes (quadratic in the
requests in flight), and asks each idle connection whether the server closed
it. On a poll cycle of 1,000 feeds that is 40 connection checks per request
and about a fifth of the fetch CPU. It also closes idle connections as soon as
the pool holds more connections in all than the keep-alive limit, so most
feed hosts reconnected on every poll.

The fetcher needs much less: at most `max_connections` requests at once (a
semaphore), and a stack of idle connections looked up by origin. A connection
is checked once, when it is taken from the stack. Connecting still goes through
the given network backend, so the address guard sees every connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator

import httpcore

Connection = httpcore.AsyncHTTPConnection


class LeanPool:
    """A connection pool for HTTP/1.1 with per-origin keep-alive (the transport's `_pool`)."""

    def __init__(
        self,
        *,
        network_backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
        max_connections: int,
        max_keepalive_connections: int,
        keepalive_expiry: float,
    ) -> None:
        self.backend, self.ssl_context = network_backend, ssl_context
        self.keepalive_expiry = keepalive_expiry
        self.max_idle = max_keepalive_connections
        self.slots = asyncio.Semaphore(max_connections)
        self.idle: deque[Connection] = deque()  # newest on the right

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` on an idle connection to its origin, or on a new one."""
        await self._take_slot(request)
        try:  # from here on, whatever happens (a cancellation too) gives the slot back
            connection = await self._idle_for(request.url.origin)
            try:
                connection, response = await self._send(connection, request)
            except httpcore.ConnectionNotAvailable:
                # Closed under us between requests: once more, on a fresh connection.
                connection, response = await self._send(None, request)
        except BaseException:
            self.slots.release()
            raise
        return httpcore.Response(
            response.status,
            headers=response.headers,
            content=_Returning(response.stream, self, connection),
            extensions=response.extensions,
        )

    async def _take_slot(self, request: httpcore.Request) -> None:
        timeout = request.extensions.get("timeout", {}).get("pool")
        try:
            async with asyncio.timeout(timeout):
                await self.slots.acquire()
        except TimeoutError:
            raise httpcore.PoolTimeout("no connection slot free in time") from None

    async def _send(
        self, connection: Connection | None, request: httpcore.Request
    ) -> tuple[Connection, httpcore.Response]:
        if connection is None:
            connection = Connection(
                request.url.origin,
                ssl_context=self.ssl_context,
                keepalive_expiry=self.keepalive_expiry,
                network_backend=self.backend,
            )
        try:
            return connection, await connection.handle_async_request(request)
        except BaseException:
            await _close(connection)
            raise

    async def _idle_for(self, origin: httpcore.Origin) -> Connection | None:
        """The newest idle connection to `origin` that is still usable (stale ones closed)."""
        for connection in reversed(self.idle):
            if connection.can_handle_request(origin):
                self.idle.remove(connection)
                if connection.is_idle() and not connection.has_expired():
                    return connection
                await _close(connection)
                break
        return None

    async def returned(self, connection: Connection) -> None:
        """A response is closed: keep its connection if it can serve another request."""
        self.slots.release()
        if not connection.is_idle():
            await _close(connection)
            return
        self.idle.append(connection)
        while len(self.idle) > self.max_idle:
            await _close(self.idle.popleft())

    async def aclose(self) -> None:
        """Close every idle connection (those in use close with their responses)."""
        while self.idle:
            await _close(self.idle.pop())

    async def __aenter__(self) -> LeanPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _close(connection: Connection) -> None:
    with contextlib.suppress(Exception):
        await connection.aclose()


class _Returning:
    """A response body that hands its connection back to the pool once closed."""

    def __init__(self, stream: object, pool: LeanPool, connection: Connection) -> None:
        assert isinstance(stream, AsyncIterable)  # an async connection's body
        self.stream, self.pool, self.connection = stream, pool, connection
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.stream:
            yield part

    async def aclose(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            closer = getattr(self.stream, "aclose", None)
            if closer is not None:
                await closer()
        finally:
            await self.pool.returned(self.connection)
