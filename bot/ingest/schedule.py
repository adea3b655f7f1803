"""When to poll a feed next: pure deciders, so the policy is testable with plain calls.

The operator's interval wins: the feed's own `interval_seconds`, else
POLL_INTERVAL_SECONDS. A feed's hints (`<ttl>`, `Cache-Control: max-age`,
`Expires`) may lengthen it, but only up to FEED_HINT_MAX_SECONDS (0 ignores
hints): a news feed declaring a 60-minute ttl must not become a 60-minute
alert delay. After a success the next poll is counted from the time the feed
was *due*, not from when the cycle got to it, so a feed set to N seconds is
polled every N seconds instead of drifting towards 2N. After consecutive
failures the wait doubles per failure, with jitter so feeds that failed
together do not retry together, up to `MAX_BACKOFF_SECONDS`; a server's
Retry-After is a floor on top of that. Both always apply.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

MAX_BACKOFF_SECONDS = 6 * 3600
# +-25% spreads retries of feeds that failed in the same cycle.
JITTER = 0.25
MAX_BACKOFF_DOUBLINGS = 16
# No hint is believed beyond a day (a typo'd ttl of 999999 minutes).
MAX_HINT_SECONDS = 24 * 3600
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-cache|no-store)\b", re.IGNORECASE)


class Reason(StrEnum):
    """Why a feed waits as long as it does (shown by `talkwatch feeds`)."""

    DEFAULT = "default"
    FEED = "feed setting"
    HINT = "feed hint"
    HINT_CAPPED = "feed hint, capped"
    BACKOFF = "backoff"
    RETRY_AFTER = "Retry-After"


@dataclass(frozen=True, slots=True)
class Interval:
    """A feed's effective wait and why."""

    seconds: int
    reason: Reason
    hint_seconds: int | None = None
    errors: int = 0

    def describe(self) -> str:
        """'POLL_INTERVAL_SECONDS', 'ttl/cache hint 60 min, capped', 'backoff after 3 errors'."""
        if self.reason is Reason.DEFAULT:
            return "POLL_INTERVAL_SECONDS"
        if self.reason is Reason.FEED:
            return "the feed's interval_seconds"
        if self.reason in (Reason.HINT, Reason.HINT_CAPPED):
            capped = ", capped" if self.reason is Reason.HINT_CAPPED else ""
            return f"ttl/cache hint {duration(self.hint_seconds or 0)}{capped}"
        if self.reason is Reason.BACKOFF:
            return f"backoff after {self.errors} error{'s' if self.errors != 1 else ''}"
        return "Retry-After"


def duration(seconds: float) -> str:
    """A short human duration: '45 s', '15 min', '2 h', '1 h 30 min'."""
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    hours, minutes = divmod(round(whole / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


def base_interval(
    interval_seconds: int | None, hint_seconds: int | None, *, default: int, hint_max: int
) -> Interval:
    """The wait after a success: the operator's interval, lengthened by a hint up to `hint_max`."""
    operator = max(interval_seconds or default, 1)
    reason = Reason.FEED if interval_seconds else Reason.DEFAULT
    if not hint_seconds or hint_max <= 0:
        return Interval(operator, reason, hint_seconds)
    lengthened = min(hint_seconds, hint_max)
    if lengthened <= operator:
        return Interval(operator, reason, hint_seconds)
    kind = Reason.HINT_CAPPED if hint_seconds > hint_max else Reason.HINT
    return Interval(lengthened, kind, hint_seconds)


def hint_seconds(
    headers: Mapping[str, str], ttl_seconds: int | None, *, now: datetime
) -> int | None:
    """The longest wait the feed asks for: its ttl, Cache-Control max-age or Expires."""
    hints = [ttl_seconds or 0, _cache_control(headers.get("cache-control", ""))]
    hints.append(_expires(headers.get("expires", ""), now))
    longest = min(max(hints), MAX_HINT_SECONDS)
    return longest if longest > 0 else None


def _cache_control(value: str) -> int:
    if _NO_CACHE.search(value):
        return 0
    match = _MAX_AGE.search(value)
    return int(match.group(1)[:9]) if match else 0


def _expires(value: str, now: datetime) -> int:
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds()))


def next_success_at(scheduled: datetime, now: datetime, base: int) -> datetime:
    """`base` after the time the feed was due, skipping slots missed while we were away.

    A feed polled early (`poll-once --all`) counts from now.
    """
    anchor = min(scheduled, now)
    steps = max(1, math.floor((now - anchor).total_seconds() / base) + 1)
    return anchor + timedelta(seconds=base * steps)


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
    """Next due time after a failure: backoff from now, never before Retry-After."""
    wait = float(base) if failures == 0 else backoff_seconds(base, failures, rng)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + timedelta(seconds=wait)


def explain_wait(
    normal: Interval, *, errors: int, checked_at: datetime | None, due_at: datetime
) -> Interval:
    """The wait a feed is in now: `normal`, backoff after errors, or a longer Retry-After."""
    if errors <= 0 or checked_at is None:
        return normal
    waited = max(0.0, (due_at - checked_at).total_seconds())
    doublings = min(errors - 1, MAX_BACKOFF_DOUBLINGS)
    longest_backoff = min(normal.seconds * (1 << doublings) * (1 + JITTER), MAX_BACKOFF_SECONDS)
    reason = (
        Reason.RETRY_AFTER
        if waited > max(longest_backoff, normal.seconds) + 1
        else (Reason.BACKOFF)
    )
    return Interval(round(waited), reason, normal.hint_seconds, errors)
