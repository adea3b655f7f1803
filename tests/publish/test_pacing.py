"""One send budget per token: evenly spaced slots, and alerts before replies."""

from __future__ import annotations

import asyncio
import time

from bot.publish.pacing import ChatSpacing, Pacer, Priority


async def test_slots_are_spaced_and_alerts_go_before_waiting_replies() -> None:
    pacer = Pacer(rate=100.0)
    order: list[str] = []

    async def take(name: str, priority: Priority) -> None:
        await pacer.wait(priority)
        order.append(name)

    started = time.monotonic()
    replies = [asyncio.create_task(take(f"r{i}", Priority.REPLY)) for i in range(5)]
    await asyncio.sleep(0)  # the replies are queued: r0 went at once, r1 holds the next slot
    alerts = [asyncio.create_task(take(f"a{i}", Priority.ALERT)) for i in range(5)]
    await asyncio.gather(*replies, *alerts)
    # r0 and r1 took the first slots before any alert arrived; then alerts jump the queue.
    assert order == ["r0", "r1", "a0", "a1", "a2", "a3", "a4", "r2", "r3", "r4"]
    assert time.monotonic() - started >= 9 / 100.0  # ten slots, 10 ms apart


async def test_a_cancelled_waiter_does_not_block_the_queue() -> None:
    pacer = Pacer(rate=50.0)
    await pacer.wait()
    stuck = asyncio.create_task(pacer.wait(Priority.ALERT))
    later = asyncio.create_task(pacer.wait(Priority.REPLY))
    await asyncio.sleep(0)
    stuck.cancel()
    await asyncio.wait_for(later, timeout=1)


def test_a_chat_reservation_queues_concurrent_replies() -> None:
    now = [100.0]
    spacing = ChatSpacing(lambda: now[0], private_gap=1.0, group_gap=3.0)
    assert spacing.reserve("42") == 0.0
    assert spacing.reserve("42") == 1.0
    assert spacing.reserve("-1001") == 0.0
    assert spacing.reserve("-1001") == 3.0
