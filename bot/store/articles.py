"""The articles table as the poller needs it: what is unseen, and storing what is new.

An item counts as seen when its identity key *or* its canonical URL is
already stored, so the same story carried by two feeds (or with a decorated
link) is stored once. New articles are inserted in published-time order, so
article ids follow publication order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import ParsedItem
from bot.store.db import Database
from bot.store.models import ArticleRow

CHUNK = 500  # keys per IN (...) query
INSERT_BATCH = 1000  # rows per multi-row INSERT


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A parsed item ready to store, with where its text came from."""

    feed_id: int | None
    item: ParsedItem
    text: str
    text_source: str  # 'feed', 'page' or 'teaser'
    extract_error: str | None
    backlog: bool
    content_hash: str


async def unseen(db: Database, items: Sequence[ParsedItem]) -> list[ParsedItem]:
    """The items not stored yet (and not repeated earlier in `items`), in input order."""
    async with db.session() as session:
        return await _unseen(session, items)


async def _unseen(session: AsyncSession, items: Sequence[ParsedItem]) -> list[ParsedItem]:
    identities = await _existing(session, ArticleRow.identity, [i.identity for i in items])
    urls = await _existing(session, ArticleRow.url, [i.url for i in items if i.url])
    fresh: list[ParsedItem] = []
    for item in items:
        if item.identity in identities or (item.url and item.url in urls):
            continue
        identities.add(item.identity)
        if item.url:
            urls.add(item.url)
        fresh.append(item)
    return fresh


async def _existing(session: AsyncSession, column: Any, keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        batch = wanted[start : start + CHUNK]
        found.update(await session.scalars(select(column).where(column.in_(batch))))
    return found


def publication_order(articles: Sequence[NewArticle], fetched_at: datetime) -> list[NewArticle]:
    """Oldest first; undated items count as published when fetched (stable otherwise)."""
    return sorted(articles, key=lambda a: a.item.published_at or fetched_at)


async def store_articles(
    db: Database, articles: Sequence[NewArticle], *, fetched_at: datetime
) -> Counter[int | None]:
    """Insert the still-unseen articles in publication order; return new articles per feed id."""
    ordered = publication_order(articles, fetched_at)
    async with db.session() as session:
        fresh = {id(i) for i in await _unseen(session, [a.item for a in ordered])}
        rows = [_values(a, fetched_at) for a in ordered if id(a.item) in fresh]
        if not rows:
            return Counter()
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        # Another worker may store the same identity between our check and this insert.
        statement = insert(ArticleRow).on_conflict_do_nothing(index_elements=["identity"])
        stored: Counter[int | None] = Counter()
        for start in range(0, len(rows), INSERT_BATCH):  # bounded memory for a big backlog
            batch = rows[start : start + INSERT_BATCH]
            result = await session.execute(statement.returning(ArticleRow.feed_id), batch)
            stored.update(result.scalars().all())
        return stored


def _values(article: NewArticle, fetched_at: datetime) -> dict[str, Any]:
    item = article.item
    return {
        "feed_id": article.feed_id,
        "identity": item.identity,
        "guid": item.guid,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "text": article.text,
        "text_source": article.text_source,
        "extract_error": article.extract_error,
        "outlet": item.outlet[:300],
        "published_at": item.published_at,
        "fetched_at": fetched_at,
        "content_hash": article.content_hash,
        "backlog": article.backlog,
    }
