"""Read-only questions the slash commands ask: latest, timeline, sources, status, feeds.

(Full-text search lives in bot/store/search.py.) Every answer is a plain
dataclass; the command handlers render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database
from bot.store.models import (
    ArticleRow,
    DevelopmentRow,
    DevelopmentSourceRow,
    FeedRow,
    StoryVerdictRow,
)


@dataclass(frozen=True, slots=True)
class DevelopmentView:
    id: int
    headline: str
    summary: str
    published_at: datetime | None
    created_at: datetime
    outlet: str
    url: str
    backlog: bool
    sources: int

    @property
    def moment(self) -> datetime:
        """When it happened, as far as we know: publication, else when we learned it."""
        return self.published_at or self.created_at


@dataclass(frozen=True, slots=True)
class OutletStats:
    outlet: str
    articles: int
    alerts: int


@dataclass(frozen=True, slots=True)
class FeedView:
    name: str
    url: str
    status: str
    error_count: int
    last_error: str | None
    last_checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusFigures:
    feeds: int
    failing_feeds: int
    last_poll: datetime | None
    articles_today: int
    alerts_today: int
    developments: int


def _of_story(story_id: int | None) -> ColumnElement[bool]:
    """The developments of one story (every story's when None)."""
    return true() if story_id is None else DevelopmentRow.story_id == story_id


async def _developments(
    session: AsyncSession, *, limit: int, story_id: int | None = None
) -> list[DevelopmentView]:
    """Newest first by publication time (else creation time), with the first source."""
    first = (
        select(
            DevelopmentSourceRow.development_id.label("dev"),
            func.min(DevelopmentSourceRow.id).label("sid"),
            func.count().label("n"),
        )
        .group_by(DevelopmentSourceRow.development_id)
        .subquery()
    )
    moment = func.coalesce(DevelopmentRow.published_at, DevelopmentRow.created_at)
    query = (
        select(DevelopmentRow, DevelopmentSourceRow.outlet, DevelopmentSourceRow.url, first.c.n)
        .join(first, first.c.dev == DevelopmentRow.id, isouter=True)
        .join(DevelopmentSourceRow, DevelopmentSourceRow.id == first.c.sid, isouter=True)
        .where(_of_story(story_id))
        .order_by(moment.desc(), DevelopmentRow.id.desc())
        .limit(limit)
    )
    return [_development(*row) for row in await session.execute(query)]


def _development(dev: DevelopmentRow, outlet: Any, url: Any, n: Any) -> DevelopmentView:
    return DevelopmentView(
        id=dev.id,
        headline=dev.headline,
        summary=dev.summary,
        published_at=dev.published_at,
        created_at=dev.created_at,
        outlet=str(outlet or ""),
        url=str(url or ""),
        backlog=dev.backlog,
        sources=int(n or 0),
    )


async def latest_developments(
    db: Database, n: int, *, story_id: int | None = None
) -> list[DevelopmentView]:
    """The n most recent developments (of one story, or all), newest first."""
    async with db.session() as session:
        return await _developments(session, limit=n, story_id=story_id)


async def timeline(
    db: Database, limit: int = 1000, *, story_id: int | None = None
) -> tuple[list[DevelopmentView], int]:
    """The most recent `limit` developments in chronological order, and how many exist."""
    async with db.session() as session:
        counted = select(func.count()).select_from(DevelopmentRow).where(_of_story(story_id))
        total = int(await session.scalar(counted) or 0)
        newest = await _developments(session, limit=limit, story_id=story_id)
    return list(reversed(newest)), total


async def outlet_stats(db: Database, *, story_id: int | None = None) -> list[OutletStats]:
    """Outlets seen (by one story's feeds, or all), with articles carried and alerts started."""
    async with db.session() as session:
        articles_q = select(ArticleRow.outlet, func.count()).group_by(ArticleRow.outlet)
        if story_id is not None:
            assessed = select(StoryVerdictRow.article_id).where(
                StoryVerdictRow.story_id == story_id
            )
            articles_q = articles_q.where(ArticleRow.id.in_(assessed))
        alerts_q = (
            select(DevelopmentSourceRow.outlet, func.count())
            .join(DevelopmentRow, DevelopmentRow.article_id == DevelopmentSourceRow.article_id)
            .where(DevelopmentRow.backlog.is_(False), _of_story(story_id))
            .group_by(DevelopmentSourceRow.outlet)
        )
        articles = {o: int(n) for o, n in (await session.execute(articles_q)).all()}
        alerts = {o: int(n) for o, n in (await session.execute(alerts_q)).all()}
    outlets = {o for o in (*articles, *alerts) if o}
    stats = [OutletStats(o, int(articles.get(o, 0)), int(alerts.get(o, 0))) for o in outlets]
    return sorted(stats, key=lambda s: (-s.alerts, -s.articles, s.outlet.lower()))


async def feed_views(db: Database) -> list[FeedView]:
    """Every configured feed with its polling state (read-only; feeds.py owns the writes)."""
    async with db.session() as session:
        rows = await session.scalars(select(FeedRow).order_by(FeedRow.name, FeedRow.id))
        return [
            FeedView(r.name, r.url, r.last_status, r.error_count, r.last_error, r.last_checked_at)
            for r in rows
        ]


async def status_figures(db: Database, since: datetime) -> StatusFigures:
    """The numbers /status shows; "today" means since `since` (UTC midnight)."""
    async with db.session() as session:
        feeds = await _count(session, select(func.count()).select_from(FeedRow))
        failing = await _count(
            session,
            select(func.count()).select_from(FeedRow).where(FeedRow.last_status == "failed"),
        )
        last_poll = await session.scalar(select(func.max(FeedRow.last_checked_at)))
        articles = await _count(
            session,
            select(func.count()).select_from(ArticleRow).where(ArticleRow.fetched_at >= since),
        )
        alerts = await _count(
            session,
            select(func.count())
            .select_from(DevelopmentRow)
            .where(DevelopmentRow.created_at >= since, DevelopmentRow.backlog.is_(False)),
        )
        developments = await _count(session, select(func.count()).select_from(DevelopmentRow))
    return StatusFigures(feeds, failing, last_poll, articles, alerts, developments)


async def _count(session: AsyncSession, query: Any) -> int:
    return int(await session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class AlertFigures:
    """How many alerts a story has sent so far, and when the last one was recorded."""

    alerts: int
    last_alert_at: datetime | None
