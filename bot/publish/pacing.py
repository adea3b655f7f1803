"""Send pacing that keeps Telegram's flood limits from ever being hit.

Telegram's published limits: about 30 messages per second overall, one per
second in a chat, 20 per minute in a group or channel. `Pacer` spaces sends
evenly (no bursts, so no one-second window ever holds more than the rate);
`ChatSpacing` keeps the per-chat gaps. Both are in-process: run one delivery
worker per bot token, or give each worker a share of the rate.

One `Pacer` is the whole budget of a token: alerts and command replies draw
from it, and when both wait, the next slot goes to an alert (`Priority`).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from enum import IntEnum

# Telegram's published limits (Bot API FAQ), with a little headroom.
GLOBAL_PER_SECOND = 28.0  # of ~30/s, for alerts and command answers together
PRIVATE_GAP_SECONDS = 1.0  # one message per second in a private chat
GROUP_GAP_SECONDS = 3.0  # 20 per minute in a group or channel


class Priority(IntEnum):
    """Who gets the next slot when several wait: lower first."""

    ALERT = 0
    REPLY = 1


class Pacer:
    """Hands out evenly spaced send slots at `rate` per second; can be held after a 429.

    Waiters queue by priority, then arrival: a reply waiting behind alerts
    waits for them all; an alert waits at most for the slot already taken.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._busy = False  # someone holds the turn (takes its slot, sleeps until it)
        self._queue: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def wait(self, priority: Priority = Priority.ALERT) -> None:
        """Return at this caller's slot; slots are never closer than 1/rate apart."""
        await self._take_turn(priority)
        try:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)
        finally:
            self._pass_turn()

    async def _take_turn(self, priority: Priority) -> None:
        if not self._busy:
            self._busy = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queue, (int(priority), next(self._arrivals), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed the turn, then cancelled
                self._pass_turn()
            raise

    def _pass_turn(self) -> None:
        """Hand the turn to the first waiter still waiting (by priority, then arrival)."""
        while self._queue:
            _, _, turn = heapq.heappop(self._queue)
            if not turn.done():  # (a cancelled waiter's future is done)
                turn.set_result(None)
                return
        self._busy = False

    def hold(self, seconds: float) -> None:
        """Telegram asked us to back off: no slot before `seconds` from now."""
        self._next = max(self._next, self._clock() + seconds)


def chat_gap(
    chat_id: str, private: float = PRIVATE_GAP_SECONDS, group: float = GROUP_GAP_SECONDS
) -> float:
    """Minimum seconds between two messages to one chat: groups and channels are stricter."""
    return private if chat_id.isdigit() else group


class ChatSpacing:
    """Per-chat minimum gaps between messages."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        private_gap: float = PRIVATE_GAP_SECONDS,
        group_gap: float = GROUP_GAP_SECONDS,
    ) -> None:
        self._clock = clock
        self._gaps = (private_gap, group_gap)
        self._next: dict[str, float] = {}

    def delay(self, chat_id: str) -> float:
        """Seconds until this chat may receive its next message."""
        return max(0.0, self._next.get(chat_id, 0.0) - self._clock())

    def reserve(self, chat_id: str) -> float:
        """Take this chat's next slot now; the seconds to wait for it (concurrent callers queue)."""
        now = self._clock()
        slot = max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = slot + chat_gap(chat_id, *self._gaps)
        return slot - now

    def sent(self, chat_id: str) -> None:
        self._next[chat_id] = self._clock() + chat_gap(chat_id, *self._gaps)
        if len(self._next) > 100_000:  # forget chats whose gap has long passed
            now = self._clock()
            self._next = {c: t for c, t in self._next.items() if t > now}
