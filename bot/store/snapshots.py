"""Snapshots of the knowledge base, and the watermark of the verdicts each one contains.

Learning every stored verdict again costs about a millisecond an article, minutes at 100k;
loading a snapshot and replaying only the verdicts after its watermark takes a second or two.
Only the newest snapshot is kept: one row, replaced in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from bot.store.db import Database
from bot.store.models import KnowledgeSnapshotRow


@dataclass(frozen=True, slots=True, order=True)
class Watermark:
    """A verdict's place in replay order: when it was assessed, then the article id."""

    assessed_at: datetime
    article_id: int


@dataclass(frozen=True, slots=True)
class KnowledgeSnapshot:
    fingerprint: str
    learned_until: Watermark
    articles: int
    data: bytes


async def save_snapshot(db: Database, snapshot: KnowledgeSnapshot, *, now: datetime) -> None:
    """Store `snapshot` as the only one."""
    async with db.session() as session:
        await session.execute(delete(KnowledgeSnapshotRow))
        session.add(
            KnowledgeSnapshotRow(
                fingerprint=snapshot.fingerprint,
                learned_until_at=snapshot.learned_until.assessed_at,
                learned_until_id=snapshot.learned_until.article_id,
                articles=snapshot.articles,
                created_at=now,
                data=snapshot.data,
            )
        )


async def load_snapshot(db: Database, fingerprint: str) -> KnowledgeSnapshot | None:
    """The stored snapshot, if it was made by the same core over the same story."""
    async with db.session() as session:
        row = await session.scalar(
            select(KnowledgeSnapshotRow)
            .where(KnowledgeSnapshotRow.fingerprint == fingerprint)
            .order_by(KnowledgeSnapshotRow.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        mark = Watermark(row.learned_until_at, row.learned_until_id)
        return KnowledgeSnapshot(row.fingerprint, mark, row.articles, row.data)
