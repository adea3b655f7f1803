"""Articles waiting for a verdict, verdicts, and the history the knowledge base is rebuilt from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select, tuple_, update

from bot.domain import Assessment, Document
from bot.store.db import Database
from bot.store.models import ArticleRow, UTCDateTime
from bot.store.snapshots import Watermark

ARTICLE_KEY_PREFIX = "article:"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the pipeline needs it to assess and attribute it."""

    id: int
    document: Document
    outlet: str
    url: str
    published_at: datetime | None
    backlog: bool


def article_key(article_id: int) -> str:
    return f"{ARTICLE_KEY_PREFIX}{article_id}"


def article_id_from_key(key: str | None) -> int | None:
    """The article id behind a verdict's reference, or None for corpus texts."""
    if key is None or not key.startswith(ARTICLE_KEY_PREFIX):
        return None
    tail = key[len(ARTICLE_KEY_PREFIX) :]
    return int(tail) if tail.isdigit() else None


def _to_stored(row: ArticleRow) -> StoredArticle:
    url = row.url or ""
    document = Document(
        key=article_key(row.id),
        title=row.title,
        text=row.text or row.summary,
        url=url,
        outlet=row.outlet,
        published_at=row.published_at,
    )
    return StoredArticle(row.id, document, row.outlet, url, row.published_at, row.backlog)


async def pending_articles(db: Database, limit: int = 200) -> list[StoredArticle]:
    """Unassessed articles in storage order, which follows publication order."""
    async with db.session() as session:
        rows = await session.scalars(
            select(ArticleRow)
            .where(ArticleRow.assessed_at.is_(None))
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        return [_to_stored(row) for row in rows]


async def save_verdict(
    db: Database, article_id: int, verdict: Assessment, *, now: datetime
) -> None:
    async with db.session() as session:
        await session.execute(
            update(ArticleRow)
            .where(ArticleRow.id == article_id)
            .values(
                assessed_at=now,
                verdict=verdict.to_dict(),
                relevant=verdict.relevant,
                copy_of_id=article_id_from_key(verdict.copy_of),
            )
        )


async def verdict_history(
    db: Database, after: Watermark | None = None, batch: int = 1000
) -> AsyncIterator[tuple[Document, Assessment, Watermark]]:
    """Every verdict after `after`, in the order they were given (assessed_at, then id)."""
    while True:
        async with db.session() as session:
            query = select(ArticleRow).where(ArticleRow.assessed_at.is_not(None))
            if after is not None:
                query = query.where(
                    tuple_(ArticleRow.assessed_at, ArticleRow.id)
                    > tuple_(literal(after.assessed_at, UTCDateTime()), literal(after.article_id))
                )
            order = (ArticleRow.assessed_at, ArticleRow.id)
            rows = list(await session.scalars(query.order_by(*order).limit(batch)))
        for row in rows:
            assert row.assessed_at is not None
            if row.verdict is not None:
                mark = Watermark(row.assessed_at, row.id)
                yield _to_stored(row).document, Assessment.from_dict(row.verdict), mark
        if len(rows) < batch:
            return
        last = rows[-1]
        assert last.assessed_at is not None
        after = Watermark(last.assessed_at, last.id)
