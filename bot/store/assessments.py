"""Articles waiting for a verdict, verdicts, and the history the knowledge base is rebuilt from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.domain import Assessment, Document
from bot.store.db import Database
from bot.store.models import ArticleRow

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
        source=row.outlet,
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
                duplicate_of_id=article_id_from_key(verdict.duplicate_of),
            )
        )


async def verdict_history(
    db: Database, batch: int = 1000
) -> AsyncIterator[tuple[Document, Assessment]]:
    """Every assessed article with its verdict, in the order they were assessed in."""
    last_id = 0
    while True:
        async with db.session() as session:
            rows = list(
                await session.scalars(
                    select(ArticleRow)
                    .where(ArticleRow.assessed_at.is_not(None), ArticleRow.id > last_id)
                    .order_by(ArticleRow.id)
                    .limit(batch)
                )
            )
        for row in rows:
            if row.verdict is not None:
                yield _to_stored(row).document, Assessment.from_dict(row.verdict)
        if len(rows) < batch:
            return
        last_id = rows[-1].id
