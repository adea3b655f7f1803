"""The feeds table: what to poll, when, and how the last poll went.

The feeds file is the operator's source of truth for `origin='file'` rows;
feeds added by an admin (`origin='admin'`) survive syncs. Callers get plain
`FeedState` dataclasses, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Update, bindparam, delete, func, select, update

from bot.domain import FeedSpec, FeedStatus
from bot.store.db import Database, take_turns
from bot.store.models import FeedRow, WorkerRow


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed and its polling state, as the poller and `talkwatch feeds` see it."""

    id: int
    name: str
    url: str
    origin: str
    interval_seconds: int | None
    ttl_seconds: int | None
    etag: str | None
    last_modified: str | None
    next_check_at: datetime
    last_checked_at: datetime | None
    last_success_at: datetime | None
    first_success_at: datetime | None
    last_status: str
    error_count: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a feeds-file sync changed (URLs)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What one poll of one feed leaves on its row."""

    status: FeedStatus
    checked_at: datetime
    next_check_at: datetime
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    ttl_seconds: int | None = None  # the feed's longest hint: <ttl>, max-age or Expires
    # False while a first poll's backlog is still being drained in capped batches.
    ends_backlog: bool = True


def _state(row: FeedRow) -> FeedState:
    return FeedState(
        id=row.id,
        name=row.name,
        url=row.url,
        origin=row.origin,
        interval_seconds=row.interval_seconds,
        ttl_seconds=row.ttl_seconds,
        etag=row.etag,
        last_modified=row.last_modified,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_success_at=row.last_success_at,
        first_success_at=row.first_success_at,
        last_status=row.last_status,
        error_count=row.error_count,
        last_error=row.last_error,
    )


def _new_row(spec: FeedSpec, origin: str, now: datetime) -> FeedRow:
    return FeedRow(
        url=spec.url,
        name=spec.name,
        origin=origin,
        interval_seconds=spec.interval_seconds,
        next_check_at=now,
        last_status=FeedStatus.NEVER.value,
        error_count=0,
        created_at=now,
    )


async def sync_feeds(
    db: Database, specs: Sequence[FeedSpec], *, now: datetime | None = None
) -> SyncResult:
    """Make the table follow the feeds file: add new URLs, update names/intervals, drop removed."""
    now = now or datetime.now(UTC)
    wanted = {spec.url: spec for spec in specs}
    added: list[str] = []
    updated: list[str] = []
    removed: list[str] = []
    async with db.session() as session:
        await take_turns(session)
        rows = {row.url: row for row in (await session.scalars(select(FeedRow))).all()}
        for url, spec in wanted.items():
            row = rows.get(url)
            if row is None:
                session.add(_new_row(spec, "file", now))
                added.append(url)
            elif (row.name, row.interval_seconds, row.origin) != (
                spec.name,
                spec.interval_seconds,
                "file",
            ):
                row.name, row.interval_seconds, row.origin = (
                    spec.name,
                    spec.interval_seconds,
                    "file",
                )
                updated.append(url)
        for url, row in rows.items():
            if row.origin == "file" and url not in wanted:
                await session.delete(row)
                removed.append(url)
    return SyncResult(tuple(added), tuple(updated), tuple(removed))


async def add_feed(
    db: Database, spec: FeedSpec, *, now: datetime | None = None
) -> FeedState | None:
    """Add an admin feed (survives feeds-file syncs); None when the URL is already watched."""
    now = now or datetime.now(UTC)
    async with db.session() as session:
        existing = await session.scalar(select(FeedRow.id).where(FeedRow.url == spec.url))
        if existing is not None:
            return None
        row = _new_row(spec, "admin", now)
        session.add(row)
        await session.flush()
        return _state(row)


async def remove_feed(db: Database, url: str) -> bool:
    """Stop watching a feed; False if it was not watched. A file feed returns at the next sync."""
    async with db.session() as session:
        result = await session.execute(delete(FeedRow).where(FeedRow.url == url))
        return bool(getattr(result, "rowcount", 0))


async def list_feeds(db: Database) -> list[FeedState]:
    """Every feed, by name."""
    async with db.session() as session:
        rows = await session.scalars(select(FeedRow).order_by(FeedRow.name, FeedRow.id))
        return [_state(row) for row in rows]


async def due_feeds(db: Database, now: datetime) -> list[FeedState]:
    """Feeds whose next check is due, the longest-waiting first."""
    async with db.session() as session:
        query = (
            select(FeedRow)
            .where(FeedRow.next_check_at <= now)
            .order_by(FeedRow.next_check_at, FeedRow.id)
        )
        return [_state(row) for row in await session.scalars(query)]


async def claim_due_feeds(
    db: Database,
    now: datetime,
    holder: str,
    *,
    ttl: float,
    limit: int | None = None,
    alive_within: float | None = None,
) -> list[FeedState]:
    """Up to `limit` due feeds nobody is polling, claimed for `holder`; oldest first.

    One statement: on PostgreSQL the candidate rows are locked with SKIP LOCKED,
    so workers claiming at the same moment split the due feeds between them
    instead of waiting for each other; SQLite has one writer at a time anyway.
    A claim ends when the poll is recorded (`record_polls`). It needs no renewal:
    it stands while its holder's heartbeat is younger than `alive_within` (a
    worker in the registry), or, for a holder outside the registry (a one-shot
    poll), until `ttl` from now. So a dead worker's feeds are free again as
    soon as its heartbeat lapses, and a live one never rewrites its claims.
    Feeds this holder already claimed are not claimed again.
    """
    free = FeedRow.lease_holder.is_(None) | (FeedRow.lease_expires_at < now)
    if alive_within is not None:
        alive = select(WorkerRow.id).where(
            WorkerRow.heartbeat_at >= now - timedelta(seconds=alive_within)
        )
        registered = select(WorkerRow.id)
        free |= FeedRow.lease_holder.in_(registered) & FeedRow.lease_holder.not_in(alive)
    candidates = (
        select(FeedRow.id)
        .where(FeedRow.next_check_at <= now, free)
        .order_by(FeedRow.next_check_at, FeedRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    async with db.session() as session:
        rows = await session.scalars(
            update(FeedRow)
            .where(FeedRow.id.in_(candidates))
            .values(lease_holder=holder, lease_expires_at=now + timedelta(seconds=ttl))
            .returning(FeedRow)
            .execution_options(synchronize_session=False)
        )
        claimed = [_state(row) for row in rows]
    return sorted(claimed, key=lambda feed: (feed.next_check_at, feed.id))


async def next_due_at(db: Database) -> datetime | None:
    """When the next feed is due (None without feeds), for `poll-once`'s report."""
    async with db.session() as session:
        return await session.scalar(select(func.min(FeedRow.next_check_at)))


