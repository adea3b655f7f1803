"""When to poll a feed next: a pure decider, so the policy is testable with plain calls.

After a success the feed waits its interval (its own `interval_seconds`, else
the global poll interval) and never less than the feed's `<ttl>`. After
consecutive failures the wait doubles per failure, with jitter so feeds that
failed together do not retry together, up to `MAX_BACKOFF_SECONDS`. A
server's Retry-After is a floor on top of all that.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_BACKOFF_SECONDS = 6 * 3600
# +-25% spreads retries of feeds that failed in the same cycle.
JITTER = 0.25
MAX_BACKOFF_DOUBLINGS = 16


def base_interval(interval_seconds: int | None, ttl_seconds: int | None, default: int) -> int:
    """The normal wait between polls: the feed's interval, floored by its ttl."""
    return max(interval_seconds or default, ttl_seconds or 0, 1)


def backoff_seconds(base: int, failures: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter after `failures` consecutive failures (>= 1)."""
    doublings = min(max(failures - 1, 0), MAX_BACKOFF_DOUBLINGS)
    delay = min(base * (1 << doublings), MAX_BACKOFF_SECONDS)
    factor = 1.0 + float((rng or random).uniform(-JITTER, JITTER))
    return max(float(base), min(delay * factor, float(MAX_BACKOFF_SECONDS)))


def next_check_at(
    now: datetime,
    *,
    base: int,
    failures: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """Next due time: `base` after a success, backoff after failures, never before Retry-After."""
    wait = float(base) if failures == 0 else backoff_seconds(base, failures, rng)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + timedelta(seconds=wait)
