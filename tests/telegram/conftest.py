"""Fixtures for the Telegram tests: the fake Bot API, the real PTB application, seeded data."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from bot.chat.application import build_application
from bot.chat.services import ChatServices
from bot.domain import Assessment
from bot.store import Database
from bot.store.developments import record_development
from bot.store.models import ArticleRow
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

ADMIN = 1001
USER = 2002


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(private_per_second=5) as server:
        yield server


async def wait_until(check: Callable[[], Any], within: float = 5.0) -> Any:
    """Poll `check` until it returns something truthy (the server runs in its own thread)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not met within {within}s")


class FeedAdmin:
    """A fake of the feed-administration callables the lead wires in."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}

    async def probe(self, url: str) -> str:
        if "broken" in url:
            raise ValueError("not a feed: <html> page without items")
        return f"Feed at {url}"

    async def add(self, url: str, name: str) -> bool:
        if url in self.feeds:
            return False
        self.feeds[url] = name
        return True

    async def remove(self, target: str) -> str | None:
        for url, name in list(self.feeds.items()):
            if target in (url, name):
                del self.feeds[url]
                return name
        return None


@pytest.fixture
def feed_admin() -> FeedAdmin:
    return FeedAdmin()


@pytest.fixture
async def bot_app(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> AsyncIterator[Any]:
    """The real command Application, polling the fake server."""
    services = ChatServices(
        db=sqlite_database,
        admin_ids=frozenset({ADMIN}),
        probe_feed=feed_admin.probe,
        add_feed=feed_admin.add,
        remove_feed=feed_admin.remove,
        knowledge_size=lambda: 42,
        last_poll=lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
    )
    app = build_application(TOKEN, fake_api.base_url, services)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    yield app
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def add_article(
    db: Database,
    *,
    title: str,
    text: str = "",
    outlet: str = "Reuters",
    url: str | None = None,
    summary: str = "",
) -> int:
    """Store one article row (what the ingest stage would have stored)."""
    async with db.session() as session:
        result = await session.execute(
            insert(ArticleRow).returning(ArticleRow.id),
            [
                {
                    "identity": f"{outlet}:{title}",
                    "url": url or f"https://{outlet.lower()}.example/{abs(hash(title))}",
                    "title": title,
                    "summary": summary,
                    "text": text,
                    "outlet": outlet,
                    "content_hash": str(abs(hash(title + text))),
                    "published_at": datetime.now(UTC),
                    "fetched_at": datetime.now(UTC),
                    "text_source": "feed",
                    "backlog": False,
                }
            ],
        )
        return int(result.scalar_one())


def verdict(
    headline: str, summary: str = "", *, before: str | None = None, facts: tuple[str, ...] = ()
) -> Assessment:
    return Assessment(
        relevant=True,
        relevance=0.9,
        duplicate_of=None,
        novel=True,
        novelty=0.8,
        new_facts=facts,
        headline=headline,
        summary=summary,
        before=before,
    )


async def alert(
    db: Database,
    headline: str,
    summary: str = "",
    *,
    channel: str | None = "-1001",
    outlet: str = "Reuters",
    backlog: bool = False,
    text: str = "",
) -> tuple[int, int]:
    """An alerting article and its development; returns (article_id, development_id)."""
    article_id = await add_article(db, title=headline, text=text or summary, outlet=outlet)
    development_id = await record_development(
        db,
        article_id=article_id,
        verdict=verdict(headline, summary),
        outlet=outlet,
        url=f"https://{outlet.lower()}.example/{article_id}",
        published_at=datetime.now(UTC),
        backlog=backlog,
        channel=channel,
    )
    return article_id, development_id
