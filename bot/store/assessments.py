"""Articles waiting for a verdict, verdicts, and the history the knowledge base is rebuilt from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, literal, select, tuple_
from sqlalchemy.exc import IntegrityError

from bot.domain import Assessment, Document
from bot.store.db import Database
from bot.store.models import (
    DEFAULT_STORY_ID,
    ArticleRow,
    StoryFeedRow,
    StoryVerdictRow,
    UTCDateTime,
)
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


def _polled_by(story_id: int) -> ColumnElement[bool]:
    """The articles of the story's feeds; the default story also takes those no story claims
    (feeds added with /addfeed, articles whose feed was removed)."""
    linked = ArticleRow.feed_id.in_(
        select(StoryFeedRow.feed_id).where(StoryFeedRow.story_id == story_id)
    )
    if story_id != DEFAULT_STORY_ID:
        return linked
    unclaimed = ArticleRow.feed_id.is_(None) | ArticleRow.feed_id.not_in(
        select(StoryFeedRow.feed_id)
    )
    return linked | unclaimed


async def pending_articles(
    db: Database, limit: int = 200, story_id: int = DEFAULT_STORY_ID
) -> list[StoredArticle]:
    """The story's unassessed articles in storage order, which follows publication order."""
    judged = exists().where(
        StoryVerdictRow.story_id == story_id, StoryVerdictRow.article_id == ArticleRow.id
    )
    async with db.session() as session:
        rows = await session.scalars(
            select(ArticleRow)
            .where(_polled_by(story_id), ~judged)
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        return [_to_stored(row) for row in rows]


async def save_verdict(
    db: Database,
    article_id: int,
    verdict: Assessment,
    *,
    now: datetime,
    story_id: int = DEFAULT_STORY_ID,
) -> None:
    """Record the story's verdict; a verdict already recorded (a replay after a crash) stands."""
    try:
        async with db.session() as session:
            session.add(
                StoryVerdictRow(
                    story_id=story_id,
                    article_id=article_id,
                    assessed_at=now,
                    verdict=verdict.to_dict(),
                    relevant=verdict.relevant,
                    copy_of_id=article_id_from_key(verdict.copy_of),
                )
            )
    except IntegrityError:
        return


async def verdict_history(
    db: Database,
    after: Watermark | None = None,
    batch: int = 1000,
    story_id: int = DEFAULT_STORY_ID,
) -> AsyncIterator[tuple[Document, Assessment, Watermark]]:
    """The story's verdicts after `after`, in the order they were given (assessed_at, then id)."""
    while True:
        async with db.session() as session:
            query = (
                select(StoryVerdictRow, ArticleRow)
                .join(ArticleRow, ArticleRow.id == StoryVerdictRow.article_id)
                .where(StoryVerdictRow.story_id == story_id)
            )
            if after is not None:
                query = query.where(
                    tuple_(StoryVerdictRow.assessed_at, StoryVerdictRow.article_id)
                    > tuple_(literal(after.assessed_at, UTCDateTime()), literal(after.article_id))
                )
            order = (StoryVerdictRow.assessed_at, StoryVerdictRow.article_id)
            result = await session.execute(query.order_by(*order).limit(batch))
            rows: list[tuple[StoryVerdictRow, ArticleRow]] = [(v, a) for v, a in result]
        for judged, row in rows:
            if judged.verdict is not None:
                mark = Watermark(judged.assessed_at, row.id)
                yield _to_stored(row).document, Assessment.from_dict(judged.verdict), mark
        if len(rows) < batch:
            return
        last = rows[-1][0]
        after = Watermark(last.assessed_at, last.article_id)
