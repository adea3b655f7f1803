"""Update claims on both backends: the first claim of an update wins, old claims are pruned.

Two engines on one database stand in for two worker processes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store import Database
from bot.store.updates import claim_update, forget_updates_before

BOT = 7_000_000_001
OTHER_BOT = 7_000_000_002
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_an_update_is_claimed_once_per_bot(database: Database) -> None:
    assert await claim_update(database, BOT, 41, T0)
    assert not await claim_update(database, BOT, 41, T0 + timedelta(seconds=5))
    assert await claim_update(database, BOT, 42, T0)
    assert await claim_update(database, OTHER_BOT, 41, T0)  # another bot's update 41


async def test_two_workers_racing_for_an_update_get_one_claim(
    database: Database, database_url: str
) -> None:
    other = Database(database_url)
    try:
        for update_id in range(1, 21):
            won = await asyncio.gather(
                claim_update(database, BOT, update_id, T0),
                claim_update(other, BOT, update_id, T0),
            )
            assert sorted(won) == [False, True]
    finally:
        await other.dispose()


async def test_claims_older_than_the_cutoff_are_forgotten(database: Database) -> None:
    for update_id, age_hours in ((1, 30), (2, 25), (3, 2)):
        await claim_update(database, BOT, update_id, T0 - timedelta(hours=age_hours))
    assert await forget_updates_before(database, T0 - timedelta(days=1)) == 2
    assert await forget_updates_before(database, T0 - timedelta(days=1)) == 0
    assert not await claim_update(database, BOT, 3, T0)  # the young claim still holds
    assert await claim_update(database, BOT, 1, T0)  # an old one could be claimed again
