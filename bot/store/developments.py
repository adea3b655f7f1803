"""Developments: what an alert is about, its sources, and who is owed a message.

`record_development` stores a fresh development, its first source, and (unless
it is backlog) one outbox row per recipient, all in ONE transaction: either the
development exists with every message it owes, or nothing happened and the
pipeline may call again. A second call for the same article is a no-op, so the
pipeline can replay an article after a crash without doubling anything.

`add_source` lets a copy or a re-report join an existing development; it bumps
the development's revision, and the delivery job edits every message already
sent below that revision to show "Also: outlet".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Alert, Assessment, Source
from bot.store.db import Database
from bot.store.models import DEFAULT_STORY_ID, DevelopmentRow, DevelopmentSourceRow, OutboxRow


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert as it stands now, with the revision it renders."""

    alert: Alert
    revision: int
    backlog: bool


async def record_development(
    db: Database,
    *,
    article_id: int,
    verdict: Assessment,
    outlet: str,
    url: str,
    published_at: datetime | None,
    backlog: bool,
    recipients: Sequence[str],
    now: datetime,
    story_id: int = DEFAULT_STORY_ID,
) -> int:
    """Store the story's development of an alerting article and enqueue its messages; idempotent.

    `recipients` are the chats owed a message (see `bot.publish.recipients`); backlog
    developments owe none. One article may be a development of several stories.
    """
    existing = await development_for_article(db, article_id, story_id)
    if existing is not None:
        return existing
    try:
        async with db.session() as session:
            development_id = await _insert_development(
                session, story_id, article_id, verdict, published_at, backlog
            )
            session.add(
                DevelopmentSourceRow(
                    development_id=development_id, article_id=article_id, outlet=outlet, url=url
                )
            )
            if not backlog:
                await _enqueue(session, development_id, recipients, now)
            return development_id
    except IntegrityError:
        # Another worker recorded the same article first: theirs is the development.
        found = await development_for_article(db, article_id, story_id)
        if found is None:
            raise
        return found


async def _insert_development(
    session: AsyncSession,
    story_id: int,
    article_id: int,
    verdict: Assessment,
    published_at: datetime | None,
    backlog: bool,
) -> int:
    row = DevelopmentRow(
        story_id=story_id,
        article_id=article_id,
        headline=verdict.headline,
        summary=verdict.summary,
        before=verdict.before,
        new_facts=list(verdict.new_facts),
        published_at=published_at,
        backlog=backlog,
        revision=1,
    )
    session.add(row)
    await session.flush()
    return row.id


async def _enqueue(
    session: AsyncSession, development_id: int, recipients: Sequence[str], now: datetime
) -> None:
    """One pending outbox row per recipient chat."""
    rows: list[dict[str, Any]] = [
        {
            "development_id": development_id,
            "chat_id": chat,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "sent_revision": 0,
            "created_at": now,
        }
        for chat in dict.fromkeys(recipients)
    ]
    if rows:
        await session.execute(insert(OutboxRow), rows)


async def development_for_article(
    db: Database, article_id: int, story_id: int = DEFAULT_STORY_ID
) -> int | None:
    """The story's development an article started or joined as a source, if any."""
    async with db.session() as session:
        own = await session.scalar(
            select(DevelopmentRow.id).where(
                DevelopmentRow.article_id == article_id, DevelopmentRow.story_id == story_id
            )
        )
        if own is not None:
            return own
        return await session.scalar(
            select(DevelopmentSourceRow.development_id)
            .join(DevelopmentRow, DevelopmentRow.id == DevelopmentSourceRow.development_id)
            .where(
                DevelopmentSourceRow.article_id == article_id, DevelopmentRow.story_id == story_id
            )
            .order_by(DevelopmentSourceRow.id)
            .limit(1)
        )


async def add_source(
    db: Database,
    *,
    development_id: int | None = None,
    article_id_of_original: int | None = None,
    article_id: int,
    outlet: str,
    url: str,
    story_id: int = DEFAULT_STORY_ID,
) -> bool:
    """Attach a copy or re-report to a development; True if it was new (revision bumped).

    Name the development directly or through the article that alerted (or any
    article already attached to it). Unknown developments and repeats are False.
    """
    if development_id is None and article_id_of_original is not None:
        development_id = await development_for_article(db, article_id_of_original, story_id)
    if development_id is None:
        return False
    try:
        async with db.session() as session:
            if await _has_source(session, development_id, article_id):
                return False
            session.add(
                DevelopmentSourceRow(
                    development_id=development_id, article_id=article_id, outlet=outlet, url=url
                )
            )
            result = await session.execute(
                update(DevelopmentRow)
                .where(DevelopmentRow.id == development_id)
                .values(revision=DevelopmentRow.revision + 1)
            )
            if not getattr(result, "rowcount", 0):
                raise LookupError(development_id)
    except LookupError:
        return False
    except IntegrityError:
        return False  # a concurrent call attached the same article
    return True


async def _has_source(session: AsyncSession, development_id: int, article_id: int) -> bool:
    found = await session.scalar(
        select(DevelopmentSourceRow.id).where(
            DevelopmentSourceRow.development_id == development_id,
            DevelopmentSourceRow.article_id == article_id,
        )
    )
    return found is not None


async def load_alerts(db: Database, development_ids: list[int]) -> dict[int, AlertRecord]:
    """The current alert of each development, sources in the order they joined."""
    if not development_ids:
        return {}
    async with db.session() as session:
        developments = await session.scalars(
            select(DevelopmentRow).where(DevelopmentRow.id.in_(development_ids))
        )
        sources = await session.scalars(
            select(DevelopmentSourceRow)
            .where(DevelopmentSourceRow.development_id.in_(development_ids))
            .order_by(DevelopmentSourceRow.id)
        )
        by_dev: dict[int, list[Source]] = {}
        for s in sources:
            by_dev.setdefault(s.development_id, []).append(Source(s.outlet, s.url))
        return {d.id: _record(d, by_dev.get(d.id, [])) for d in developments}


def _record(row: DevelopmentRow, sources: list[Source]) -> AlertRecord:
    alert = Alert(
        development_id=row.id,
        headline=row.headline,
        summary=row.summary,
        before=row.before,
        sources=tuple(sources),
        published_at=row.published_at,
        new_facts=tuple(row.new_facts or ()),
    )
    return AlertRecord(alert=alert, revision=row.revision, backlog=row.backlog)
