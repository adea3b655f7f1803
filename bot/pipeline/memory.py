"""The knowledge base across restarts: load the last snapshot, replay only what came after.

Re-learning every stored verdict costs about a millisecond an article (minutes at 100k); a
snapshot loads in well under a second at that size. A snapshot is used only when it was made
by the same assessment code over the same story (`knowledge_fingerprint`); anything else, or
no snapshot at all, means learning every verdict again, as before. Snapshots are taken after
an assessment cycle once enough new verdicts have been learned, and at shutdown.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bot.assess
from bot.assess import Assessor
from bot.assess.snapshot import export_knowledge, restore_knowledge
from bot.domain import Assessment, Document, VerdictKind
from bot.store import Database
from bot.store.assessments import verdict_history
from bot.store.snapshots import KnowledgeSnapshot, Watermark, load_snapshot, save_snapshot
from bot.store.story_table import DEFAULT_STORY_ID

log = logging.getLogger(__name__)

# New verdicts learned before the next snapshot. A snapshot of 100k learned articles takes
# about half a second to write (benchmarks/assess_scale.py prints it): every 500 verdicts
# keeps that under 0.1% of assessment time and a restart's replay under a second.
SNAPSHOT_EVERY = 500


def knowledge_fingerprint(story: str) -> str:
    """The story's digest combined with a digest of the assessment code itself."""
    digest = hashlib.sha256(story.encode())
    for path in sorted(Path(bot.assess.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def learn(assessor: Assessor, document: Document, verdict: Assessment) -> None:
    """Learn from a verdict, unless the core failed on this document (it would fail again)."""
    if verdict.kind is not VerdictKind.FAILED:
        assessor.learn(document, verdict)


@dataclass
class KnowledgeMemory:
    """Where the assessor's knowledge stands against the stored verdicts."""

    db: Database
    assessor: Assessor
    fingerprint: str
    story_id: int = DEFAULT_STORY_ID
    learned_until: Watermark | None = None
    unsaved: int = 0

    ready: bool = False

    async def rebuild(self) -> int:
        """Bring the assessor up to the last stored verdict; returns how many were replayed."""
        snapshot = await load_snapshot(self.db, self.fingerprint)
        if snapshot is not None:
            restore_knowledge(self.assessor, snapshot.data)
            self.learned_until = snapshot.learned_until
        replayed = await self._replay()
        self.unsaved = replayed
        self.ready = True
        log.info(
            "knowledge base ready",
            extra={"from_snapshot": snapshot is not None, "replayed": replayed},
        )
        return replayed

    async def refresh(self) -> int:
        """Learn the verdicts other workers stored since ours (a rebuild the first time).

        A worker taking over a story's lease calls this before assessing: the
        knowledge base then holds everything assessed by whoever held it before.
        """
        if not self.ready:
            return await self.rebuild()
        replayed = await self._replay()
        self.unsaved += replayed
        return replayed

    async def _replay(self) -> int:
        replayed = 0
        async for document, verdict, mark in verdict_history(
            self.db, self.learned_until, story_id=self.story_id
        ):
            learn(self.assessor, document, verdict)
            self.learned_until = mark
            replayed += 1
        return replayed

    def next_mark_time(self, now: datetime) -> datetime:
        """`now`, or just after the last verdict learned if a clock is behind.

        Replay order is by verdict time: whichever worker assesses next, its
        verdicts must sort after the ones it learned, even across hosts whose
        clocks differ a little.
        """
        last = self.learned_until
        if last is not None and now <= last.assessed_at:
            return last.assessed_at + timedelta(microseconds=1)
        return now

    def learned(self, mark: Watermark) -> None:
        """A verdict was learned live; `mark` is its place in replay order."""
        self.learned_until = mark
        self.unsaved += 1

    async def save_if_due(self, now: datetime, *, force: bool = False) -> bool:
        """Snapshot the knowledge base when enough is new (or `force`, at shutdown)."""
        due = self.unsaved >= SNAPSHOT_EVERY or (force and self.unsaved > 0)
        if not due or self.learned_until is None:
            return False
        data = export_knowledge(self.assessor)
        count = self.assessor.size
        snapshot = KnowledgeSnapshot(self.fingerprint, self.learned_until, count, data)
        await save_snapshot(self.db, snapshot, now=now)
        self.unsaved = 0
        return True
