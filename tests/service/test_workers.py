"""Several `talkwatch run` workers on one PostgreSQL database, one bot token, real feeds.

Three all-role workers share the work: every development is alerted once, each
command is answered once with no getUpdates conflict, each feed is fetched once
per interval, the channel's pace stays inside Telegram's limits, and SIGTERM
stops each of them within 10 s. Killing (-9) the worker holding a lease hands
the lease to another within 15 s, losing and doubling nothing.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config.feeds_file import feeds_toml
from bot.pipeline.coordination import LEASE_SECONDS, UPDATES_LEASE, story_lease
from bot.replay import ReplayServer, default_stream_dir
from bot.store import Database
from bot.store.leases import WorkerInfo, live_workers
from bot.store.models import DevelopmentRow, FeedRow, OutboxRow, StoryVerdictRow
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.service_runs import RunningProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CHANNEL = -1001234567890
ADMIN = 1
INTERVAL = 2  # seconds between two polls of a feed
TAKEOVER_SECONDS = 15  # the bound: another worker carries on within this


@dataclass
class Fleet:
    workers: list[RunningProcess]
    feeds: ReplayServer
    telegram: FakeBotAPI
    db: Database

    async def live(self) -> list[WorkerInfo]:
        return await live_workers(self.db, now=datetime.now(UTC), ttl=LEASE_SECONDS)

    async def holder_of(self, lease: str) -> RunningProcess | None:
        for info in await self.live():
            if lease in info.leases:
                return next((w for w in self.workers if w.process.pid == info.pid), None)
        return None

    def replies(self, chat_id: int) -> list[str]:
        return [str(m["text"]) for m in self.telegram.sent(chat_id)]

    def channel_posts(self) -> list[str]:
        return self.replies(CHANNEL)

    async def developments(self) -> int:
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(DevelopmentRow).where(~DevelopmentRow.backlog)
            )
        return int(count or 0)

    async def every_feed_read(self) -> bool:
        """Every feed had its first good poll: what it carried before is backlog, and what
        is released from now on is news (released earlier, it would be backlog too)."""
        async with self.db.session() as session:
            unread = await session.scalar(
                select(func.count()).select_from(FeedRow).where(FeedRow.first_success_at.is_(None))
            )
            feeds = await session.scalar(select(func.count()).select_from(FeedRow))
        return bool(feeds) and not unread

    async def all_assessed(self) -> bool:
        async with self.db.session() as session:
            count = await session.scalar(select(func.count()).select_from(StoryVerdictRow))
        return int(count or 0) == len(self.feeds.articles)

    async def sends_per_message(self) -> list[int]:
        """How many outbox rows each (development, chat) has: 1 each, or an alert doubled."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(func.count())
                .select_from(OutboxRow)
                .group_by(OutboxRow.development_id, OutboxRow.chat_id)
            )
            return [int(count) for (count,) in rows]


@pytest.fixture
async def fleet(tmp_path: Path, postgres_url: str) -> AsyncIterator[Fleet]:
    async with ReplayServer(default_stream_dir()) as feeds:
        with FakeBotAPI(private_per_second=5) as telegram:
            telegram.chat(CHANNEL, "channel")
            feeds_file = tmp_path / "feeds.toml"
            feeds_file.write_text(feeds_toml(feeds.feed_urls))
            settings = {
                "FEEDS_FILE": str(feeds_file),
                "POLL_INTERVAL_SECONDS": str(INTERVAL),
                "TICK_SECONDS": "1",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "TELEGRAM_CHANNEL": str(CHANNEL),
                "TELEGRAM_ADMIN_IDS": str(ADMIN),
                "LOG_FORMAT": "json",
            }
            db = Database(postgres_url)
            workers: list[RunningProcess] = []
            try:
                for _ in range(3):
                    workers.append(
                        await RunningProcess.start(tmp_path, database_url=postgres_url, **settings)
                    )
                yield Fleet(workers, feeds, telegram, db)
            finally:
                for worker in workers:
                    await worker.close()
                await db.dispose()
                _print_logs(workers)


def _print_logs(workers: list[RunningProcess]) -> None:
    """Each worker's last log lines: pytest shows them when a test failed."""
    for n, worker in enumerate(workers):
        print(f"--- worker {n} (pid {worker.process.pid}), last lines:")
        for line in worker.stderr[-40:]:
            print(line)


async def all_healthy(fleet: Fleet) -> None:
    for worker in fleet.workers:
        try:
            await wait_for(worker.healthy, 60, "every worker answers /healthz")
        except AssertionError as exc:
            lines = ["a worker never became healthy:", *worker.stderr[-8:]]
            raise AssertionError("\n".join(lines)) from exc
    await wait_for(lambda: _count_live(fleet, 3), 20, "three workers in the registry")


async def _count_live(fleet: Fleet, n: int) -> bool:
    return len(await fleet.live()) == n


async def settled(fleet: Fleet, seconds: float = 6.0) -> None:
    """Wait until nothing new reached the channel for `seconds` (the outbox is drained)."""
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < seconds:
        now = len(fleet.telegram.calls)
        if now != last:
            last, quiet_since = now, time.monotonic()
        await asyncio.sleep(0.5)


