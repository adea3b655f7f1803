"""Small facts the process keeps across restarts, in the `app_state` table.

The paused flag lives here rather than in memory so that /pause survives a
restart and every worker sharing the database honours it.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import StateRow

PAUSED = "paused"


async def get_state(db: Database, key: str) -> str | None:
    """The stored value for `key`, or None when it was never set."""
    async with db.session() as session:
        return await session.scalar(select(StateRow.value).where(StateRow.key == key))


async def set_state(db: Database, key: str, value: str) -> None:
    """Insert or overwrite one value."""
    async with db.session() as session:
        row = await session.get(StateRow, key)
        if row is None:
            session.add(StateRow(key=key, value=value))
        else:
            row.value = value


async def is_paused(db: Database) -> bool:
    """True while an admin has paused alert delivery (/pause)."""
    return await get_state(db, PAUSED) == "1"


async def set_paused(db: Database, paused: bool) -> None:
    """Pause or resume delivery; the outbox keeps filling either way."""
    await set_state(db, PAUSED, "1" if paused else "0")
