"""A delivery worker process, for crash tests and the fan-out benchmark.

    python -m tests.support.delivery_worker DB_URL BASE_URL TOKEN RATE LEASE

Drains the outbox through the real Delivery and a real PTB Bot, then exits;
tests kill it with SIGKILL mid-burst and start another to finish the job.
It builds only the delivery role, with the builders `talkwatch run` uses.
"""

from __future__ import annotations

import asyncio
import sys

from telegram import Bot

from bot.app import build_delivery
from bot.observe import Metrics, configure_logging
from bot.pipeline.deliver import DeliveryLimits
from bot.publish.channel import TelegramLink, TokenGuard, build_bot
from bot.store import Database
from bot.store.outbox import status_counts

# Requests in flight at once: the bound on doubles after a kill -9. Eight keep
# up with the fan-out benchmark's 285 messages/s now that commits are batched.
CONCURRENCY = 8


def make_bot(base_url: str, token: str) -> Bot:
    """The Bot `talkwatch run` builds (bot/publish/channel.py), pooled for this concurrency."""
    return build_bot(token, base_url, TokenGuard(), connections=CONCURRENCY + 2)


async def drain(db_url: str, base_url: str, token: str, rate: float, lease: float) -> int:
    db = Database(db_url)
    limits = DeliveryLimits(global_per_second=rate, lease_seconds=lease, concurrency=CONCURRENCY)
    link = TelegramLink.open(token, base_url, rate=rate, connections=CONCURRENCY + 2)
    await link.start()
    delivery = build_delivery(db, link, Metrics(), limits)
    sent = 0
    while True:
        sent += await delivery.run_once()
        counts = await status_counts(db)
        if not counts.get("pending") and not counts.get("sending"):
            break
        await asyncio.sleep(0.1)
    await link.close()
    await db.dispose()
    return sent


def main() -> None:
    db_url, base_url, token, rate, lease = sys.argv[1:6]
    configure_logging("WARNING", "text", [token])  # start-up, as in `talkwatch run`
    sent = asyncio.run(drain(db_url, base_url, token, float(rate), float(lease)))
    print(f"sent {sent}", flush=True)


if __name__ == "__main__":
    main()
