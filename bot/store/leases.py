"""Leases and the worker registry: how several processes share one database safely.

A lease is a named row with one holder and an expiry. Taking one is a single
upsert that succeeds only when the row is free, expired or already ours, so two
workers can never both hold it, on SQLite or PostgreSQL. A worker's heartbeat
extends everything it holds (its named leases and the feeds it is polling) in
one transaction; a worker that dies stops beating, and its leases lapse after
their time to live, when another worker takes them over. A worker that stops
cleanly releases everything at once, so the others continue without waiting.

No coordination service: the database everyone already shares is the arbiter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.db import Database
from bot.store.models import FeedRow, LeaseRow, OutboxRow, WorkerRow
from bot.store.outbox import SENDING


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """A live worker as /status shows it."""

    id: str
    host: str
    pid: int
    roles: tuple[str, ...]
    started_at: datetime
    heartbeat_at: datetime
    leases: tuple[str, ...]
    feeds_polling: int


async def register_worker(
    db: Database, worker_id: str, *, host: str, pid: int, roles: Sequence[str], now: datetime
) -> None:
    async with db.session() as session:
        session.add(
            WorkerRow(
                id=worker_id,
                host=host[:255],
                pid=pid,
                roles=",".join(roles),
                started_at=now,
                heartbeat_at=now,
            )
        )


async def take_lease(
    db: Database, name: str, holder: str, *, now: datetime, ttl: float
) -> datetime | None:
    """Take or extend the lease `name`: since when we hold it, None while another holds it.

    The time tells a renewal from a fresh take: a worker whose lease lapsed and
    was held by someone else meanwhile sees a new time, and must catch up.
    """
    async with db.session() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        proposed = insert(LeaseRow).values(
            name=name, holder=holder, acquired_at=now, expires_at=now + timedelta(seconds=ttl)
        )
        statement = proposed.on_conflict_do_update(
            index_elements=["name"],
            set_={
                "holder": proposed.excluded.holder,
                "expires_at": proposed.excluded.expires_at,
                # A renewal keeps the time it was first taken; a takeover starts afresh.
                "acquired_at": case((LeaseRow.holder == holder, LeaseRow.acquired_at), else_=now),
            },
            where=(LeaseRow.holder == holder) | (LeaseRow.expires_at < now),
        ).returning(LeaseRow.holder, LeaseRow.acquired_at)
        row = (await session.execute(statement)).first()
    return row.acquired_at if row is not None and row.holder == holder else None


async def heartbeat(db: Database, holder: str, *, now: datetime, ttl: float) -> set[str]:
    """Extend the worker's leases; the names of the leases it still holds.

    Feed claims are not rewritten: they stand while this heartbeat is fresh
    (`store.feeds.claim_due_feeds`), so a beat costs two small statements
    whatever the number of feeds in flight.

    A lease that lapsed (the heartbeat came too late) and was taken by another
    worker is not in the answer: the caller must stop using it.
    """
    until = now + timedelta(seconds=ttl)
    async with db.session() as session:
        await session.execute(
            update(WorkerRow).where(WorkerRow.id == holder).values(heartbeat_at=now)
        )
        held = await session.scalars(
            update(LeaseRow)
            .where(LeaseRow.holder == holder, LeaseRow.expires_at >= now)
            .values(expires_at=until)
            .returning(LeaseRow.name)
        )
        return set(held)


async def reap_dead_workers(db: Database, *, now: datetime, ttl: float) -> list[str]:
    """Forget workers whose heartbeat lapsed; their feeds and messages are free again.

    Their named leases lapse by themselves, and their feed claims stood only while
    they were alive (cleared here with the registry row); an outbox row keeps
    a long lease (a slow send must not be sent twice by a live worker), so a
    dead sender's rows are handed back here, within a heartbeat of its death.
    A message it had in flight may have reached Telegram: that one is resent,
    the at-most-in-flight bound the README states.
    """
    stale = now - timedelta(seconds=ttl)
    async with db.session() as session:
        dead = list(
            await session.scalars(
                delete(WorkerRow).where(WorkerRow.heartbeat_at < stale).returning(WorkerRow.id)
            )
        )
        if dead:
            await session.execute(
                update(FeedRow)
                .where(FeedRow.lease_holder.in_(dead))
                .values(lease_holder=None, lease_expires_at=None)
            )
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.claimed_by.in_(dead), OutboxRow.status == SENDING)
                .values(next_attempt_at=now, claimed_by=None)
            )
    return dead


async def release_all(db: Database, holder: str, *, now: datetime) -> None:
    """Give up every lease and claim and leave the registry (a clean stop).

    Sends still claimed were abandoned by the shutdown: they are due again now.
    """
    async with db.session() as session:
        await session.execute(delete(LeaseRow).where(LeaseRow.holder == holder))
        await session.execute(
            update(FeedRow)
            .where(FeedRow.lease_holder == holder)
            .values(lease_holder=None, lease_expires_at=None)
        )
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.claimed_by == holder, OutboxRow.status == SENDING)
            .values(next_attempt_at=now, claimed_by=None)
        )
        await session.execute(delete(WorkerRow).where(WorkerRow.id == holder))


async def release_lease(db: Database, name: str, holder: str) -> None:
    async with db.session() as session:
        await session.execute(
            delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder)
        )


async def live_workers(db: Database, *, now: datetime, ttl: float) -> list[WorkerInfo]:
    """Workers whose heartbeat is younger than `ttl`, with what each holds; oldest first.

    The dead are left for `reap_dead_workers`, which also hands back their sends.
    """
    fresh = now - timedelta(seconds=ttl)
    async with db.session() as session:
        workers = list(
            await session.scalars(
                select(WorkerRow)
                .where(WorkerRow.heartbeat_at >= fresh)
                .order_by(WorkerRow.started_at, WorkerRow.id)
            )
        )
        leases = await session.execute(
            select(LeaseRow.holder, LeaseRow.name)
            .where(LeaseRow.expires_at >= now)
            .order_by(LeaseRow.name)
        )
        held: dict[str, list[str]] = {}
        for holder, name in leases:
            held.setdefault(holder, []).append(name)
        polling: dict[str, int] = {}
        claims = await session.execute(
            select(FeedRow.lease_holder).where(
                FeedRow.lease_holder.is_not(None), FeedRow.lease_expires_at >= now
            )
        )
        for (claimant,) in claims:
            if claimant is not None:
                polling[claimant] = polling.get(claimant, 0) + 1
    return [
        WorkerInfo(
            id=w.id,
            host=w.host,
            pid=w.pid,
            roles=tuple(r for r in w.roles.split(",") if r),
            started_at=w.started_at,
            heartbeat_at=w.heartbeat_at,
            leases=tuple(held.get(w.id, ())),
            feeds_polling=polling.get(w.id, 0),
        )
        for w in workers
    ]
