"""Send slots: the rate budget of a bot token, shared by every process that sends with it.

Each key (a token overall, or one chat of it) is one row holding its next free
slot in epoch seconds. Reserving is GCRA in one atomic upsert per key:

    INSERT INTO send_slots (key, next_at) VALUES (:key, :now + :gap)
    ON CONFLICT (key) DO UPDATE
        SET next_at = CASE WHEN send_slots.next_at > :now THEN send_slots.next_at ELSE :now END
                      + :gap
        WHERE send_slots.next_at <= :now + :within
    RETURNING next_at

The caller's slot is `next_at - gap`; two callers, in any processes, can never
get slots closer than `gap`, because the row lock (PostgreSQL) or the write
lock (SQLite) orders the upserts. The `WHERE` refuses a slot further than
`within` seconds away without taking it (no row comes back), so callers that
give up do not push the key ever further ahead; `reserve` then reads the next
free slot so the caller knows how long to stay away. A 429 holds a key: its
next slot moves to at least `until`, and everyone waits.

Mechanism only: the caller passes `now` (its clock) and decides the keys, gaps
and what a refusal means (bot/publish/pacing.py). Processes on several hosts
need clocks in step (NTP), as skew between them shortens the gaps by as much.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database
from bot.store.models import SendSlotRow


@dataclass(frozen=True, slots=True)
class Slot:
    """A reservation's answer: the slot's time (epoch seconds), and whether it is ours."""

    at: float
    reserved: bool


class SendSlots:
    """The `send_slots` table behind the `SlotBook` protocol of bot/publish/pacing.py."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._postgres = db.dialect == "postgresql"
        self._insert: Any = postgresql.insert if self._postgres else sqlite.insert

    async def reserve(self, key: str, gap: float, *, now: float, within: float) -> Slot:
        """Take `key`'s next slot if it is at most `within` seconds after `now`.

        Refused, nothing changes and the answer is the slot the key would give
        (so the caller knows how long to stay away).
        """
        proposed = self._insert(SendSlotRow).values(key=key, next_at=now + gap)
        later = case((SendSlotRow.next_at > now, SendSlotRow.next_at), else_=now)
        statement = proposed.on_conflict_do_update(
            index_elements=["key"],
            set_={"next_at": later + gap},
            where=SendSlotRow.next_at <= now + within,
        ).returning(SendSlotRow.next_at)
        async with self._db.session() as session:
            await self._no_flush_wait(session)
            taken = (await session.execute(statement)).scalar_one_or_none()
            if taken is not None:
                return Slot(taken - gap, reserved=True)
            busy = await session.scalar(select(SendSlotRow.next_at).where(SendSlotRow.key == key))
        return Slot(max(busy if busy is not None else now, now), reserved=False)

    async def hold(self, key: str, until: float) -> None:
        """No slot of `key` before `until` (Telegram answered 429 with retry_after)."""
        proposed = self._insert(SendSlotRow).values(key=key, next_at=until)
        statement = proposed.on_conflict_do_update(
            index_elements=["key"],
            set_={"next_at": case((SendSlotRow.next_at > until, SendSlotRow.next_at), else_=until)},
        )
        async with self._db.session() as session:
            await self._no_flush_wait(session)
            await session.execute(statement)

    async def _no_flush_wait(self, session: AsyncSession) -> None:
        """On PostgreSQL, commit without waiting for the WAL flush: a slot lost in a
        database crash costs nothing (at worst one early message), and the flush
        was most of a reservation's time (measured in the README)."""
        if self._postgres:
            await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
