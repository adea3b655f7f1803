"""The feeds file drives the feeds table; admin feeds survive; `talkwatch feeds` shows state."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.reports import format_feeds_table, format_next_due
from bot.config.defaults import default_feeds_file
from bot.config.feeds_file import feeds_toml, load_feeds_file
from bot.domain import FeedSpec, FeedStatus
from bot.errors import ConfigError
from bot.store import Database
from bot.store.feeds import (
    PollRecord,
    add_feed,
    due_feeds,
    list_feeds,
    record_polls,
    remove_feed,
    sync_feeds,
)

NOW = datetime(2023, 6, 1, tzinfo=UTC)


async def test_sync_adds_updates_and_removes_file_feeds(database: Database) -> None:
    first = await sync_feeds(
        database,
        [FeedSpec("A", "https://a.test/rss"), FeedSpec("B", "https://b.test/rss")],
        now=NOW,
    )
    assert first.added == ("https://a.test/rss", "https://b.test/rss")

    second = await sync_feeds(
        database,
        [FeedSpec("A renamed", "https://a.test/rss", 600), FeedSpec("C", "https://c.test/rss")],
        now=NOW,
    )
    assert (second.added, second.updated, second.removed) == (
        ("https://c.test/rss",),
        ("https://a.test/rss",),
        ("https://b.test/rss",),
    )
    feeds = {f.url: f for f in await list_feeds(database)}
    assert set(feeds) == {"https://a.test/rss", "https://c.test/rss"}
    assert (feeds["https://a.test/rss"].name, feeds["https://a.test/rss"].interval_seconds) == (
        "A renamed",
        600,
    )
    assert (
        await sync_feeds(
            database,
            [FeedSpec("A renamed", "https://a.test/rss", 600), FeedSpec("C", "https://c.test/rss")],
            now=NOW,
        )
    ) == type(first)()


async def test_admin_feeds_survive_syncs_and_can_be_removed(database: Database) -> None:
    added = await add_feed(database, FeedSpec("Extra", "https://extra.test/rss"), now=NOW)
    assert added is not None and added.origin == "admin" and added.last_status == "never"
    assert await add_feed(database, FeedSpec("Extra", "https://extra.test/rss")) is None

    await sync_feeds(database, [FeedSpec("A", "https://a.test/rss")], now=NOW)
    assert {f.url for f in await list_feeds(database)} == {
        "https://a.test/rss",
        "https://extra.test/rss",
    }
    assert await remove_feed(database, "https://extra.test/rss")
    assert not await remove_feed(database, "https://extra.test/rss")


async def test_new_feeds_are_due_at_once(sqlite_database: Database) -> None:
    await sync_feeds(sqlite_database, [FeedSpec("A", "https://a.test/rss")], now=NOW)
    assert [f.name for f in await due_feeds(sqlite_database, NOW)] == ["A"]


async def test_feeds_table_shows_status_success_and_last_error(sqlite_database: Database) -> None:
    await sync_feeds(sqlite_database, [FeedSpec("Wire", "https://wire.test/rss")], now=NOW)
    table = format_feeds_table(
        await list_feeds(sqlite_database), default_interval=300, hint_max=900
    )
    header, row = table.splitlines()
    for column in ("name", "url", "status", "last success", "errors", "every", "why", "last error"):
        assert column in header
    assert row.split() == [
        *("Wire", "https://wire.test/rss", "never", "-", "0", "5", "min"),
        *("POLL_INTERVAL_SECONDS", "-"),
    ]
    assert format_feeds_table([], default_interval=300, hint_max=900) == "No feeds."


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_feeds_file_entries_become_specs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[feeds]]\nname = "A"\nurl = "https://a.test/rss"\n\n'
        '[[feeds]]\nname = "B"\nurl = "https://b.test/rss"\ninterval_seconds = 900\n',
    )
    assert load_feeds_file(path) == [
        FeedSpec("A", "https://a.test/rss"),
        FeedSpec("B", "https://b.test/rss", 900),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[feeds]]\nname = "A"\n', r"feed #1 \(A\): 'url' must be an http"),
        ('[[feeds]]\nname = "A"\nurl = "ftp://a.test"\n', "'url' must be an http"),
        ('[[feeds]]\nurl = "https://a.test"\n', "'name' must be a non-empty string"),
        ('[[feeds]]\nname = "A"\nurl = "https://a.test"\ninterval = 5\n', "unknown key"),
        ('[[feeds]]\nname = "A"\nurl = "https://a.test"\ninterval_seconds = 5\n', ">= 30"),
        (
            '[[feeds]]\nname = "A"\nurl = "https://a.test"\n[[feeds]]\nname = "B"\nurl = "https://a.test"\n',
            "listed twice",
        ),
        ("feeds = 3\n", "expected"),
        ("[[feeds]\n", "not valid TOML"),
    ],
)
def test_a_bad_feeds_file_names_the_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_feeds_file(path)
    assert str(path) in str(caught.value)


def test_a_missing_feeds_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read feeds file"):
        load_feeds_file(tmp_path / "absent.toml")


def test_the_shipped_feeds_file_is_valid_and_covers_the_story() -> None:
    specs = load_feeds_file(default_feeds_file())
    assert len(specs) >= 10
    urls = " ".join(s.url for s in specs)
    for source in (
        "bbc",
        "theguardian",
        "kyivindependent",
        "globaltimes",
        "scmp",
        "news.google.com",
    ):
        assert source in urls


def test_the_poll_report_says_when_the_next_feed_is_due() -> None:
    soon = NOW + timedelta(minutes=4, seconds=10)
    assert format_next_due(soon, NOW) == (
        "Next feed due in 4 min (2023-06-01 00:04:10 UTC); "
        "`talkwatch poll-once --all` polls every feed now."
    )
    assert format_next_due(NOW - timedelta(seconds=1), NOW).startswith("Next feed due now")
    assert format_next_due(None, NOW) == "No feeds are watched."


async def test_workers_starting_together_sync_the_feeds_file_once(database: Database) -> None:
    """Several engines (processes) syncing the same file at once: each feed stored once."""
    specs = [FeedSpec(name=f"f{i}", url=f"https://example.org/{i}.xml") for i in range(40)]
    others = [Database(database.url) for _ in range(3)]
    try:
        await asyncio.gather(*(sync_feeds(db, specs) for db in [database, *others]))
    finally:
        for db in others:
            await db.dispose()
    assert len(await list_feeds(database)) == 40


T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

# What each outcome leaves on the feed row, starting from a row that was polled
# before (etag "old", ttl 600, one error so far, first good poll at T0 - 1 h).
# name: (record, etag, last_modified, ttl, error_count, last_error, first_success)
OUTCOMES = {
    "a 200 replaces the validators and hints": (
        PollRecord(FeedStatus.OK, T0, T0, None, '"new"', "Fri", 60),
        '"new"',
        "Fri",
        60,
        0,
        None,
        T0 - timedelta(hours=1),
    ),
    "a 200 without validators clears them (items left over come next poll)": (
        PollRecord(FeedStatus.OK, T0, T0, None, None, None, None),
        None,
        None,
        None,
        0,
        None,
        T0 - timedelta(hours=1),
    ),
    "a 304 refreshes a validator it sends": (
        PollRecord(FeedStatus.NOT_MODIFIED, T0, T0, None, '"new"', None, None),
        '"new"',
        "Thu",
        600,
        0,
        None,
        T0 - timedelta(hours=1),
    ),
    "a failure counts one more error and keeps the validators": (
        PollRecord(FeedStatus.FAILED, T0, T0, "HTTP 503"),
        '"old"',
        "Thu",
        600,
        2,
        "HTTP 503",
        T0 - timedelta(hours=1),
    ),
}


@pytest.mark.parametrize("case", OUTCOMES, ids=list(OUTCOMES))
async def test_each_outcome_leaves_its_mark_on_the_feed_row(database: Database, case: str) -> None:
    record, etag, modified, ttl, errors, error, first = OUTCOMES[case]
    await sync_feeds(database, [FeedSpec("a", "https://a.example/rss")])
    (feed,) = await list_feeds(database)
    before = PollRecord(FeedStatus.OK, T0 - timedelta(hours=1), T0, None, '"old"', "Thu", 600)
    await record_polls(database, [(feed.id, before)])
    await record_polls(database, [(feed.id, PollRecord(FeedStatus.FAILED, T0, T0, "timeout"))])
    await record_polls(database, [(feed.id, record), (feed.id + 99, record)])  # + a removed feed
    (row,) = await list_feeds(database)
    assert (row.etag, row.last_modified, row.ttl_seconds) == (etag, modified, ttl)
    assert (row.error_count, row.last_error, row.first_success_at) == (errors, error, first)
    assert (row.last_status, row.last_checked_at) == (record.status.value, T0)


async def test_the_first_good_poll_is_marked_once_and_only_when_the_backlog_ends(
    database: Database,
) -> None:
    await sync_feeds(database, [FeedSpec("a", "https://a.example/rss")])
    (feed,) = await list_feeds(database)
    capped = PollRecord(FeedStatus.OK, T0, T0, ends_backlog=False)  # more items left
    await record_polls(database, [(feed.id, capped)])
    assert (await list_feeds(database))[0].first_success_at is None
    for hours in (1, 2):
        later = PollRecord(FeedStatus.NOT_MODIFIED, T0 + timedelta(hours=hours), T0)
        await record_polls(database, [(feed.id, later)])
    assert (await list_feeds(database))[0].first_success_at == T0 + timedelta(hours=1)


def test_written_feeds_read_back_as_given(tmp_path: Path) -> None:
    feeds = [
        ('The "Daily" \\ News', "https://a.example/rss?x=1&y=é"),
        ("Plain", "https://b.example/"),
    ]
    path = tmp_path / "feeds.toml"
    path.write_text(feeds_toml(feeds), encoding="utf-8")
    assert [(spec.name, spec.url) for spec in load_feeds_file(path)] == feeds
