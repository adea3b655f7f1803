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
from dataclasses import dataclass

from bot.assess import Assessor
from bot.domain import Assessment, Document
from bot.observe import Metrics
from bot.store import Database
from bot.store.assessments import (
    StoredArticle,
    article_id_from_key,
    pending_articles,
    save_verdict,
    verdict_history,
)
from bot.store.developments import add_source, record_development

log = logging.getLogger(__name__)

ASSESSMENT_FAILED = "assessment failed"


@dataclass(frozen=True, slots=True)
class AssessedArticle:
    article: StoredArticle
    verdict: Assessment
    development_id: int | None


async def rebuild_knowledge(db: Database, assessor: Assessor) -> int:
    """Teach the assessor every stored verdict, in order, as it was learned live."""
    count = 0
    async for document, verdict in verdict_history(db):
        _learn(assessor, document, verdict)
        count += 1
    return count


def _learn(assessor: Assessor, document: Document, verdict: Assessment) -> None:
    """Learn from a verdict, unless the core failed on this document (it would fail again)."""
    if verdict.reasons and verdict.reasons[0].startswith(ASSESSMENT_FAILED):
        return
    assessor.learn(document, verdict)


class Pipeline:
    """Runs assess -> record over what ingest stored; one instance per process, one run at a time.

    It does not poll: the ticker calls ingest, then `run` (bot/service.py).
    """

    def __init__(
        self, db: Database, assessor: Assessor, *, channel: str | None, metrics: Metrics
    ) -> None:
        self.db = db
        self.assessor = assessor
        self.channel = channel
        self.metrics = metrics
        self._lock = asyncio.Lock()

    async def rebuild_knowledge(self) -> int:
        return await rebuild_knowledge(self.db, self.assessor)

    async def run(self) -> list[AssessedArticle]:
        """Assess every pending article, oldest first, until none is left."""
        async with self._lock:
            return await self._assess_all_pending()

    async def _assess_all_pending(self) -> list[AssessedArticle]:
        done: list[AssessedArticle] = []
        while batch := await pending_articles(self.db):
            for article in batch:
                done.append(await self._assess_one(article))
        return done

    async def _assess_one(self, article: StoredArticle) -> AssessedArticle:
        verdict = await self._verdict(article)
        development_id = await self._record(article, verdict)
        await save_verdict(self.db, article.id, verdict)
        _learn(self.assessor, article.document, verdict)
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
            return Assessment.silent(f"{ASSESSMENT_FAILED}: {type(exc).__name__}: {str(exc)[:200]}")

    async def _record(self, article: StoredArticle, verdict: Assessment) -> int | None:
        if verdict.is_alert:
            return await record_development(
                self.db,
                article_id=article.id,
                verdict=verdict,
                outlet=article.outlet,
                url=article.url,
                published_at=article.published_at,
                backlog=article.backlog,
                channel=self.channel,
            )
        original = article_id_from_key(verdict.duplicate_of or verdict.repeats)
        if verdict.relevant and original is not None:
            await add_source(
                self.db,
                article_id_of_original=original,
                article_id=article.id,
                outlet=article.outlet,
                url=article.url,
            )
        return None
