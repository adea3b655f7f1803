"""The feeds table: what to poll, when, and how the last poll went.

The feeds file is the operator's source of truth for `origin='file'` rows;
feeds added by an admin (`origin='admin'`) survive syncs. Callers get plain
`FeedState` dataclasses, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from bot.domain import FeedSpec, FeedStatus
from bot.store.db import Database, take_turns
from bot.store.models import FeedRow, WorkerRow

CHUNK = 500  # ids per IN (...) query, well under every backend's parameter limit


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
    """Write each poll's outcome on its feed row (one transaction for the batch)."""
    async with db.session() as session:
        for start in range(0, len(records), CHUNK):
            batch = records[start : start + CHUNK]
            query = select(FeedRow).where(FeedRow.id.in_([feed_id for feed_id, _ in batch]))
            rows = {row.id: row for row in await session.scalars(query)}
            for feed_id, record in batch:
                row = rows.get(feed_id)
                if row is not None:  # removed while we polled
                    _apply(row, record)


def _apply(row: FeedRow, record: PollRecord) -> None:
    row.last_status = record.status.value
    row.last_checked_at = record.checked_at
    row.next_check_at = record.next_check_at
    row.lease_holder = row.lease_expires_at = None  # the poll is over: the claim ends
    if record.status is FeedStatus.FAILED:
        row.error_count += 1
        row.last_error = record.error
        return
    row.error_count = 0
    row.last_error = None
    row.last_success_at = record.checked_at
    if row.first_success_at is None and record.ends_backlog:
        row.first_success_at = record.checked_at
    if record.status is FeedStatus.OK:
        row.etag, row.last_modified = record.etag, record.last_modified
        row.ttl_seconds = record.ttl_seconds
    else:  # a 304 may refresh the validators and hints; it never clears them
        row.etag = record.etag or row.etag
        row.last_modified = record.last_modified or row.last_modified
        row.ttl_seconds = record.ttl_seconds or row.ttl_seconds