async def record_polls(db: Database, records: Sequence[tuple[int, PollRecord]]) -> None:
    """Write each poll's outcome on its feed row (one transaction for the batch).

    One UPDATE per kind of outcome, run as an executemany: no rows are loaded
    and no ORM state is tracked, which on a cycle of mostly 304s was the largest
    share of the parent's CPU after parsing. A feed removed while it was being
    polled simply matches no row. Rows are written in id order, as the ORM's
    flush wrote them, so their lock order is the one it was.
    """
    by_kind: dict[FeedStatus, list[dict[str, object]]] = {}
    for feed_id, record in sorted(records, key=lambda pair: pair[0]):
        by_kind.setdefault(record.status, []).append(_params(feed_id, record))
    async with db.session() as session:
        conn = await session.connection()
        for status, params in by_kind.items():
            await conn.execute(_OUTCOME_UPDATES[status], params)


def _params(feed_id: int, record: PollRecord) -> dict[str, object]:
    return {
        "b_id": feed_id,
        "b_status": record.status.value,
        "b_checked": record.checked_at,
        "b_next": record.next_check_at,
        "b_error": record.error,
        "b_first": record.checked_at if record.ends_backlog else None,
        "b_etag": record.etag,
        "b_modified": record.last_modified,
        "b_ttl": record.ttl_seconds,
    }


def _outcome_update(status: FeedStatus) -> Update:
    """The UPDATE recording one kind of outcome, with `b_*` parameters (see `_params`).

    Every outcome ends the claim. A failure counts one more error and keeps the
    validators; a success clears the errors and marks the first good poll (the
    end of the backlog) once. A 200 replaces the validators and hints; a 304
    may refresh them but never clears them.
    """
    values: dict[str, Any] = {
        "last_status": bindparam("b_status"),
        "last_checked_at": bindparam("b_checked", type_=FeedRow.last_checked_at.type),
        "next_check_at": bindparam("b_next", type_=FeedRow.next_check_at.type),
        "lease_holder": None,
        "lease_expires_at": None,
    }
    if status is FeedStatus.FAILED:
        values |= {"error_count": FeedRow.error_count + 1, "last_error": bindparam("b_error")}
    else:
        first = bindparam("b_first", type_=FeedRow.first_success_at.type)
        values |= {
            "error_count": 0,
            "last_error": None,
            "last_success_at": bindparam("b_checked", type_=FeedRow.last_success_at.type),
            "first_success_at": func.coalesce(FeedRow.first_success_at, first),
        }
        hints = {"etag": "b_etag", "last_modified": "b_modified", "ttl_seconds": "b_ttl"}
        for name, param in hints.items():
            column = getattr(FeedRow, name)
            new = bindparam(param, type_=column.type)
            values[name] = new if status is FeedStatus.OK else func.coalesce(new, column)
    return update(FeedRow).where(FeedRow.id == bindparam("b_id")).values(values)


_OUTCOME_UPDATES = {
    status: _outcome_update(status)
    for status in (FeedStatus.OK, FeedStatus.NOT_MODIFIED, FeedStatus.FAILED)
}
