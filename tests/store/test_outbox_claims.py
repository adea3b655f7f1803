"""Batched claims on both backends: two workers never hold the same row, expired leases return.

`claim_many` takes a whole batch in one UPDATE and reports which rows it
really took; delivery sends only those. Two engines on one database stand in
for two worker processes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store import Database
from bot.store.outbox import Accepted, claim_many, due_work, record_accepted, status_counts
from bot.store.subscriptions import subscribe
from tests.support.records import alert

LEASE = timedelta(seconds=60)


async def owed(db: Database, n: int) -> list[int]:
    for chat_id in range(7000, 7000 + n):
        await subscribe(db, chat_id)
    await alert(db, "Claims", "For everyone.", channel=None)
    return [item.id for item in await due_work(db, datetime.now(UTC), 1000)]


async def test_two_workers_claiming_the_same_batch_split_it(database: Database) -> None:
    ids = await owed(database, 40)
    other = Database(database.url)
    try:
        now = datetime.now(UTC)
        mine, theirs = await asyncio.gather(
            claim_many(database, ids, now, LEASE), claim_many(other, ids[::-1], now, LEASE)
        )
    finally:
        await other.dispose()
    assert mine.isdisjoint(theirs)
    assert mine | theirs == set(ids)
    assert await claim_many(database, ids, now, LEASE) == set()  # held until the lease ends
    assert await status_counts(database) == {"sending": 40}


async def test_an_expired_lease_makes_unrecorded_rows_claimable_again(database: Database) -> None:
    ids = await owed(database, 3)
    now = datetime.now(UTC)
    assert await claim_many(database, ids, now, LEASE) == set(ids)
    await record_accepted(database, [Accepted(ids[0], revision=1, message_id=99)], now=now)
    later = now + LEASE + timedelta(seconds=1)
    assert await claim_many(database, ids, later, LEASE) == set(ids[1:])  # the sent row stays sent
    assert await status_counts(database) == {"sent": 1, "sending": 2}


async def test_recording_many_results_in_one_commit(database: Database) -> None:
    ids = await owed(database, 5)
    await claim_many(database, ids, datetime.now(UTC), LEASE)
    await record_accepted(
        database,
        [Accepted(item_id, revision=1, message_id=i) for i, item_id in enumerate(ids)],
        now=datetime.now(UTC),
    )
    assert await status_counts(database) == {"sent": 5}
    assert await due_work(database, datetime.now(UTC) + LEASE * 2, 100) == []
