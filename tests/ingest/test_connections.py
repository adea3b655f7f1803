"""The fetcher's connection pool: keep-alive per host, bounded, never handing out a dead socket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx

from bot.ingest.connections import LeanPool
from bot.ingest.fetch import Fetcher, build_client


@dataclass
class Counting:
    """A tiny HTTP/1.1 server that counts connections; `close_idle` hangs up after each answer."""

    delay: float = 0.0
    close_idle: bool = False
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    answered: list[str] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                path = head.split(b" ", 2)[1].decode()
                await asyncio.sleep(self.delay)
                body = f"<rss><channel><title>{path}</title></channel></rss>".encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
                self.answered.append(path)
                if self.close_idle:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open_now -= 1
            writer.close()


@asynccontextmanager
async def counting_server(server: Counting) -> AsyncIterator[str]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listener.close()


def pool_of(client: httpx.AsyncClient) -> LeanPool:
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, LeanPool)
    return pool


async def test_polls_of_one_host_one_after_another_share_one_connection() -> None:
    server = Counting()
    async with counting_server(server) as base, build_client(allow_private=True) as client:
        fetcher = Fetcher(client)
        for n in range(5):
            assert (await fetcher.fetch(f"{base}/feed/{n}")).status == 200
    assert server.connections == 1 and len(server.answered) == 5


async def test_requests_at_once_never_open_more_than_max_connections() -> None:
    server = Counting(delay=0.05)
    async with (
        counting_server(server) as base,
        build_client(allow_private=True, max_connections=3) as client,
    ):
        fetcher = Fetcher(client)
        results = await asyncio.gather(*(fetcher.fetch(f"{base}/feed/{n}") for n in range(12)))
        assert len(pool_of(client).idle) <= 3
    assert all(r.status == 200 for r in results)
    assert server.most_open <= 3 and len(server.answered) == 12


async def test_a_connection_the_server_hung_up_is_replaced_not_reused() -> None:
    server = Counting(close_idle=True)
    async with counting_server(server) as base, build_client(allow_private=True) as client:
        fetcher = Fetcher(client)
        for n in range(3):
            assert (await fetcher.fetch(f"{base}/feed/{n}")).status == 200
            await asyncio.sleep(0.05)  # the hang-up reaches us before the next poll
    assert server.connections == 3 and len(server.answered) == 3


async def test_idle_connections_beyond_the_keepalive_limit_are_closed() -> None:
    server = Counting(delay=0.05)
    async with (
        counting_server(server) as base,
        build_client(allow_private=True, max_connections=6) as client,
    ):
        pool_of(client).max_idle = 2
        fetcher = Fetcher(client)
        await asyncio.gather(*(fetcher.fetch(f"{base}/feed/{n}") for n in range(6)))
        assert len(pool_of(client).idle) == 2
        await asyncio.sleep(0.05)
        assert server.open_now == 2


async def test_a_cancelled_request_gives_its_slot_back() -> None:
    """A feed cut by its deadline mid-request must not shrink the pool for everyone after."""
    server = Counting(delay=0.5)
    async with (
        counting_server(server) as base,
        build_client(allow_private=True, max_connections=1) as client,
    ):
        fetcher = Fetcher(client)
        for n in range(3):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.05):
                    await fetcher.fetch(f"{base}/slow/{n}")
        server.delay = 0.0
        assert (await fetcher.fetch(f"{base}/feed/last")).status == 200
