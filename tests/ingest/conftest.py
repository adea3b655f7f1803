"""Ingest fixtures: a local feed server and a fetcher that cannot leave 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.ingest.fetch import Fetcher

from .server import FeedServer, local_client


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feed_server = FeedServer()
    feed_server.start()
    yield feed_server
    feed_server.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with local_client() as client:
        yield Fetcher(client, max_bytes=1_000_000, deadline_seconds=3.0)
