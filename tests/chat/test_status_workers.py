"""/status lists the live workers sharing the database: their roles, leases and feeds,
from real registry rows (bot/store/leases.py) on both backends."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.chat.answers import MAX_WORKERS_SHOWN, status_text
from bot.domain import FeedSpec
from bot.pipeline.coordination import LEASE_SECONDS
from bot.store import Database
from bot.store.feeds import claim_due_feeds, sync_feeds
from bot.store.leases import WorkerInfo, live_workers, register_worker, take_lease
from bot.store.queries import StatusFigures
from tests.support.chat_fakes import USER, FeedAdmin, chat_services, running_chat
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.waiting import wait_until

LEADER = "host-a:101:a1b2c3"
ODD = "lab<1>&co:202:d4e5f6"  # a hostname is the operator's text: escaped like any other
DEAD = "host-c:303:000000"


async def test_status_lists_the_live_workers_with_their_leases_and_feeds(
    fake_api: FakeBotAPI, database: Database, feed_admin: FeedAdmin
) -> None:
    now = datetime.now(UTC)
    await register_worker(database, LEADER, host="host-a", pid=101, roles=["bot", "poll"], now=now)
    await register_worker(database, ODD, host="lab<1>&co", pid=202, roles=["assess"], now=now)
    await register_worker(
        database, DEAD, host="host-c", pid=303, roles=["poll"], now=now - timedelta(minutes=5)
    )
    await take_lease(database, "updates", LEADER, now=now, ttl=LEASE_SECONDS)
    await take_lease(database, "assess:1", ODD, now=now, ttl=LEASE_SECONDS)
    await take_lease(database, "assess:2", ODD, now=now, ttl=LEASE_SECONDS)
    feeds = [FeedSpec(f"Feed {n}", f"http://127.0.0.1:9/{n}.xml") for n in range(3)]
    await sync_feeds(database, feeds, now=now - timedelta(hours=1))
    assert len(await claim_due_feeds(database, now, LEADER, ttl=LEASE_SECONDS)) == 3

    async def workers() -> list[WorkerInfo]:
        return await live_workers(database, now=datetime.now(UTC), ttl=LEASE_SECONDS)

    services = dataclasses.replace(chat_services(database, feed_admin), workers=workers)
    async with running_chat(fake_api, services):
        fake_api.type_text(USER, "/status")
        answer = str((await wait_until(lambda: fake_api.sent(USER)))[0]["text"])
    assert "Workers: 2 alive" in answer
    assert f"<code>{LEADER}</code> (bot, poll): updates; polling 3 feeds" in answer
    assert "<code>lab&lt;1&gt;&amp;co:202:d4e5f6</code> (assess): assess:1, assess:2" in answer
    assert "polling 0 feeds" in answer
    assert DEAD not in answer


async def test_status_without_workers_lists_none(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    async with running_chat(fake_api, chat_services(sqlite_database, feed_admin)):
        fake_api.type_text(USER, "/status")
        answer = str((await wait_until(lambda: fake_api.sent(USER)))[0]["text"])
    assert "Uptime" in answer
    assert "Workers" not in answer


def test_many_workers_are_counted_not_all_listed() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    many = [
        WorkerInfo(f"w{n}", "h", n, ("poll",), now, now, (), 1)
        for n in range(MAX_WORKERS_SHOWN + 5)
    ]
    figures = StatusFigures(
        feeds=0, failing_feeds=0, last_poll=None, articles_today=0, alerts_today=0, developments=0
    )
    text = status_text(
        figures, last_poll=None, knowledge=0, uptime=timedelta(0), paused=False, workers=many
    )
    assert f"Workers: {MAX_WORKERS_SHOWN + 5} alive" in text
    assert text.count("• ") == MAX_WORKERS_SHOWN
    assert "… and 5 more" in text
    assert "polling 1 feed\n" in text
