"""kill -9 in the middle of a burst, then a restart: nothing lost, nothing repeated.

A real worker process (tests/support/delivery_worker.py) drains the outbox through the
real Delivery and PTB Bot; the fake server holds sends at a chosen point so the
kill lands mid-burst with requests in flight, deterministically.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store import Database
from bot.store.outbox import status_counts
from bot.store.subscriptions import subscribe
from tests.support.delivery_worker import CONCURRENCY
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.records import alert
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = range(5000, 5060)
# Short, so the restarted worker finds the killed one's rows due soon; long enough that
# a row's time from claim to send stays under half of it on a loaded machine, now that
# a send on PostgreSQL also reserves its shared slots (bot/publish/pacing.py).
LEASE = "3.0"


def start_worker(db: Database, server: FakeBotAPI) -> subprocess.Popen[str]:
    env = {**os.environ, "PTB_TIMEDELTA": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.delivery_worker",
            db.url,
            server.base_url,
            TOKEN,
            "200",
            LEASE,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def seed(db: Database, server: FakeBotAPI) -> None:
    for chat_id in SUBSCRIBERS:
        server.chat(chat_id)
        await subscribe(db, chat_id)
    await alert(db, "Crash course", "Sixty subscribers are owed this.", channel=None)


async def crash_mid_burst(db: Database, server: FakeBotAPI, *, after: int) -> None:
    """Run a worker until `after` messages went out and more are in flight, then SIGKILL it."""
    server.hold_sends_after = after
    worker = start_worker(db, server)
    try:
        await wait_until(lambda: len(server.sent()) >= after, within=20)
        if server.hold_mode == "before":  # every answered send is recorded before the kill
            await sent_rows(db, after)
        await asyncio.sleep(0.3)  # let more requests pile up at the hold
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    server.release_sends()


async def sent_rows(db: Database, n: int) -> None:
    deadline = time.monotonic() + 10
    while (await status_counts(db)).get("sent", 0) < n:
        assert time.monotonic() < deadline, "the worker never recorded its sends"
        await asyncio.sleep(0.05)


async def finish(db: Database, server: FakeBotAPI) -> None:
    worker = start_worker(db, server)
    _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err


@pytest.fixture
def server() -> FakeBotAPI:
    with FakeBotAPI(global_per_second=250) as api:
        yield api  # type: ignore[misc]


async def test_kill_9_mid_burst_then_restart_delivers_each_message_exactly_once(
    database: Database, server: FakeBotAPI
) -> None:
    await seed(database, server)
    await crash_mid_burst(database, server, after=20)
    counts = await status_counts(database)
    assert counts.get("sent") == 20  # killed mid-burst
    assert counts.get("sending", 0) >= 1
    await finish(database, server)
    assert [len(server.sent(c)) for c in SUBSCRIBERS] == [1] * len(SUBSCRIBERS)
    assert await status_counts(database) == {"sent": len(SUBSCRIBERS)}
    assert server.count("sendMessage", 429) == 0


async def test_a_send_in_flight_at_the_crash_is_repeated_rather_than_lost(
    database: Database, server: FakeBotAPI
) -> None:
    """The documented window: Telegram delivered, the answer never came back (see delivery.py)."""
    await seed(database, server)
    server.hold_mode = "after"
    await crash_mid_burst(database, server, after=20)
    await finish(database, server)
    per_chat = [len(server.sent(c)) for c in SUBSCRIBERS]
    assert min(per_chat) == 1  # nothing lost
    assert 1 <= per_chat.count(2) <= CONCURRENCY  # doubles bounded by concurrency
    assert max(per_chat) == 2
