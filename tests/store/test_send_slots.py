"""The shared send budget on both backends: one token's slots across processes.

Two engines on one database stand in for two delivering processes. Reservations
take a fixed `now`, so the slots they get are exact and the assertions hold on
any machine; the tests through `SharedBudget` bound waits from below only.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.publish.pacing import SharedBudget, token_digest
from bot.store import Database
from bot.store.models import SendSlotRow
from bot.store.send_slots import SendSlots

NOW = 1_800_000_000.0  # epoch seconds, as the processes' clocks give them
GROUP_GAP = 3.0
GLOBAL_GAP = 1 / 30
TOKEN = "7000000001:AAFakeTokenForTestsOnly_0123456789ab"


@pytest.fixture
async def other(database: Database) -> AsyncIterator[Database]:
    """A second engine on the same database: a second process."""
    db = Database(database.url)
    yield db
    await db.dispose()


def spaced(slots: list[float], gap: float) -> bool:
    ordered = sorted(slots)
    return all(b - a >= gap - 1e-6 for a, b in itertools.pairwise(ordered))


async def test_two_processes_reserving_for_one_chat_get_slots_a_gap_apart(
    database: Database, other: Database
) -> None:
    books = [SendSlots(database), SendSlots(other)] * 6
    answers = await asyncio.gather(
        *(b.reserve([("t:chat:-1001", GROUP_GAP)], now=NOW, within=60) for b in books)
    )
    slots = [slot for (slot,) in answers]
    assert all(s.reserved for s in slots)
    starts = [s.at for s in slots]
    assert spaced(starts, GROUP_GAP)
    assert min(starts) == NOW  # the first goes at once, the rest queue behind it
    assert max(starts) == pytest.approx(NOW + 11 * GROUP_GAP)


async def test_the_token_key_spaces_thirty_a_second_across_both(
    database: Database, other: Database
) -> None:
    books = [SendSlots(database), SendSlots(other)] * 30
    answers = await asyncio.gather(
        *(b.reserve([("t:global", GLOBAL_GAP)], now=NOW, within=60) for b in books)
    )
    starts = sorted(slot.at for (slot,) in answers)
    assert spaced(starts, GLOBAL_GAP)
    # so no one-second window holds more than 30 of the 60 (floats: a hair under a second)
    assert max(sum(1 for s in starts if t <= s < t + 1.0 - 1e-6) for t in starts) == 30


async def test_a_slot_further_than_the_caller_will_wait_is_refused_and_not_taken(
    database: Database,
) -> None:
    book = SendSlots(database)
    chat = [("t:chat:-1001", GROUP_GAP)]
    for _ in range(3):
        await book.reserve(chat, now=NOW, within=60)
    (refused,) = await book.reserve(chat, now=NOW, within=5)
    assert (refused.reserved, refused.at) == (False, NOW + 3 * GROUP_GAP)
    (again,) = await book.reserve(chat, now=NOW, within=60)
    assert (again.reserved, again.at) == (True, NOW + 3 * GROUP_GAP)  # the refusal took nothing


async def test_a_messages_two_keys_are_taken_in_one_statement_each_with_its_gap(
    database: Database, other: Database
) -> None:
    wanted = [("t:chat:-1001", GROUP_GAP), ("t:global", GLOBAL_GAP)]
    answers = await asyncio.gather(
        *(SendSlots(db).reserve(wanted, now=NOW, within=60) for db in [database, other] * 3)
    )
    chats = sorted(chat.at for chat, _ in answers)
    tokens = sorted(token.at for _, token in answers)
    assert chats == pytest.approx([NOW + n * GROUP_GAP for n in range(6)])
    assert tokens == pytest.approx([NOW + n * GLOBAL_GAP for n in range(6)])
    # a held token refuses the message while its chat's slot is still taken
    await SendSlots(database).hold("t:global", NOW + 100)
    chat, token = await SendSlots(other).reserve(wanted, now=NOW, within=60)
    assert (chat.reserved, token.reserved, token.at) == (True, False, NOW + 100)


async def test_a_hold_after_429_delays_the_other_process(
    database: Database, other: Database
) -> None:
    await SendSlots(database).hold("t:global", NOW + 10)
    await SendSlots(database).hold("t:global", NOW + 4)  # a shorter hold never shortens one
    (slot,) = await SendSlots(other).reserve([("t:global", GLOBAL_GAP)], now=NOW + 1, within=30)
    assert (slot.reserved, slot.at) == (True, NOW + 10)

    hold_a = SharedBudget(SendSlots(database), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 1.0)
    wait_b = SharedBudget(
        SendSlots(other), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 1.0, max_wait=2.0
    )
    await hold_a.hold(5.0)
    started = time.monotonic()
    come_back = await wait_b.admit("42")
    assert come_back > 4.0  # refused: B must stay away about as long as A was told to
    assert time.monotonic() - started < 2.0  # and it did not sit out the hold itself


async def test_the_shared_budget_waits_for_its_slot(database: Database, other: Database) -> None:
    a = SharedBudget(SendSlots(database), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 0.5)
    b = SharedBudget(SendSlots(other), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 0.5)
    assert await a.admit("42") == 0.0
    started = time.monotonic()
    assert await b.admit("42") == 0.0
    assert time.monotonic() - started >= 0.45  # the chat's gap, less the first round trip


async def test_a_key_never_contains_the_token(database: Database) -> None:
    budget = SharedBudget(SendSlots(database), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 0.0)
    await budget.admit("-1001")
    await budget.hold(0.0)
    async with database.session() as session:
        keys = list(await session.scalars(select(SendSlotRow.key)))
    secret = TOKEN.split(":", 1)[1]
    assert sorted(keys) == [f"{token_digest(TOKEN)}:chat:-1001", f"{token_digest(TOKEN)}:global"]
    assert not any(TOKEN in k or secret in k or secret[:8] in k for k in keys)
    assert token_digest(TOKEN) != token_digest(TOKEN + "x")  # tokens are told apart


async def test_a_failing_database_falls_back_to_in_process_pacing_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The file exists but was never migrated: every reservation fails for real."""
    db = Database(f"sqlite:///{tmp_path / 'unmigrated.db'}")
    budget = SharedBudget(SendSlots(db), TOKEN, interval=GLOBAL_GAP, chat_gap=lambda _: 3.0)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.publish.pacing"):
            waits = [await budget.admit("-1001") for _ in range(3)]
            await budget.hold(1.0)
        assert waits == [0.0, 0.0, 0.0]  # sent at this process's own slots: nothing lost
        assert [r.message for r in caplog.records] == [
            "shared send budget unavailable (OperationalError); "
            "pacing this process alone until it answers"
        ]
        await db.migrate()  # the database is back
        with caplog.at_level(logging.INFO, logger="bot.publish.pacing"):
            assert await budget.admit("-1001") == 0.0
        assert caplog.records[-1].message == "shared send budget answers again"
    finally:
        await db.dispose()
