"""Send pacing that keeps Telegram's flood limits from ever being hit.

Telegram's published limits: about 30 messages per second overall, one per
second in a chat, 20 per minute in a group or channel. `Pacer` spaces sends
evenly (no bursts, so no one-second window ever holds more than the rate);
`ChatSpacing` keeps the per-chat gaps. Both are in-process: run one delivery
worker per bot token, or give each worker a share of the rate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Telegram's published limits (Bot API FAQ), with a little headroom.
GLOBAL_PER_SECOND = 25.0  # of ~30/s, leaving room for command answers
PRIVATE_GAP_SECONDS = 1.0  # one message per second in a private chat
GROUP_GAP_SECONDS = 3.0  # 20 per minute in a group or channel


class Pacer:
    """Hands out evenly spaced send slots at `rate` per second; can be held after a 429."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return at this caller's slot; slots are never closer than 1/rate apart."""
        async with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)

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

    def sent(self, chat_id: str) -> None:
        self._next[chat_id] = self._clock() + chat_gap(chat_id, *self._gaps)
        if len(self._next) > 100_000:  # forget chats whose gap has long passed
            now = self._clock()
            self._next = {c: t for c, t in self._next.items() if t > now}
