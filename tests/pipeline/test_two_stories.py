"""Two stories polling the same feed: one stored article, a verdict and an alert per story."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.app import build_assessment, build_ingest, build_store
from bot.config.defaults import default_corpus_dir, default_topic_file
from bot.config.settings import load_settings
from bot.observe import Metrics
from bot.store.story_table import alerts_by_story
from bot.store.subscriptions import subscribe
from tests.support.feed_server import FeedServer, Reply, fixture_bytes

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def write_story(root: Path, slug: str, channel: str, feed_url: str) -> None:
    """A story on the shipped corpus and topic, alerting in `channel`, polling `feed_url`."""
    folder = root / slug
    shutil.copytree(default_corpus_dir(), folder / "corpus")
    topic = default_topic_file().read_text(encoding="utf-8")
    topic = topic.replace("\nname = ", "\n# name = ").replace("[actors]", "[topic.actors]")
    (folder / "story.toml").write_text(
        f'name = "{slug.title()}"\nchannel = "{channel}"\n\n'
        f'[[feeds]]\nname = "Meridian"\nurl = "{feed_url}"\n\n[topic]\n{topic}',
        encoding="utf-8",
    )


async def _outbox(db_url: str) -> dict[tuple[int, str], int]:
    """(story id, chat) -> messages owed."""
    from bot.store import Database

    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT d.story_id, o.chat_id, count(*) FROM outbox o"
                    " JOIN developments d ON d.id = o.development_id GROUP BY d.story_id, o.chat_id"
                )
            )
            return {(story, chat): n for story, chat, n in rows}
    finally:
        await db.dispose()


async def test_each_story_alerts_in_its_channel_from_one_stored_article(
    tmp_path: Path, server: FeedServer
) -> None:
    url = server.route("/wire.xml", Reply(fixture_bytes("empty.xml", server.base)))
    write_story(tmp_path / "stories", "alpha", "@alpha", url)
    write_story(tmp_path / "stories", "beta", "@beta", url)
    db_url = f"sqlite:///{tmp_path}/tw.db"
    settings = load_settings(
        STORIES_DIR=tmp_path / "stories", DATABASE_URL=db_url, FETCH_ALLOW_PRIVATE=True
    )
    db = await build_store(settings)
    ingest = await build_ingest(settings, db)
    try:
        stages = await build_assessment(settings, db, Metrics())
        await ingest.poll(NOW, everything=True)  # the first poll: nothing, the feed is known
        await subscribe(db, 99, story_id=2)  # follows beta only
        server.route("/wire.xml", Reply(fixture_bytes("rss_full.xml", server.base)))
        await ingest.poll(NOW, everything=True)
        assessed = await stages.run()
        async with db.engine.connect() as conn:
            stored = (await conn.execute(text("SELECT count(*) FROM articles"))).scalar_one()
            feeds = (await conn.execute(text("SELECT count(*) FROM feeds"))).scalar_one()
        figures = await alerts_by_story(db, "alpha")
    finally:
        await ingest.close()
        await db.dispose()
    assert (stored, feeds) == (2, 1), "one feed polled once, each article stored once"
    assert len(assessed) == 4, "each story assessed both articles"
    alerts = sorted((a.article.id, a.development_id) for a in assessed if a.verdict.is_alert)
    assert [article for article, _ in alerts] == [1, 1, 2, 2], "both stories alert on both"
    assert len({development for _, development in alerts}) == 4, "a development per story"
    assert figures["alpha"].alerts == figures["beta"].alerts == 2
    # Each story's alerts go to its own channel; beta's subscriber gets nothing of alpha's.
    assert await _outbox(db_url) == {(1, "@alpha"): 2, (2, "@beta"): 2, (2, "99"): 2}


async def test_stories_added_and_removed_across_restarts_keep_their_history(
    tmp_path: Path, server: FeedServer
) -> None:
    from tests.cli.test_subcommands import talkwatch
    from tests.support.records import alert

    url = server.route("/wire.xml", Reply(fixture_bytes("empty.xml", server.base)))
    root = tmp_path / "stories"
    db_url = f"sqlite:///{tmp_path}/tw.db"
    settings = load_settings(STORIES_DIR=root, DATABASE_URL=db_url)

    async def restart() -> dict[str, int]:
        db = await build_store(settings)
        try:
            stages = await build_assessment(settings, db, Metrics())
            return {slug: story_id for slug, _, story_id in stages.named}
        finally:
            await db.dispose()

    write_story(root, "alpha", "@alpha", url)
    assert await restart() == {"alpha": 1}
    db = await build_store(settings)
    await alert(db, "Li Hui lands in Kyiv", story_id=1)
    await db.dispose()
    write_story(root, "beta", "@beta", url)
    assert await restart() == {"alpha": 1, "beta": 2}
    shutil.rmtree(root / "alpha")
    assert await restart() == {"beta": 2}
    env = {"STORIES_DIR": str(root), "DATABASE_URL": db_url}
    listed = talkwatch("stories", env=env)
    assert listed.returncode == 0, listed.stderr
    removed = [line for line in listed.stdout.splitlines() if line.startswith("alpha")]
    assert len(removed) == 1 and "(removed)" in removed[0] and " 1 " in removed[0]
    refused = talkwatch(
        "story", "purge", "beta", env={"STORIES_DIR": str(root), "DATABASE_URL": db_url}
    )
    assert refused.returncode == 2 and "story beta is configured" in refused.stderr
    write_story(root, "alpha", "@alpha", url)
    assert await restart() == {"alpha": 1, "beta": 2}, "a story back keeps its history"
