"""Migrations 0004-0005 move a single-story database into the default story, losing nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from bot.store import Database
from bot.store.assessments import pending_articles
from bot.store.developments import record_development
from bot.store.migrate import upgrade
from bot.store.search import search
from bot.store.story_table import alerts_by_story, purge_story, sync_stories
from bot.store.subscriptions import active_subscribers, get_subscription, subscribe
from tests.support.records import alert, verdict

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T = "CURRENT_TIMESTAMP"
# What a Talkwatch of the previous schema (0003) had stored: a feed, two articles, a
# development with a copy as second source, its two outbox rows, two subscriptions.
OLD_ROWS = (
    "INSERT INTO feeds (id, url, name, origin, next_check_at, last_status, error_count,"
    f" created_at) VALUES (1, 'https://f.example/rss', 'F', 'file', {T}, 'ok', 0, {T})",
    *(
        "INSERT INTO articles (id, feed_id, identity, url, title, summary, text, text_source,"
        f" outlet, fetched_at, content_hash, backlog, assessed_at) VALUES ({n}, 1, 'a{n}',"
        f" 'https://f.example/{n}', 'Envoy lands in Kyiv', '', 'Talks resume', 'feed',"
        f" 'Outlet {n}', {T}, 'h{n}', false, {assessed})"
        for n, assessed in ((1, T), (2, "NULL"))
    ),
    "INSERT INTO developments (id, article_id, headline, summary, new_facts, created_at,"
    f" backlog, revision) VALUES (7, 1, 'Envoy lands in Kyiv', 'Talks resume', '[]', {T},"
    " false, 2)",
    "INSERT INTO development_sources (development_id, article_id, outlet, url, created_at)"
    f" VALUES (7, 1, 'Outlet 1', 'https://f.example/1', {T}),"
    f" (7, 2, 'Outlet 2', 'https://f.example/2', {T})",
    "INSERT INTO outbox (development_id, chat_id, status, attempts, next_attempt_at,"
    f" sent_revision, created_at) VALUES (7, '@channel', 'sent', 1, {T}, 1, {T}),"
    f" (7, '42', 'pending', 0, {T}, 0, {T})",
    "INSERT INTO subscriptions (chat_id, chat_type, keywords, active, created_at, updated_at)"
    f" VALUES (42, 'private', 'envoy', true, {T}, {T}), (43, 'private', '', false, {T}, {T})",
)
COUNTED = ("developments", "development_sources", "outbox", "subscriptions", "articles")


async def _counts(db: Database) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {
            table: (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            for table in COUNTED
        }


async def test_an_old_database_moves_into_the_default_story(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(upgrade, "0003")
            for statement in OLD_ROWS:
                await conn.execute(text(statement))
        before = await _counts(db)
        await db.migrate()
        assert await _counts(db) == before, "nothing lost, nothing cascaded away"
        assert [a.id for a in await pending_articles(db)] == [2], "verdicts moved to story 1"
        async with db.engine.connect() as conn:
            owners = await conn.execute(
                text(
                    "SELECT DISTINCT story_id FROM developments"
                    " UNION SELECT story_id FROM subscriptions"
                )
            )
            assert {row[0] for row in owners} == {1}
        # The first start claims the default story, history and subscribers included.
        ids = await sync_stories(db, [("xi-zelensky", "Xi-Zelensky call"), ("harbour", "H")], NOW)
        assert ids == {"xi-zelensky": 1, "harbour": 2}
        figures = await alerts_by_story(db, "xi-zelensky")
        assert figures["xi-zelensky"].alerts == 1
        assert [s.chat_id for s in await active_subscribers(db, 1)] == ["42"]
        assert await active_subscribers(db, 2) == []
        # One article may now be a development of each story; search still indexes new ones.
        second = await record_development(
            db,
            article_id=1,
            verdict=verdict("Harbour envoy docks"),
            outlet="Outlet 1",
            url="https://f.example/1",
            published_at=None,
            backlog=False,
            recipients=["@harbour"],
            now=NOW,
            story_id=2,
        )
        assert second != 7
        assert [hit.title for hit in await search(db, "harbour docks")] == ["Harbour envoy docks"]
        assert await search(db, "harbour docks", story_id=1) == []
        assert [h.title for h in await search(db, "envoy", story_id=2)] == ["Harbour envoy docks"]
        await subscribe(db, 42, story_id=2)
        assert [s.chat_id for s in await active_subscribers(db, 2)] == ["42"]
    finally:
        await db.dispose()


async def test_a_removed_story_is_marked_and_comes_back(database: Database) -> None:
    ids = await sync_stories(database, [("a", "A"), ("b", "B")], NOW)
    assert ids == {"a": 1, "b": 2}
    assert await sync_stories(database, [("a", "A")], NOW) == {"a": 1}
    async with database.engine.connect() as conn:
        removed = (
            await conn.execute(text("SELECT slug FROM stories WHERE removed_at IS NOT NULL"))
        ).all()
    assert [r[0] for r in removed] == ["b"]
    assert await sync_stories(database, [("a", "A"), ("b", "B again")], NOW) == {"a": 1, "b": 2}


async def test_purging_a_removed_story_deletes_its_history_only(database: Database) -> None:
    ids = await sync_stories(database, [("a", "A"), ("b", "B")], NOW)
    await subscribe(database, 7, story_id=ids["b"])
    await subscribe(database, 7, story_id=ids["a"])
    _, kept = await alert(database, "Envoy meets minister", story_id=ids["a"])
    await alert(database, "Dockers strike", story_id=ids["b"])
    assert await purge_story(database, "b") is False, "a configured story is not purged"
    await sync_stories(database, [("a", "A")], NOW)
    assert await purge_story(database, "b") is True
    async with database.engine.connect() as conn:
        developments = (await conn.execute(text("SELECT id FROM developments"))).all()
        owed = (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one()
        articles = (await conn.execute(text("SELECT count(*) FROM articles"))).scalar_one()
    assert [row[0] for row in developments] == [kept]
    assert owed == 2, "story a's channel and subscriber are still owed theirs"
    assert articles == 2, "articles stay: other stories may read them"
    assert [s.chat_id for s in await active_subscribers(database, ids["a"])] == ["7"]
    assert await get_subscription(database, 7, ids["b"]) is None
