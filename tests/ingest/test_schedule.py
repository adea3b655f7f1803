"""The polling schedule as a plain decider: interval, ttl floor, backoff, jitter, Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.ingest.schedule import MAX_BACKOFF_SECONDS, backoff_seconds, base_interval, next_check_at

NOW = datetime(2023, 6, 1, tzinfo=UTC)


def test_base_interval_uses_the_feed_interval_then_the_default_with_ttl_as_floor() -> None:
    assert base_interval(None, None, 300) == 300
    assert base_interval(600, None, 300) == 600
    assert base_interval(600, 3600, 300) == 3600
    assert base_interval(None, 60, 300) == 300


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
