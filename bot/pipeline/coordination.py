"""One worker among several on a shared database: its roles, its heartbeat, its leases.

Every `talkwatch run` process is a worker. It registers itself, beats every
`HEARTBEAT_SECONDS`, and holds leases that lapse `LEASE_SECONDS` after its last
beat, so a worker killed with -9 is replaced within that time:

    feeds      each due feed is claimed by one worker per poll (store/feeds.py)
    assess:N   one writer of story N's knowledge base at a time
    updates    the one consumer of the bot's Telegram updates

A clean stop releases everything at once. One process alone plays every
role and holds every lease; nothing changes for it but a few small writes.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import ConfigError
from bot.store import Database
from bot.store.leases import (
    heartbeat,
    live_workers,
    reap_dead_workers,
    register_worker,
    release_all,
    release_lease,
    take_lease,
)

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
# A dead worker's leases are taken over after this; a live one renews them every beat,
# so it would have to miss four beats in a row (a stalled database) to lose them.
LEASE_SECONDS = 10.0


class Role(StrEnum):
    POLL = "poll"  # fetch due feeds into the store
    ASSESS = "assess"  # assess stored articles per story, record developments
    DELIVER = "deliver"  # send the outbox to Telegram
    BOT = "bot"  # answer commands (the one holding the updates lease)


ALL_ROLES = frozenset(Role)


def parse_roles(text: str) -> frozenset[Role]:
    """`poll,assess` -> the roles; an unknown or empty list is the operator's mistake."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    known = ", ".join(role.value for role in Role)
    unknown = [name for name in names if name not in {role.value for role in Role}]
    if unknown or not names:
        what = f"unknown role {unknown[0]!r}" if unknown else "no role given"
        raise ConfigError(f"--roles: {what} (choose from {known})")
    return frozenset(Role(name) for name in names)


class LeaseKind(StrEnum):
    ASSESS = "assess"
    UPDATES = "updates"


def story_lease(story_id: int) -> str:
    return f"{LeaseKind.ASSESS}:{story_id}"


UPDATES_LEASE = str(LeaseKind.UPDATES)


class Hold(StrEnum):
    """What taking a lease found."""

    NOT_OURS = "not ours"  # another live worker holds it
    KEPT = "kept"  # ours since our last take: nothing happened in between
    NEW = "new"  # newly ours: whatever it guards may have changed meanwhile


def new_worker_id() -> str:
    """host:pid:random, readable in /status and unique across restarts and hosts."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class Worker:
    """This process's identity and the leases it holds, as of its last heartbeat."""

    db: Database
    roles: frozenset[Role] = ALL_ROLES
    id: str = field(default_factory=new_worker_id)
    ttl: float = LEASE_SECONDS
    held: set[str] = field(default_factory=set)
    since: dict[str, datetime] = field(default_factory=dict)
    beat_at: datetime | None = None

    async def join(self, now: datetime) -> None:
        await register_worker(
            self.db,
            self.id,
            host=socket.gethostname(),
            pid=os.getpid(),
            roles=sorted(self.roles),
            now=now,
        )
        self.beat_at = now
        log.info("worker joined", extra={"worker": self.id, "roles": ",".join(sorted(self.roles))})

    async def beat(self, now: datetime) -> None:
        """Renew everything held; forget a lease another worker took while we were late."""
        still = await heartbeat(self.db, self.id, now=now, ttl=self.ttl)
        dead = await reap_dead_workers(self.db, now=now, ttl=self.ttl)
        if dead:
            log.warning("workers gone; their work is taken over", extra={"workers": dead})
        for name in sorted(self.held - still):
            log.warning("lease lost", extra={"worker": self.id, "lease": name})
        self.held &= still
        self.since = {name: t for name, t in self.since.items() if name in still}
        self.beat_at = now

    async def take(self, name: str, now: datetime) -> Hold:
        """Hold lease `name`, taking it if free; whether it is ours, and since when."""
        since = await take_lease(self.db, name, self.id, now=now, ttl=self.ttl)
        if since is None:
            self.held.discard(name)
            self.since.pop(name, None)
            return Hold.NOT_OURS
        self.held.add(name)
        if self.since.get(name) == since:
            return Hold.KEPT
        self.since[name] = since
        log.info("lease taken", extra={"worker": self.id, "lease": name})
        return Hold.NEW

    def holds(self, name: str, now: datetime) -> bool:
        """Whether the lease is ours right now (our last beat is younger than the ttl)."""
        fresh = self.beat_at is not None and now - self.beat_at < timedelta(seconds=self.ttl)
        return fresh and name in self.held

    async def share_of(self, total: int, role: Role, now: datetime) -> int:
        """This worker's fair part of `total` leases among the live workers playing `role`."""
        workers = await live_workers(self.db, now=now, ttl=self.ttl)
        peers = max(1, sum(role.value in w.roles for w in workers))
        return math.ceil(total / peers)

    async def give_up(self, names: Iterable[str]) -> None:
        for name in list(names):
            if name in self.held:
                self.held.discard(name)
                self.since.pop(name, None)
                await release_lease(self.db, name, self.id)

    async def leave(self, now: datetime) -> None:
        """Release every lease and claim now, so the others continue at once."""
        self.held.clear()
        self.since.clear()
        await release_all(self.db, self.id, now=now)
        log.info("worker left", extra={"worker": self.id})
