"""Leases, feed claims and the worker registry on both backends.

Two engines on one database stand in for two worker processes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain import FeedSpec, FeedStatus
from bot.store import Database
from bot.store.feeds import PollRecord, claim_due_feeds, record_polls, sync_feeds
from bot.store.leases import (
    heartbeat,
    live_workers,
    reap_dead_workers,
    register_worker,
    release_all,
    release_lease,
    take_lease,
)
from bot.store.outbox import claim_many, due_work
from bot.store.subscriptions import subscribe
from tests.support.records import alert

TTL = 10.0
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def later(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_a_lease_has_one_holder_until_it_lapses(database: Database) -> None:
    assert await take_lease(database, "assess:1", "a", now=T0, ttl=TTL)
    assert not await take_lease(database, "assess:1", "b", now=later(5), ttl=TTL)
    assert await take_lease(database, "assess:1", "a", now=later(5), ttl=TTL)  # renewal
    assert not await take_lease(database, "assess:1", "b", now=later(14), ttl=TTL)
    assert await take_lease(database, "assess:1", "b", now=later(16), ttl=TTL)  # lapsed
    assert not await take_lease(database, "assess:1", "a", now=later(17), ttl=TTL)


async def test_two_workers_racing_for_a_lease_get_one_holder(database: Database) -> None:
    other = Database(database.url)
    try:
        results = await asyncio.gather(
            *(
                take_lease(db, "updates", name, now=T0, ttl=TTL)
                for db, name in [(database, "a"), (other, "b")] * 4
            )
        )
    finally:
        await other.dispose()
    winners = {name for name, won in zip("ab" * 4, results, strict=True) if won}
    assert len(winners) == 1


async def test_heartbeat_extends_only_what_is_still_held(database: Database) -> None:
    await register_worker(database, "a", host="h", pid=1, roles=["assess"], now=T0)
    await take_lease(database, "assess:1", "a", now=T0, ttl=TTL)
    await take_lease(database, "assess:2", "a", now=T0, ttl=TTL)
    assert await heartbeat(database, "a", now=later(8), ttl=TTL) == {"assess:1", "assess:2"}
    # a's next beat comes too late: b takes story 2 meanwhile.
    assert await take_lease(database, "assess:2", "b", now=later(19), ttl=TTL)
    assert await heartbeat(database, "a", now=later(20), ttl=TTL) == set()
    assert not await take_lease(database, "assess:2", "a", now=later(20), ttl=TTL)


async def test_release_frees_leases_at_once(database: Database) -> None:
    await register_worker(database, "a", host="h", pid=1, roles=["bot"], now=T0)
    await take_lease(database, "updates", "a", now=T0, ttl=TTL)
    await take_lease(database, "assess:1", "a", now=T0, ttl=TTL)
    await release_lease(database, "updates", "a")
    assert await take_lease(database, "updates", "b", now=later(1), ttl=TTL)
    await release_all(database, "a", now=later(1))
    assert await take_lease(database, "assess:1", "b", now=later(1), ttl=TTL)
    assert await live_workers(database, now=later(1), ttl=TTL) == []


async def feeds(db: Database, n: int) -> None:
    await sync_feeds(db, [FeedSpec(name=f"f{i}", url=f"https://example.org/{i}") for i in range(n)])


async def test_a_due_feed_is_claimed_by_one_worker(database: Database) -> None:
    await feeds(database, 30)
    now = datetime.now(UTC) + timedelta(seconds=1)
    other = Database(database.url)
    try:
        mine, theirs = await asyncio.gather(
            claim_due_feeds(database, now, "a", ttl=TTL),
            claim_due_feeds(other, now, "b", ttl=TTL),
        )
    finally:
        await other.dispose()
    ids_a, ids_b = {f.id for f in mine}, {f.id for f in theirs}
    assert ids_a.isdisjoint(ids_b)
    assert len(ids_a | ids_b) == 30
    assert await claim_due_feeds(database, now, "c", ttl=TTL) == []


async def test_a_recorded_poll_ends_the_claim_and_a_dead_workers_claim_lapses(
    database: Database,
) -> None:
    await feeds(database, 2)
    now = datetime.now(UTC) + timedelta(seconds=1)
    first, second = await claim_due_feeds(database, now, "a", ttl=TTL)
    done = PollRecord(FeedStatus.NOT_MODIFIED, now, now + timedelta(seconds=300))
    await record_polls(database, [(first.id, done)])
    assert await claim_due_feeds(database, now + timedelta(seconds=5), "b", ttl=TTL) == []
    # a died without recording the second feed; its claim lapses and b takes it over.
    taken = await claim_due_feeds(database, now + timedelta(seconds=11), "b", ttl=TTL)
    assert [f.id for f in taken] == [second.id]


async def test_live_workers_show_roles_and_leases(database: Database) -> None:
    await register_worker(database, "a", host="h1", pid=10, roles=["poll", "bot"], now=T0)
    await register_worker(database, "b", host="h2", pid=20, roles=["assess"], now=later(1))
    await take_lease(database, "updates", "a", now=T0, ttl=TTL)
    await take_lease(database, "assess:1", "b", now=later(1), ttl=TTL)
    workers = await live_workers(database, now=later(5), ttl=TTL)
    assert [(w.id, w.roles, w.leases) for w in workers] == [
        ("a", ("poll", "bot"), ("updates",)),
        ("b", ("assess",), ("assess:1",)),
    ]
    # b stops beating: after the ttl it is gone from the registry.
    await heartbeat(database, "a", now=later(12), ttl=TTL)
    assert [w.id for w in await live_workers(database, now=later(13), ttl=TTL)] == ["a"]


async def test_a_dead_workers_sends_are_due_again_at_once(database: Database) -> None:
    ids = await owed(database, 3)
    now = datetime.now(UTC)
    await register_worker(database, "a", host="h", pid=1, roles=["deliver"], now=now)
    await register_worker(database, "b", host="h", pid=2, roles=["deliver"], now=now)
    lease = timedelta(seconds=120)
    assert await claim_many(database, ids[:2], now, lease, holder="a") == set(ids[:2])
    assert await claim_many(database, ids[2:], now, lease, holder="b") == set(ids[2:])
    # b keeps beating, a died: after the ttl, a's two sends are due again, b's are not.
    await heartbeat(database, "b", now=now + timedelta(seconds=11), ttl=TTL)
    later_on = now + timedelta(seconds=11)
    assert await reap_dead_workers(database, now=later_on, ttl=TTL) == ["a"]
    due = {item.id for item in await due_work(database, later_on, 100)}
    assert due == set(ids[:2])
    assert await claim_many(database, ids, later_on, lease, holder="b") == set(ids[:2])


async def owed(db: Database, n: int) -> list[int]:
    for chat_id in range(7000, 7000 + n):
        await subscribe(db, chat_id)
    await alert(db, "Claims", "For everyone.", channel=None)
    return [item.id for item in await due_work(db, datetime.now(UTC), 1000)]


async def test_a_live_workers_claims_stand_without_renewal_and_lapse_with_it(
    database: Database,
) -> None:
    await feeds(database, 5)
    now = datetime.now(UTC) + timedelta(seconds=1)
    await register_worker(database, "a", host="h", pid=1, roles=["poll"], now=now)
    await register_worker(database, "b", host="h", pid=2, roles=["poll"], now=now)
    mine = await claim_due_feeds(database, now, "a", ttl=300, limit=3, alive_within=TTL)
    assert len(mine) == 3  # a batch, not every due feed
    assert await claim_due_feeds(database, now, "a", ttl=300, alive_within=TTL) != mine
    # a keeps beating: its claims stand, however long its polls take.
    later_on = now + timedelta(seconds=30)
    await heartbeat(database, "a", now=later_on, ttl=TTL)
    await heartbeat(database, "b", now=later_on, ttl=TTL)
    assert await claim_due_feeds(database, later_on, "b", ttl=300, alive_within=TTL) == []
    # a stops beating: b takes its feeds as soon as its heartbeat is stale...
    stale = later_on + timedelta(seconds=TTL + 1)
    await heartbeat(database, "b", now=stale, ttl=TTL)
    taken = await claim_due_feeds(database, stale, "b", ttl=300, limit=2, alive_within=TTL)
    assert len(taken) == 2
    # ...and once a is reaped from the registry, the rest too.
    assert await reap_dead_workers(database, now=stale, ttl=TTL) == ["a"]
    assert len(await claim_due_feeds(database, stale, "b", ttl=300, alive_within=TTL)) == 3
