"""Send slots: the rate budget of a bot token, shared by every process that sends with it.

Each key (a token overall, or one chat of it) is one row holding its next free
slot in epoch seconds. Reserving is GCRA in one atomic upsert per key (a
message's two keys, its chat's and its token's, go in one statement):

    INSERT INTO send_slots (key, next_at) VALUES (:key, :now + :gap), ...
    ON CONFLICT (key) DO UPDATE
        SET next_at = CASE WHEN send_slots.next_at > :now THEN send_slots.next_at ELSE :now END
                      + (excluded.next_at - :now)           -- the row's own gap
        WHERE send_slots.next_at <= :now + :within
    RETURNING key, next_at

A caller's slot is `next_at - gap`; two callers, in any processes, can never
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.dialects import postgresql, sqlite

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

    async def reserve(
        self, wanted: Sequence[tuple[str, float]], *, now: float, within: float
    ) -> list[Slot]:
        """Take the next slot of each (key, gap) that is at most `within` seconds after
        `now`, in one statement; the answers in the order asked.

        A refused key changes nothing, and its answer is the slot it would give
        (so the caller knows how long to stay away).
        """
        gaps = dict(wanted)
        proposed = self._insert(SendSlotRow).values(
            [{"key": key, "next_at": now + gap} for key, gap in sorted(gaps.items())]
        )  # keys in one order everywhere: two processes' statements never deadlock
        later = case((SendSlotRow.next_at > now, SendSlotRow.next_at), else_=now)
        statement = proposed.on_conflict_do_update(
            index_elements=["key"],
            set_={"next_at": later + (proposed.excluded.next_at - now)},  # + the row's gap
            where=SendSlotRow.next_at <= now + within,
        ).returning(SendSlotRow.key, SendSlotRow.next_at)
        async with self._db.engine.connect() as conn:
            # One statement, committed on its own: a single round trip, and the row
            # locks (PostgreSQL) or the write lock (SQLite) held only while it runs.
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            taken = {key: at - gaps[key] for key, at in await conn.execute(statement)}
            refused = [key for key in gaps if key not in taken]
            busy: dict[str, float] = {}
            if refused:
                rows = await conn.execute(
                    select(SendSlotRow.key, SendSlotRow.next_at).where(SendSlotRow.key.in_(refused))
                )
                busy = {key: at for key, at in rows}
        return [
            Slot(taken[key], reserved=True)
            if key in taken
            else Slot(max(busy.get(key, now), now), reserved=False)
            for key, _ in wanted
        ]

    async def hold(self, key: str, until: float) -> None:
        """No slot of `key` before `until` (Telegram answered 429 with retry_after)."""
        proposed = self._insert(SendSlotRow).values(key=key, next_at=until)
        statement = proposed.on_conflict_do_update(
            index_elements=["key"],
            set_={"next_at": case((SendSlotRow.next_at > until, SendSlotRow.next_at), else_=until)},
        )
        async with self._db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(statement)
