"""Several delivering processes on one PostgreSQL share one budget per token.

Two real worker processes (tests/support/delivery_worker.py: the real Delivery,
built by `build_delivery`, and a real PTB Bot) drain one outbox into one
channel of the fake Bot API. Each paces itself in-process; only the shared
`send_slots` keep the two of them a channel's gap apart.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_delivery
from bot.observe import Metrics
from bot.pipeline.deliver import DeliveryLimits
from bot.publish.channel import TelegramLink
from bot.publish.pacing import GROUP_GAP_SECONDS
from bot.store import Database
from bot.store.outbox import status_counts
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.records import alert

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = -1001
ALERTS = 4


def start_worker(db: Database, server: FakeBotAPI) -> subprocess.Popen[str]:
    env = {**os.environ, "PTB_TIMEDELTA": "1", "PYTHONPATH": str(ROOT)}
    command = ["-m", "tests.support.delivery_worker", db.url, server.base_url, TOKEN, "28", "60"]
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_the_budget_is_shared_on_postgresql_only(database: Database) -> None:
    """The decision documented on `build_delivery`: SQLite is one process's database."""
    link = TelegramLink.open(TOKEN, "http://127.0.0.1:9/bot", rate=28.0, connections=4)
    build_delivery(database, link, Metrics(), DeliveryLimits())
    assert link.shared is (database.dialect == "postgresql")


@pytest.mark.postgres
async def test_two_delivery_workers_keep_one_channels_gap_between_them(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    await db.migrate()
    try:
        for n in range(ALERTS):
            await alert(db, f"Development {n}", "Officials said so.", channel=str(CHANNEL))
        with FakeBotAPI() as server:
            server.chat(CHANNEL, "channel")
            workers = [start_worker(db, server) for _ in range(2)]
            outputs = [w.communicate(timeout=120) for w in workers]
            calls = [c for c in server.calls if c.method == "sendMessage"]
        assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
        assert await status_counts(db) == {"sent": ALERTS}
    finally:
        await db.dispose()
    sent_by = [int(out.split()[-1]) for out, _ in outputs]
    assert sorted(sent_by) != [0, ALERTS]  # both workers sent: the gaps are between them
    assert [c.status for c in calls] == [200] * ALERTS  # no 429, no flood violation
    times = [c.at for c in calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= GROUP_GAP_SECONDS, gaps
