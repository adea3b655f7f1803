"""Which Telegram updates a worker has taken on, so that each is answered once.

Telegram sends an update again until a getUpdates confirms it, and a poller
confirms an update only with its next request. A leader that dies between taking
updates and confirming them leaves them to the next leader, which must not answer
them a second time; during a takeover two workers may also briefly both poll.
The first worker to claim an update's (bot id, update id) answers it. A claim is
one INSERT ... ON CONFLICT DO NOTHING, so the database decides, on SQLite and
PostgreSQL alike, however many workers race for it.

Telegram keeps an unconfirmed update for 24 hours at most, so claims older than
that can never meet their update again and are pruned (`forget_updates_before`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.db import Database
from bot.store.models import HandledUpdateRow


async def claim_update(db: Database, bot_id: int, update_id: int, now: datetime) -> bool:
    """Claim the update for this worker: True if this call took it, False if one had before.

    `bot_id` is the number before the token's colon (public), so two bots sharing a
    database never collide; the token itself is never stored.
    """
    async with db.session() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(HandledUpdateRow)
            .values(bot_id=bot_id, update_id=update_id, handled_at=now)
            .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
            .returning(HandledUpdateRow.update_id)
        )
        taken = (await session.execute(statement)).first()
    return taken is not None


async def forget_updates_before(db: Database, cutoff: datetime) -> int:
    """Delete claims made before `cutoff`; how many went."""
    async with db.session() as session:
        result = await session.execute(
            delete(HandledUpdateRow).where(HandledUpdateRow.handled_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0))
