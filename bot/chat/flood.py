"""Per-user flood control for the slash commands: a few answers a minute, one notice.

A user (or a script) sending hundreds of commands would otherwise spend the
token's whole budget and earn 429s for everyone. Each user has a bucket of
`burst` answers that refills at `per_minute`; past it the user gets ONE
notice, and the service logs ONE line, until the bucket has room again.
Admins (TELEGRAM_ADMIN_IDS) are named by the operator and never limited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

# Enough for a person catching up (/start, /latest, /timeline, /search, /status);
# a script sending 200 commands in seconds gets these, one notice, then silence.
BURST = 5
PER_MINUTE = 5.0
MAX_TRACKED_USERS = 100_000


class Admission(Enum):
    ANSWER = "answer"  # within the user's budget
    NOTICE = "notice"  # the first command over it: say so once (and log once)
    IGNORE = "ignore"  # still over it: no answer, no log line


@dataclass
class _Bucket:
    tokens: float
    at: float
    noticed: bool = False


class FloodGate:
    """Decides, per user, whether a command is answered; pure apart from the clock."""

    def __init__(
        self,
        burst: int = BURST,
        per_minute: float = PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = float(burst)
        self._refill = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def admit(self, user_id: int) -> Admission:
        now = self._clock()
        bucket = self._buckets.get(user_id) or _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._refill)
        bucket.at = now
        self._buckets[user_id] = bucket
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.noticed = False
            self._forget_idle(now)
            return Admission.ANSWER
        if bucket.noticed:
            return Admission.IGNORE
        bucket.noticed = True
        return Admission.NOTICE

    def _forget_idle(self, now: float) -> None:
        """Drop users whose bucket is full again: they are indistinguishable from new ones."""
        if len(self._buckets) <= MAX_TRACKED_USERS:
            return
        full = (self._burst - 1.0) / self._refill
        self._buckets = {u: b for u, b in self._buckets.items() if now - b.at < full}
