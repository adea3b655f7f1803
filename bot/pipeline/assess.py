"""Orders the steps from stored article to recorded alert; decides nothing.

    poll cycle (ingest) -> pending articles -> assess (core) -> record
    development / join a source (outbox rows) -> save verdict -> learn

Persist first, learn last: the development and its outbox rows are written
before the verdict, and the in-memory knowledge base learns only after both.
A crash anywhere leaves the article pending, so it is assessed again on
restart; recording is idempotent per article, so nothing doubles.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.assess import Assessor
from bot.domain import Assessment, VerdictKind
from bot.observe import Metrics
from bot.pipeline.memory import KnowledgeMemory, learn
from bot.publish.recipients import alert_recipients
from bot.store import Database
from bot.store.assessments import (
    StoredArticle,
    article_id_from_key,
    pending_articles,
    save_verdict,
)
from bot.store.developments import add_source, record_development
from bot.store.snapshots import Watermark
from bot.store.story_table import DEFAULT_STORY_ID
from bot.store.subscriptions import active_subscribers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AssessedArticle:
    article: StoredArticle
    verdict: Assessment
    development_id: int | None


async def rebuild_knowledge(db: Database, assessor: Assessor, fingerprint: str = "") -> int:
    """Bring `assessor` up to every stored verdict (from a snapshot when one fits)."""
    return await KnowledgeMemory(db, assessor, fingerprint).rebuild()


def _always() -> bool:
    return True


class Pipeline:
    """Runs assess -> record over what ingest stored; one instance per process, one run at a time.

    It does not poll: the ticker calls ingest, then `run` (bot/service.py).
    """

    def __init__(
        self,
        db: Database,
        assessor: Assessor,
        *,
        channel: str | None,
        metrics: Metrics,
        fingerprint: str = "",
        story_id: int = DEFAULT_STORY_ID,
        label: str | None = None,
    ) -> None:
        self.db = db
        self.story_id = story_id
        # A story sharing its channel with another: its alerts open with its name.
        self.label = label
        self.assessor = assessor
        self.channel = channel
        self.metrics = metrics
        self._lock = asyncio.Lock()
        self.memory = KnowledgeMemory(db, assessor, fingerprint, story_id)

    async def rebuild_knowledge(self) -> int:
        return await self.memory.rebuild()

    async def refresh_knowledge(self) -> int:
        """Catch up with verdicts stored by others (on taking over the story's lease)."""
        async with self._lock:
            return await self.memory.refresh()

    async def run(self, still_ours: Callable[[], bool] = _always) -> list[AssessedArticle]:
        """Assess every pending article, oldest first, until none is left.

        `still_ours` is asked before each article: a worker whose lease on the
        story lapsed stops at once, leaving the rest to the new holder.
        """
        async with self._lock:
            done = await self._assess_all_pending(still_ours)
            if still_ours():
                await self.memory.save_if_due(datetime.now(UTC))
            return done

    async def save_knowledge(self) -> None:
        """Snapshot what was learned since the last snapshot (at shutdown)."""
        async with self._lock:
            await self.memory.save_if_due(datetime.now(UTC), force=True)

    async def _assess_all_pending(self, still_ours: Callable[[], bool]) -> list[AssessedArticle]:
        done: list[AssessedArticle] = []
        while still_ours() and (batch := await pending_articles(self.db, story_id=self.story_id)):
            for article in batch:
                if not still_ours():
                    break
                done.append(await self._assess_one(article))
        return done

    async def _assess_one(self, article: StoredArticle) -> AssessedArticle:
        verdict = await self._verdict(article)
        now = self.memory.next_mark_time(datetime.now(UTC))
        development_id = await self._record(article, verdict, now)
        await save_verdict(self.db, article.id, verdict, now=now, story_id=self.story_id)
        learn(self.assessor, article.document, verdict)
        self.memory.learned(Watermark(now, article.id))
        self.metrics.record_verdict(verdict, backlog=article.backlog)
        log.info(
            "assessed article",
            extra={
                "article_id": article.id,
                "outlet": article.outlet,
                "alert": verdict.is_alert,
                "backlog": article.backlog,
                "reason": verdict.reasons[0] if verdict.reasons else "",
            },
        )
        return AssessedArticle(article, verdict, development_id)

    async def _verdict(self, article: StoredArticle) -> Assessment:
        """The core's verdict; a crash in the core on one article must not wedge the queue.

        The article is then recorded as assessed with the failure as its reason
        (silent, not learned from), so the articles behind it still get their turn.
        """
        try:
            return await asyncio.to_thread(self.assessor.assess, article.document)
        except Exception as exc:
            log.exception("assessment failed", extra={"article_id": article.id})
            reason = f"assessment failed: {type(exc).__name__}: {str(exc)[:200]}"
            return Assessment.silent(reason, kind=VerdictKind.FAILED)

    async def _record(
        self, article: StoredArticle, verdict: Assessment, now: datetime
    ) -> int | None:
        if verdict.is_alert:
            if self.label:
                verdict = replace(verdict, headline=f"{self.label}: {verdict.headline}")
            subscribers = (
                [] if article.backlog else await active_subscribers(self.db, self.story_id)
            )
            return await record_development(
                self.db,
                article_id=article.id,
                verdict=verdict,
                outlet=article.outlet,
                url=article.url,
                published_at=article.published_at,
                backlog=article.backlog,
                recipients=alert_recipients(verdict, self.channel, subscribers),
                now=now,
                story_id=self.story_id,
            )
        original = article_id_from_key(verdict.copy_of or verdict.repeats)
        if verdict.relevant and original is not None:
            await add_source(
                self.db,
                article_id_of_original=original,
                article_id=article.id,
                outlet=article.outlet,
                url=article.url,
                story_id=self.story_id,
            )
        return None
