"""Commands when one Talkwatch follows two stories: each command is about the story it names.

The tests talk as the admin, whom the flood gate lets through: they send many commands.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.store import Database
from bot.store.subscriptions import get_subscription
from tests.chat.test_commands import ask
from tests.support.chat_fakes import ADMIN, FeedAdmin
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.records import alert

XI, HARBOUR = 1, 2


async def _owed(db: Database, chat: str) -> dict[int, int]:
    """Story id -> messages owed to `chat`."""
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT d.story_id, count(*) FROM outbox o JOIN developments d"
                " ON d.id = o.development_id WHERE o.chat_id = :chat GROUP BY d.story_id"
            ),
            {"chat": chat},
        )
        return {story: n for story, n in rows}


async def test_stories_lists_them_and_commands_without_one_say_which(
    two_story_app: Any, fake_api: FakeBotAPI
) -> None:
    listed = await ask(fake_api, "/stories", user=ADMIN)
    assert "xi" in listed and "Harbour strike" in listed
    for command in ("/latest", "/timeline", "/sources", "/search dockers", "/subscribe"):
        answer = await ask(fake_api, command, user=ADMIN)
        assert answer.startswith(f"Usage: {command.split()[0]} STORY"), answer
        assert "stories: xi, harbour" in answer


async def test_a_subscriber_of_one_story_gets_nothing_from_the_other(
    two_story_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
) -> None:
    answer = await ask(fake_api, "/subscribe harbour", user=ADMIN)
    assert "Harbour strike" in answer
    assert await get_subscription(sqlite_database, ADMIN, XI) is None
    subscription = await get_subscription(sqlite_database, ADMIN, HARBOUR)
    assert subscription is not None and subscription.active
    await alert(sqlite_database, "Xi and Zelensky speak", story_id=XI)
    await alert(sqlite_database, "Dockers walk out", story_id=HARBOUR)
    assert await _owed(sqlite_database, str(ADMIN)) == {HARBOUR: 1}
    assert await ask(fake_api, "/unsubscribe xi", user=ADMIN) == "You were not subscribed."
    assert await ask(fake_api, "/unsubscribe harbour", user=ADMIN) == "Unsubscribed."
    await ask(fake_api, "/subscribe xi", user=ADMIN)
    await ask(fake_api, "/subscribe HARBOUR picket", user=ADMIN)
    assert await ask(fake_api, "/unsubscribe", user=ADMIN) == "Unsubscribed."
    for story in (XI, HARBOUR):
        stopped = await get_subscription(sqlite_database, ADMIN, story)
        assert stopped is not None and not stopped.active


async def test_latest_timeline_search_and_sources_keep_to_the_story_named(
    two_story_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
) -> None:
    await alert(sqlite_database, "Li Hui lands in Kyiv", outlet="Xinhua", story_id=XI)
    await alert(sqlite_database, "Dockers picket the harbour", outlet="Coast", story_id=HARBOUR)
    latest = await ask(fake_api, "/latest harbour 5", user=ADMIN)
    assert "Dockers picket" in latest and "Li Hui" not in latest
    timeline = await ask(fake_api, "/timeline xi", user=ADMIN)
    assert "Li Hui" in timeline and "Dockers" not in timeline
    found = await ask(fake_api, "/search harbour dockers picket", user=ADMIN)
    assert "Dockers picket" in found
    assert "Dockers" not in await ask(fake_api, "/search xi dockers", user=ADMIN)
    sources = await ask(fake_api, "/sources harbour", user=ADMIN)
    assert "Coast" in sources and "Xinhua" not in sources


async def test_admins_add_a_feed_to_a_story(
    two_story_app: Any, fake_api: FakeBotAPI, feed_admin: FeedAdmin
) -> None:
    url = "https://coast.example/rss"
    assert "Added" in await ask(fake_api, f"/addfeed harbour {url}", user=ADMIN)
    assert feed_admin.stories[url] == HARBOUR
    usage = await ask(fake_api, f"/addfeed {url}", user=ADMIN)
    assert usage.startswith("Usage: /addfeed STORY") and "xi, harbour" in usage
