"""The outbox: messages owed to chats, and the state changes delivery makes.

Row life cycle (`status`):

    pending --claim_many--> sending --record_accepted--> sent
       ^                       |  \\--mark_failed--> failed   (400, 403, too many attempts)
       '-------release---------'   (429, 5xx, network: retry at next_attempt_at)

`claim_many` is one conditional UPDATE (a batch of rows, one commit) made
before the HTTP requests, so two workers never send the same row at once; it
sets `next_attempt_at` to the end of a lease. `record_accepted` writes the
results that arrived together, again in one commit. A row still `sending`
after its lease means the worker died with the request in flight (or before
making it); it becomes due again (see bot/publish/delivery.py for why it is
resent). A `sent` row whose development's revision grew is due for
an edit; edits are idempotent and need no claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update

from bot.store.db import Database
from bot.store.models import DevelopmentRow, OutboxRow

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
    created_at: datetime | None = None
    sent_revision: int = 0  # the development's revision the sent message shows

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
            OutboxItem(
                r.id,
                r.development_id,
                r.chat_id,
                r.status,
                r.attempts,
                r.message_id,
                r.created_at,
                r.sent_revision,
            )
            for r in rows
        ]


async def claim_many(
    db: Database,
    item_ids: Sequence[int],
    now: datetime,
    lease: timedelta,
    holder: str | None = None,
) -> set[int]:
    """Take due sends for this worker until `now + lease` in ONE commit; return those taken.

    A single conditional UPDATE: a row is taken only if it is still unsent and
    due (pending, or 'sending' with its lease run out after a crash). The ids
    come back through RETURNING, so a row another worker took in the meantime
    is simply absent: two workers never hold the same row. A `holder` (a worker
    in the registry) is named on the row: if it dies, its rows are due again as
    soon as its heartbeat lapses (`store.leases.reap_dead_workers`), not when the lease ends.
    """
    if not item_ids:
        return set()
    async with db.engine.begin() as conn:  # Core, not the ORM: the hot path of a fan-out
        result = await conn.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id.in_(list(item_ids)),
                OutboxRow.status.in_((PENDING, SENDING)),
                OutboxRow.next_attempt_at <= now,
            )
            .values(
                status=SENDING,
                attempts=OutboxRow.attempts + 1,
                next_attempt_at=now + lease,
                claimed_by=holder,
            )
            .returning(OutboxRow.id)
        )
        return {int(row_id) for row_id in result.scalars()}


@dataclass(frozen=True, slots=True)
class Accepted:
    """Telegram accepted a send (`message_id` set) or an edit (None) showing `revision`."""

    item_id: int
    revision: int
    message_id: int | None = None


_RECORD_SENT = (
    update(OutboxRow)
    .where(OutboxRow.id == bindparam("row_id"))
    .values(
        status=SENT,
        message_id=bindparam("msg_id"),
        sent_revision=bindparam("rev"),
        sent_at=bindparam("now"),
        next_attempt_at=bindparam("now"),
        last_error=None,
    )
)
_RECORD_EDITED = (
    update(OutboxRow)
    .where(OutboxRow.id == bindparam("row_id"), OutboxRow.sent_revision < bindparam("rev"))
    .values(sent_revision=bindparam("rev"), last_error=None)
)


async def record_accepted(db: Database, accepted: Sequence[Accepted], *, now: datetime) -> None:
    """Record what Telegram accepted, many rows in ONE commit; sent rows are never sent again."""
    sends = [
        {"row_id": a.item_id, "msg_id": a.message_id, "rev": a.revision, "now": now}
        for a in accepted
        if a.message_id is not None
    ]
    edits = [{"row_id": a.item_id, "rev": a.revision} for a in accepted if a.message_id is None]
    async with db.engine.begin() as conn:
        if sends:
            await conn.execute(_RECORD_SENT, sends)
        if edits:
            await conn.execute(_RECORD_EDITED, edits)


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


async def move_chat(db: Database, old_chat_id: str, new_chat_id: str, *, now: datetime) -> None:
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
                row.chat_id, row.status, row.next_attempt_at = new_chat_id, PENDING, now


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
