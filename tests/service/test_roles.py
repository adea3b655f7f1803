"""`talkwatch run --roles`: a worker does only what its roles say.

Split roles on one database: a polling worker stores articles and never
assesses them; an assessing and delivering worker alerts on them (dry-run, so
alerts go to its stdout) and never fetches a feed. A wrong role is one line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config.feeds_file import feeds_toml
from bot.replay import ReplayServer, default_stream_dir
from tests.support.cli import talkwatch
from tests.support.service_runs import RunningProcess, wait_for

pytestmark = pytest.mark.slow


def test_an_unknown_role_is_one_line_naming_the_option(tmp_path: Path) -> None:
    result = talkwatch("run", "--roles", "poll,fetch", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "talkwatch: configuration error: --roles: unknown role 'fetch'"
        " (choose from poll, assess, deliver, bot)"
    ]


async def test_split_roles_share_one_database(tmp_path: Path) -> None:
    async with ReplayServer(default_stream_dir()) as feeds:
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text(feeds_toml(feeds.feed_urls))
        settings = {
            "FEEDS_FILE": str(feeds_file),
            "POLL_INTERVAL_SECONDS": "1",
            "TICK_SECONDS": "1",
            "TELEGRAM_CHANNEL": "@split",
            "LOG_FORMAT": "json",
        }
        database_url = f"sqlite:///{tmp_path / 'shared.db'}"
        poller = await RunningProcess.start(
            tmp_path, "--roles", "poll", database_url=database_url, **settings
        )
        alerter = await RunningProcess.start(
            tmp_path, "--roles", "assess,deliver", database_url=database_url, **settings
        )
        try:
            for worker in (poller, alerter):
                await wait_for(worker.healthy, 60, "both workers healthy")
            # A feed's second fetch comes after its first poll was recorded: what is
            # released from then on is news, not the backlog of a feed read for the first time.
            paths = [f"/feeds/{feed.slug}.xml" for feed in feeds.feeds]
            await wait_for(lambda: all(feeds.hits[p] >= 2 for p in paths), 30, "two polls of each")
            feeds.release_next(4)  # a rehash, an unrelated story, two developments
            await wait_for(lambda: _alerts(alerter) >= 2, 60, "two alerts from the alerter")
            await asyncio.sleep(2)
        finally:
            for worker in (poller, alerter):
                await worker.close()
    assert _alerts(alerter) == 2
    assert _alerts(poller) == 0
    assert any('"articles stored"' in line or "new_articles" in line for line in poller.stderr)
    assert not any('"assessed article"' in line for line in poller.stderr)
    assert not any('"feed polled"' in line for line in alerter.stderr)


def _alerts(worker: RunningProcess) -> int:
    return sum("@split" in line for line in worker.stdout)
