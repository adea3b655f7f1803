"""Assessing workers split the stories: one writer per story, each article assessed once per story.

Two workers on one database, each with every story's stage (as two processes
would have), run their ticks in turn. The first alone takes both stories; when
the second joins, the first hands one over at its next tick, and the second
takes it, learning first what the first had assessed.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.app import build_assessment, build_ingest, build_store
from bot.config.settings import load_settings
from bot.observe import Metrics
from bot.pipeline.coordination import Role, Worker, story_lease
from tests.pipeline.test_two_stories import write_story
from tests.support.feed_server import FeedServer, Reply, fixture_bytes

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_two_assessing_workers_split_two_stories(tmp_path: Path, server: FeedServer) -> None:
    url = server.route("/wire.xml", Reply(fixture_bytes("empty.xml", server.base)))
    write_story(tmp_path / "stories", "alpha", "@alpha", url)
    write_story(tmp_path / "stories", "beta", "@beta", url)
    settings = load_settings(
        STORIES_DIR=tmp_path / "stories",
        DATABASE_URL=f"sqlite:///{tmp_path}/tw.db",
        FETCH_ALLOW_PRIVATE=True,
    )
    db = await build_store(settings)
    ingest = await build_ingest(settings, db)
    try:
        first_stages = await build_assessment(settings, db, Metrics(), learn=False)
        second_stages = await build_assessment(settings, db, Metrics(), learn=False)
        first, second = Worker(db, frozenset({Role.ASSESS})), Worker(db, frozenset({Role.ASSESS}))
        await first.join(datetime.now(UTC))
        await ingest.poll(NOW, everything=True)
        await first_stages.run(first)
        assert first.held == {story_lease(1), story_lease(2)}  # alone: both stories

        await second.join(datetime.now(UTC))
        server.route("/wire.xml", Reply(fixture_bytes("rss_full.xml", server.base)))
        await ingest.poll(NOW, everything=True)
        by_first = await first_stages.run(first)  # hands one story over
        by_second = await second_stages.run(second)  # takes it
        assert first.held == {story_lease(1)} and second.held == {story_lease(2)}
        # Later ticks change nothing: each keeps its share.
        await first_stages.run(first)
        await second_stages.run(second)
        assert first.held == {story_lease(1)} and second.held == {story_lease(2)}
        async with db.engine.connect() as conn:
            rows = await conn.execute(text("SELECT story_id FROM story_verdicts"))
            verdicts = Counter(story for (story,) in rows)
    finally:
        await ingest.close()
        await db.dispose()
    assert {a.article.id for a in by_first} == {a.article.id for a in by_second} == {1, 2}
    assert verdicts == {1: 2, 2: 2}  # each article assessed once per story
