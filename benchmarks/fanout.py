"""Fan-out benchmark: one alert to N subscribers against the fake Bot API.

    python benchmarks/fanout.py [--subscribers 5000] [--cap 300] [--database-url URL]

The fake server enforces a global cap (messages/s, 429 beyond it). A real
delivery worker process (tests/support/delivery_worker.py, real PTB Bot) paces at
95% of the cap; it is killed with SIGKILL at a random moment mid-fan-out and
restarted. Reports achieved rate / cap over the time the workers were
sending, 429s received, and messages lost or duplicated per subscriber.
Targets: rate_ratio >= 0.9, http_429 = 0, lost = 0.

`duplicated` cannot be held at 0 by any design: a request in flight at the
kill may have reached Telegram, and the Bot API has no idempotency key, so
such a row is sent again after the restart (see bot/publish/delivery.py).
The bound is the worker's concurrency (requests in flight at once); the
line before RESULT prints it, and how many rows the kill actually left
accepted-but-unrecorded, which is what the duplicates should equal.

For PostgreSQL pass `--database-url` naming an empty scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bot.store import Database  # noqa: E402
from bot.store.models import OutboxRow, SubscriptionRow  # noqa: E402
from tests.support.delivery_worker import CONCURRENCY  # noqa: E402
from tests.support.fake_bot_api import TOKEN, FakeBotAPI  # noqa: E402
from tests.support.records import alert  # noqa: E402

FIRST_CHAT = 10_000_000


async def seed(db: Database, server: FakeBotAPI, n: int) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "chat_id": FIRST_CHAT + i,
            "chat_type": "private",
            "keywords": "",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    async with db.session() as session:
        await session.execute(insert(SubscriptionRow), rows)
    for i in range(n):
        server.chat(FIRST_CHAT + i)
    await alert(db, "Fan-out", "One alert for every subscriber.", channel=None)


def worker(db_url: str, server: FakeBotAPI, rate: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PTB_TIMEDELTA": "1", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "tests.support.delivery_worker",
        db_url,
        server.base_url,
        TOKEN,
        str(rate),
        "2.0",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


async def unrecorded_at_kill(db: Database, server: FakeBotAPI) -> tuple[int, int]:
    """Rows the killed worker had claimed: (accepted by Telegram but unrecorded, never sent)."""
    async with db.session() as session:
        chats = list(
            await session.scalars(select(OutboxRow.chat_id).where(OutboxRow.status == "sending"))
        )
    accepted = sum(1 for c in chats if server.chats[int(c)].messages)
    return accepted, len(chats) - accepted


def sending_span(server: FakeBotAPI, start: float, end: float) -> tuple[int, float]:
    """Accepted sends between two moments, and the time from the first to the last of them."""
    times = [
        c.at
        for c in server.calls
        if c.method == "sendMessage" and c.status == 200 and start <= c.at <= end
    ]
    return len(times), (times[-1] - times[0]) if len(times) > 1 else 0.0


async def run(subscribers: int, cap: int, db_url: str) -> str:
    db = Database(db_url)
    await db.migrate()
    with FakeBotAPI(global_per_second=cap, private_per_second=1) as server:
        await seed(db, server, subscribers)
        rate = cap * 0.95
        expected = subscribers / rate
        t0 = time.monotonic()
        first = worker(db.url, server, rate)
        kill_at = random.uniform(0.3, 0.7) * expected
        await asyncio.sleep(kill_at)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        t1 = time.monotonic()
        print(f"killed the worker after {kill_at:.1f}s with {len(server.sent())} messages sent")
        accepted, unsent = await unrecorded_at_kill(db, server)
        second = worker(db.url, server, rate)
        _, err = second.communicate(timeout=expected * 3 + 60)
        t2 = time.monotonic()
        if second.returncode != 0:
            raise SystemExit(f"restarted worker failed:\n{err}")
        n1, d1 = sending_span(server, t0, t1)
        n2, d2 = sending_span(server, t1, t2)
        achieved = (n1 + n2) / (d1 + d2) if d1 + d2 else 0.0
        per_chat = [len(server.chats[FIRST_CHAT + i].messages) for i in range(subscribers)]
        lost = per_chat.count(0)
        duplicated = sum(n - 1 for n in per_chat if n > 1)
        http_429 = server.count("sendMessage", 429)
    await db.dispose()
    print(
        f"subscribers={subscribers} cap={cap}/s paced_at={rate:.0f}/s "
        f"achieved={achieved:.1f}/s (first run {n1} in {d1:.1f}s, restart {n2} in {d2:.1f}s)"
    )
    print(
        f"duplicated={duplicated} bound={CONCURRENCY} (requests in flight at once; the kill left "
        f"{accepted} rows accepted by Telegram but unrecorded, {unsent} claimed but unsent)"
    )
    return (
        f"RESULT rate_ratio={achieved / cap:.3f} http_429={http_429} "
        f"lost={lost} duplicated={duplicated}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--cap", type=int, default=300, help="the fake server's global messages/s")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/fanout.db"
        print(asyncio.run(run(args.subscribers, args.cap, url)))


if __name__ == "__main__":
    main()
