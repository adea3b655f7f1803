"""The outbox: messages owed to chats, and the state changes delivery makes.

Row life cycle (`status`):

    pending --claim--> sending --mark_sent--> sent
       ^                  |  \\--mark_failed--> failed   (400, 403, too many attempts)
       '----release-------'   (429, 5xx, network: retry at next_attempt_at)

`claim` is a conditional UPDATE committed before the HTTP request, so two
workers never send the same row at once; it sets `next_attempt_at` to the end
of a lease. A row still `sending` after its lease means the worker died with
the request in flight; it becomes due again (see bot/publish/delivery.py for
why it is resent). A `sent` row whose development's revision grew is due for
an edit; edits are idempotent and need no claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from bot.store.db import Database
from bot.store.models import DevelopmentRow, OutboxRow, utcnow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One unit of delivery work: a send, or an edit when `message_id` is set."""

    id: int
    development_id: int
    chat_id: str
    status: str
    attempts: int
    message_id: int | None

    @property
    def is_edit(self) -> bool:
        return self.status == SENT


async def due_work(db: Database, now: datetime, limit: int) -> list[OutboxItem]:
    """Sends and edits due at `now`, oldest first."""
    send_due = and_(OutboxRow.status.in_((PENDING, SENDING)), OutboxRow.next_attempt_at <= now)
    edit_due = and_(
        OutboxRow.status == SENT,
        OutboxRow.message_id.is_not(None),
        OutboxRow.sent_revision < DevelopmentRow.revision,
        OutboxRow.next_attempt_at <= now,
    )
    query = (
        select(OutboxRow)
        .join(DevelopmentRow, DevelopmentRow.id == OutboxRow.development_id)
        .where(or_(send_due, edit_due))
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    async with db.session() as session:
        rows = await session.scalars(query)
        return [
            OutboxItem(r.id, r.development_id, r.chat_id, r.status, r.attempts, r.message_id)
            for r in rows
        ]


async def claim(db: Database, item: OutboxItem, now: datetime, lease: timedelta) -> bool:
    """Take a due send for this worker until `now + lease`; False if someone else has it."""
    async with db.engine.begin() as conn:  # Core, not the ORM: this runs once per message
        result = await conn.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == item.id,
                OutboxRow.status.in_((PENDING, SENDING)),
                OutboxRow.next_attempt_at <= now,
            )
            .values(status=SENDING, attempts=OutboxRow.attempts + 1, next_attempt_at=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))


async def mark_sent(db: Database, item_id: int, message_id: int | None, revision: int) -> None:
    """Record the Telegram message id: from now on the row is never sent again."""
    now = utcnow()
    async with db.engine.begin() as conn:  # Core, not the ORM: this runs once per message
        await conn.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(
                status=SENT,
                message_id=message_id,
                sent_revision=revision,
                sent_at=now,
                next_attempt_at=now,
                last_error=None,
            )
        )


async def mark_edited(db: Database, item_id: int, revision: int, error: str | None = None) -> None:
    """The sent message now shows `revision` (or we gave up editing it: `error`)."""
    async with db.session() as session:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id, OutboxRow.sent_revision < revision)
            .values(sent_revision=revision, last_error=error)
        )


async def release(db: Database, item_id: int, retry_at: datetime, error: str) -> None:
    """Give a send or edit back for a later attempt."""
    async with db.session() as session:
        row = await session.get(OutboxRow, item_id)
        if row is None:
            return
        if row.status == SENDING:
            row.status = PENDING
        row.next_attempt_at = retry_at
        row.last_error = error[:2000]


async def mark_failed(db: Database, item_id: int, error: str) -> None:
    """Give up on a send for good (rejected, blocked, or too many attempts)."""
    async with db.session() as session:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=FAILED, last_error=error[:2000])
        )


async def fail_chat(db: Database, chat_id: str, error: str) -> int:
    """Give up on every unsent message to a chat (the user blocked the bot)."""
    async with db.session() as session:
        result = await session.execute(
            update(OutboxRow)
            .where(OutboxRow.chat_id == chat_id, OutboxRow.status.in_((PENDING, SENDING)))
            .values(status=FAILED, last_error=error[:2000])
        )
        return int(getattr(result, "rowcount", 0))


async def move_chat(db: Database, old_chat_id: str, new_chat_id: str) -> None:
    """Readdress unsent messages of a migrated group to its new id (dropping doubles)."""
    async with db.session() as session:
        taken = set(
            await session.scalars(
                select(OutboxRow.development_id).where(OutboxRow.chat_id == new_chat_id)
            )
        )
        rows = await session.scalars(
            select(OutboxRow).where(
                OutboxRow.chat_id == old_chat_id, OutboxRow.status.in_((PENDING, SENDING))
            )
        )
        for row in rows:
            if row.development_id in taken:
                row.status, row.last_error = FAILED, f"migrated to {new_chat_id}"
            else:
                row.chat_id, row.status, row.next_attempt_at = new_chat_id, PENDING, utcnow()


async def status_counts(db: Database) -> dict[str, int]:
    """How many outbox rows are in each status (for /status and the benchmark)."""
    async with db.session() as session:
        rows = await session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return {status: int(n) for status, n in rows}


async def outbox_backlog(db: Database) -> int:
    """Messages still owed (pending or claimed): the queue length /metrics reports."""
    counts = await status_counts(db)
    return counts.get("pending", 0) + counts.get("sending", 0)
