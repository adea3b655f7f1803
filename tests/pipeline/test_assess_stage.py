"""The pipeline keeps going: one article the core chokes on never blocks the ones behind it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import build_assessor
from bot.assess import Assessor
from bot.config.settings import load_settings
from bot.config.story_files import load_corpus, load_topic
from bot.domain import Assessment, Document
from bot.observe import Metrics
from bot.pipeline.assess import Pipeline, rebuild_knowledge
from bot.store import Database
from bot.store.assessments import pending_articles
from bot.store.models import DevelopmentRow
from tests.support.records import add_article


class ChokingAssessor(Assessor):
    """The real core, except that it raises on one poisoned headline (as a bug would)."""

    def assess(self, doc: Document) -> Assessment:
        if doc.title == "POISON":
            raise RecursionError("the core choked")
        return super().assess(doc)


async def test_a_crash_in_the_core_is_recorded_and_the_queue_moves_on(
    database: Database,
) -> None:
    settings = load_settings()
    assessor = ChokingAssessor(load_topic(settings.topic_file), load_corpus(settings.corpus_dir))
    pipeline = Pipeline(database, assessor, channel="-1001", metrics=Metrics())
    await add_article(database, title="POISON", text="China and Ukraine.")
    await add_article(
        database,
        title="China's envoy Li Hui to visit Kyiv on June 30",
        text="China's special representative Li Hui will visit Kyiv on June 30 and meet "
        "Ukrainian Foreign Minister Dmytro Kuleba, China's foreign ministry said on Monday.",
    )

    assessed = await pipeline.run()

    assert assessed[0].verdict.reasons[0].startswith("assessment failed: RecursionError")
    assert assessed[1].verdict.is_alert
    async with database.session() as session:
        developments = (await session.scalars(select(DevelopmentRow))).all()
    assert await pending_articles(database) == []
    assert len(developments) == 1

    restarted = build_assessor(load_settings())
    assert await rebuild_knowledge(database, restarted) == 2


def _stage(database: Database, fingerprint: str) -> Pipeline:
    """The assessment stage over the shipped story, its snapshots named `fingerprint`."""
    assessor = build_assessor(load_settings())
    return Pipeline(database, assessor, channel=None, metrics=Metrics(), fingerprint=fingerprint)


async def _alerts(database: Database, pipeline: Pipeline, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        await add_article(
            database,
            title=f"China's envoy Li Hui to visit capital number {i} on June {i % 28 + 1}",
            text=f"China's special representative Li Hui will visit city {i} on June "
            f"{i % 28 + 1} and meet its foreign minister, China's foreign ministry said.",
        )
    await pipeline.run()


async def test_a_restart_loads_the_snapshot_and_replays_only_what_came_after(
    database: Database,
) -> None:
    pipeline = _stage(database, "story-a")
    await _alerts(database, pipeline, 3)
    await pipeline.save_knowledge()
    await _alerts(database, pipeline, 2, start=3)

    restarted = build_assessor(load_settings())
    assert await rebuild_knowledge(database, restarted, "story-a") == 2
    fully = build_assessor(load_settings())
    assert await rebuild_knowledge(database, fully, "another-story") == 5

    probe = Document(
        key="probe",
        title="Li Hui to visit city 4 on June 5",
        text=(
            "China's special representative Li Hui will visit city 4 on June 5 and meet its "
            "foreign minister, China's foreign ministry said."
        ),
    )
    assert restarted.size == fully.size == pipeline.assessor.size
    assert restarted.assess(probe) == fully.assess(probe)


async def test_no_snapshot_is_written_before_anything_was_learned(database: Database) -> None:
    pipeline = _stage(database, "story-a")
    assert await pipeline.memory.save_if_due(datetime.now(UTC), force=True) is False
