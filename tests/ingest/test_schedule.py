"""The polling schedule as a plain decider: the operator's interval, capped hints, no drift,
backoff, jitter, Retry-After, and the reason `talkwatch feeds` shows."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest.schedule import (
    MAX_BACKOFF_SECONDS,
    Interval,
    Reason,
    backoff_seconds,
    base_interval,
    duration,
    explain_wait,
    hint_seconds,
    next_check_at,
    next_success_at,
)

NOW = datetime(2023, 6, 1, tzinfo=UTC)

# (feed interval, hint, default, hint cap) -> (seconds, reason, as `talkwatch feeds` says it)
INTERVAL_CASES = [
    ((None, None, 300, 900), (300, Reason.DEFAULT, "POLL_INTERVAL_SECONDS")),
    ((600, None, 300, 900), (600, Reason.FEED, "the feed's interval_seconds")),
    # A hint lengthens the operator's interval, never past the cap, never shortening it.
    ((None, 300, 60, 900), (300, Reason.HINT, "ttl/cache hint 5 min")),
    ((None, 3600, 60, 900), (900, Reason.HINT_CAPPED, "ttl/cache hint 1 h, capped")),
    ((None, 3600, 5, 0), (5, Reason.DEFAULT, "POLL_INTERVAL_SECONDS")),  # 0 ignores hints
    ((None, 60, 300, 900), (300, Reason.DEFAULT, "POLL_INTERVAL_SECONDS")),  # never shortens
    ((1800, 3600, 300, 900), (1800, Reason.FEED, "the feed's interval_seconds")),
]


@pytest.mark.parametrize(("given", "expected"), INTERVAL_CASES)
def test_the_operators_interval_wins_and_hints_lengthen_it_only_up_to_the_cap(
    given: tuple[int | None, int | None, int, int], expected: tuple[int, Reason, str]
) -> None:
    interval, hint, default, cap = given
    chosen = base_interval(interval, hint, default=default, hint_max=cap)
    assert (chosen.seconds, chosen.reason, chosen.describe()) == expected


def test_hints_come_from_ttl_max_age_and_expires_whichever_is_longest() -> None:
    assert hint_seconds({}, None, now=NOW) is None
    assert hint_seconds({}, 600, now=NOW) == 600
    assert hint_seconds({"cache-control": "public, max-age=1200"}, 600, now=NOW) == 1200
    assert hint_seconds({"cache-control": "no-cache, max-age=1200"}, None, now=NOW) is None
    expires = {"expires": "Thu, 01 Jun 2023 00:30:00 GMT"}
    assert hint_seconds(expires, 60, now=NOW) == 1800
    assert hint_seconds({"expires": "0"}, None, now=NOW) is None
    assert hint_seconds({"cache-control": "max-age=99999999"}, None, now=NOW) == 24 * 3600


def test_the_next_poll_counts_from_the_scheduled_time_so_intervals_do_not_drift() -> None:
    due = NOW
    polled_late = NOW + timedelta(seconds=0.9)  # the tick found it a little after it was due
    assert next_success_at(due, polled_late, 5) == NOW + timedelta(seconds=5)
    # Away for a while: missed slots are skipped, the grid is kept.
    assert next_success_at(due, NOW + timedelta(seconds=12), 5) == NOW + timedelta(seconds=15)
    # Polled before it was due (`poll-once --all`): counted from now.
    assert next_success_at(NOW + timedelta(minutes=3), NOW, 300) == NOW + timedelta(seconds=300)


def test_a_feed_set_to_n_seconds_is_polled_every_n_seconds_on_a_1_s_ticker() -> None:
    due, polls = NOW, []
    for tick in range(1, 61):
        now = NOW + timedelta(seconds=tick - 0.5)
        if now >= due:
            polls.append(now)
            due = next_success_at(due, now, 5)
    gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(polls)}
    assert gaps == {5.0}


def test_the_reason_says_backoff_or_retry_after_while_a_feed_fails() -> None:
    normal = Interval(300, Reason.DEFAULT)
    assert explain_wait(normal, errors=0, checked_at=NOW, due_at=NOW) is normal
    backoff = explain_wait(normal, errors=3, checked_at=NOW, due_at=NOW + timedelta(seconds=1300))
    assert (backoff.seconds, backoff.describe()) == (1300, "backoff after 3 errors")
    told = explain_wait(normal, errors=1, checked_at=NOW, due_at=NOW + timedelta(hours=2))
    assert (told.reason, told.describe()) == (Reason.RETRY_AFTER, "Retry-After")
    assert [duration(s) for s in (45, 900, 7200, 5400)] == ["45 s", "15 min", "2 h", "1 h 30 min"]


def test_backoff_doubles_per_failure_within_the_jitter_band() -> None:
    rng = random.Random(7)
    for failures in range(1, 8):
        nominal = min(300 * 2 ** (failures - 1), MAX_BACKOFF_SECONDS)
        wait = backoff_seconds(300, failures, rng)
        assert max(300, nominal * 0.75) <= wait <= min(nominal * 1.25, MAX_BACKOFF_SECONDS)


def test_backoff_is_capped_even_after_many_failures() -> None:
    assert backoff_seconds(300, 1000) <= MAX_BACKOFF_SECONDS


def test_jitter_spreads_feeds_that_failed_together() -> None:
    rng = random.Random(1)
    assert len({round(backoff_seconds(300, 3, rng)) for _ in range(20)}) > 10


def test_retry_after_is_never_undercut() -> None:
    due = next_check_at(NOW, base=300, failures=1, retry_after=7200)
    assert due == NOW + timedelta(seconds=7200)
    assert next_check_at(NOW, base=300, failures=0) == NOW + timedelta(seconds=300)