async def test_three_workers_share_the_work_and_speak_with_one_voice(fleet: Fleet) -> None:
    await all_healthy(fleet)
    # Feeds are fetched once per interval, whoever fetches them.
    before = {path: fleet.feeds.hits[path] for path in _feed_paths(fleet)}
    window = 10 * INTERVAL
    await asyncio.sleep(window)
    fetched = [fleet.feeds.hits[path] - before[path] for path in _feed_paths(fleet)]
    # Once per interval, within 10 %: a window cut between two ticks may catch one poll
    # more or less of each feed (a feed fetched twice per interval would show ~20).
    expected = window / INTERVAL
    assert all(0.9 * expected - 1 <= n <= 1.1 * expected + 1 for n in fetched), fetched

    # The stream is released over time; every development is posted once.
    for _ in fleet.feeds.articles:
        fleet.feeds.release_next(1)
        await asyncio.sleep(0.7)
    await wait_for(lambda: fleet.all_assessed(), 90, "every article assessed")
    developments = await fleet.developments()
    await wait_for(lambda: len(fleet.channel_posts()) >= developments, 90, "every alert posted")
    await settled(fleet)
    posts = fleet.channel_posts()
    assert len(posts) == await fleet.developments() >= 4
    assert len(set(posts)) == len(posts)
    assert set(await fleet.sends_per_message()) == {1}

    # Ten users, ten commands: ten answers, from whichever worker leads.
    users = range(5000, 5010)
    for user in users:
        fleet.telegram.type_text(user, "/start")
    await wait_for(lambda: all(fleet.replies(u) for u in users), 30, "an answer to each /start")
    await settled(fleet, 4.0)
    assert [len(fleet.replies(u)) for u in users] == [1] * 10
    assert fleet.telegram.count("getUpdates", 409) == 0
    assert fleet.telegram.count("sendMessage", 429) == 0

    # SIGTERM: each stops within 10 s, cleanly.
    started = time.monotonic()
    for worker in fleet.workers:
        worker.process.send_signal(signal.SIGTERM)
    codes = await asyncio.wait_for(
        asyncio.gather(*(w.process.wait() for w in fleet.workers)), timeout=15
    )
    assert codes == [0, 0, 0]
    assert time.monotonic() - started < 10
    for worker in fleet.workers:
        assert any('"stopped cleanly"' in line for line in worker.stderr)
        assert not any("Traceback" in line for line in worker.stderr)


async def test_killing_each_lease_holder_in_turn_hands_its_work_over(fleet: Fleet) -> None:
    await all_healthy(fleet)
    story = story_lease(1)
    await wait_for(lambda: fleet.holder_of(story), 20, "a worker assessing the story")
    await wait_for(lambda: fleet.holder_of(UPDATES_LEASE), 20, "a worker reading updates")
    await wait_for(lambda: fleet.every_feed_read(), 30, "a first poll of every feed")
    fleet.feeds.release_next(4)  # a rehash, an unrelated story, two developments
    await wait_for(lambda: len(fleet.channel_posts()) >= 2, 60, "the first two alerts")

    # The assessor dies: another takes the story over, learns what it knew, carries on.
    assessor = await fleet.holder_of(story)
    assert assessor is not None
    assessor.kill()
    killed_at = time.monotonic()
    successor = await wait_for(
        lambda: _new_holder(fleet, story, assessor), TAKEOVER_SECONDS + 5, "a new assessor"
    )
    assert time.monotonic() - killed_at < TAKEOVER_SECONDS
    assert successor is not assessor
    fleet.feeds.release_all()
    await wait_for(lambda: fleet.all_assessed(), 90, "every article assessed after the takeover")
    developments = await fleet.developments()
    assert developments > 2

    # The update reader dies: commands are answered by another within the bound.
    reader = await wait_for(
        lambda: _new_holder(fleet, UPDATES_LEASE, assessor), 30, "a live update reader"
    )
    reader.kill()
    killed_at = time.monotonic()
    fleet.telegram.type_text(4242, "/start")
    await wait_for(lambda: fleet.replies(4242), TAKEOVER_SECONDS + 10, "an answer after the kill")
    assert time.monotonic() - killed_at < TAKEOVER_SECONDS + 5

    # The one left polls every feed, those the dead were polling included.
    before = {path: fleet.feeds.hits[path] for path in _feed_paths(fleet)}
    await wait_for(
        lambda: all(fleet.feeds.hits[p] > before[p] for p in before),
        TAKEOVER_SECONDS,
        "every feed polled by the survivor",
    )

    # Whoever is left delivers everything, once.
    await wait_for(lambda: len(fleet.channel_posts()) >= developments, 60, "every alert posted")
    await settled(fleet)
    posts = fleet.channel_posts()
    assert len(posts) == await fleet.developments()
    assert len(set(posts)) == len(posts)
    assert set(await fleet.sends_per_message()) == {1}
    assert len(fleet.replies(4242)) == 1


def _feed_paths(fleet: Fleet) -> list[str]:
    return [f"/feeds/{feed.slug}.xml" for feed in fleet.feeds.feeds]


async def _new_holder(fleet: Fleet, lease: str, old: RunningProcess) -> RunningProcess | None:
    holder = await fleet.holder_of(lease)
    return holder if holder is not None and holder is not old else None
