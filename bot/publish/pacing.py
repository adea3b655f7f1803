"""Send pacing that keeps Telegram's flood limits from ever being hit.

Telegram's published limits: about 30 messages per second overall, one per
second in a chat, 20 per minute in a group or channel. `Pacer` spaces sends
evenly (no bursts, so no one-second window ever holds more than the rate);
`ChatSpacing` keeps the per-chat gaps. Both are in-process.

One `Pacer` is the whole budget of a token in a process: alerts and command
replies draw from it, and when both wait, the next slot goes to an alert
(`Priority`).

Several processes sending with one token share the budget through
`SharedBudget`, underneath: every message, whoever sends it, also takes its
chat's slot and the token's slot from a `SlotBook` that all processes see (the
database's `send_slots`, bot/store/send_slots.py). The in-process pacers keep
deciding order and priority within a process; the shared book only spaces what
the processes send together. A 429 holds the token in the book, so every
process backs off.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Protocol

log = logging.getLogger(__name__)

# Telegram's published limits (Bot API FAQ), with a little headroom.
GLOBAL_PER_SECOND = 28.0  # of ~30/s, for alerts and command answers together
PRIVATE_GAP_SECONDS = 1.0  # one message per second in a private chat
GROUP_GAP_SECONDS = 3.0  # 20 per minute in a group or channel

# Added to a chat's gap in the shared budget: two processes' messages leave their
# slots a few milliseconds late each (the token's reservation, the request itself),
# and not equally late; this keeps their arrivals a whole gap apart all the same.
SHARED_GAP_MARGIN_SECONDS = 0.1
# The longest a message waits for its shared slots before the sender is told to come
# back later instead (as if Telegram had answered 429). Well under half the delivery
# lease (120 s): a claimed row spends this wait after its lease check (bot/app.py
# lowers it to a quarter of a shorter lease).
MAX_SHARED_WAIT_SECONDS = 30.0
# A reservation that takes longer than this is given up: the message goes on the
# in-process pacing alone (see `SharedBudget`). A healthy one takes about a millisecond.
RESERVE_TIMEOUT_SECONDS = 2.0


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
        self.interval = 1.0 / rate
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
            self._next = slot + self.interval
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

    def gap(self, chat_id: str) -> float:
        """Minimum seconds between two messages to this chat."""
        return chat_gap(chat_id, *self._gaps)

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


class Reservation(Protocol):
    """A `SlotBook`'s answer: the slot's time (epoch seconds), and whether it was taken."""

    @property
    def at(self) -> float: ...

    @property
    def reserved(self) -> bool: ...


class SlotBook(Protocol):
    """Send slots every process of a token sees (bot/store/send_slots.py implements it)."""

    async def reserve(
        self, wanted: Sequence[tuple[str, float]], *, now: float, within: float
    ) -> Sequence[Reservation]:
        """For each (key, gap): take the key's next slot (at least `gap` after the one
        before) if it is at most `within` seconds after `now`, else take nothing and
        answer when it would be; one atomic statement, answers in the order asked."""
        ...

    async def hold(self, key: str, until: float) -> None:
        """No slot of `key` before `until`."""
        ...


def token_digest(token: str) -> str:
    """What names a token in shared keys: never the token itself (secrets stay out of
    the database and the logs), a digest that tells tokens apart."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class SharedBudget:
    """The cross-process half of a token's budget: its chat's slot and the token's slot.

    Both are taken in one statement, and when the chat is free by the token's slot
    (the usual case) the message goes at that slot, with nothing more between the
    reservation and the request. When the chat is busy (another process's message
    to it is due first), the token's slot just taken would be used late, crowding
    the second the message lands in, so it is left unused (a slot wasted costs
    1/28 s) and the token's slot is taken again once the chat's slot has come.
    A refusal (the token is held after a 429, or the chat's queue across processes
    is longer than `max_wait`) takes nothing more and tells the sender when to
    come back.

    The database failing (or answering slower than `RESERVE_TIMEOUT_SECONDS`) must
    neither lose nor double a message, so it fails open: the message goes at the
    slot this process's own `Pacer` and `ChatSpacing` already gave it, with one
    warning until the book answers again. Refusing instead would drop command
    replies and spend delivery attempts (a row fails for good after
    `max_attempts`) on a fault that is not the message's; going ahead risks, at
    worst, a 429 while several processes send at once, which every sender honours.
    """

    def __init__(
        self,
        book: SlotBook,
        token: str,
        *,
        interval: float,
        chat_gap: Callable[[str], float],
        clock: Callable[[], float] = time.time,
        max_wait: float = MAX_SHARED_WAIT_SECONDS,
    ) -> None:
        self._book = book
        self._prefix = token_digest(token)
        self._interval = interval
        self._chat_gap = chat_gap
        self._clock = clock  # epoch seconds: the slots are compared across processes
        self._max_wait = max_wait
        self._failing = False

    def key(self, chat_id: str | None = None) -> str:
        """The token's overall key, or one chat's."""
        return f"{self._prefix}:global" if chat_id is None else f"{self._prefix}:chat:{chat_id}"

    async def admit(self, chat_id: str) -> float:
        """Wait for this message's shared slots: 0 when it may go now, else the seconds
        after which to try again (nothing more was taken; the sender must not send).

        The waits together stay within `max_wait` (plus the reservations' own time):
        a delivery has checked its row's lease before this wait begins.
        """
        started = self._clock()
        chat_gap = self._chat_gap(chat_id) + SHARED_GAP_MARGIN_SECONDS
        both = await self._reserve([(self.key(chat_id), chat_gap), (self.key(), self._interval)])
        if both is None:
            return 0.0
        (chat, chat_wait), (token, token_wait) = both
        if not chat.reserved:
            return max(chat_wait, chat_gap)
        if not token.reserved:
            return max(token_wait, self._interval)
        if chat.at <= token.at + self._interval:  # the chat is free by the token's slot
            await _sleep(max(chat_wait, token_wait))
            return 0.0
        await _sleep(chat_wait)  # the chat is busy: the token's slot goes unused
        within = max(0.0, self._max_wait - (self._clock() - started))
        again = await self._reserve([(self.key(), self._interval)], within)
        if again is None:
            return 0.0
        ((token, token_wait),) = again
        if not token.reserved:
            return max(token_wait, self._interval)
        await _sleep(token_wait)
        return 0.0

    async def hold(self, seconds: float) -> None:
        """Telegram answered 429: no process sends with this token for `seconds`."""
        try:
            async with asyncio.timeout(RESERVE_TIMEOUT_SECONDS):
                await self._book.hold(self.key(), self._clock() + seconds)
        except Exception as exc:  # any fault of the shared half falls back
            self._failed(exc)
        else:
            self._recovered()

    async def _reserve(
        self, wanted: list[tuple[str, float]], within: float | None = None
    ) -> list[tuple[Reservation, float]] | None:
        """Each reservation with the seconds until its slot; None when the book fails
        (the in-process pacing alone decides, see the class)."""
        now = self._clock()
        within = self._max_wait if within is None else within
        try:
            async with asyncio.timeout(RESERVE_TIMEOUT_SECONDS):
                slots = await self._book.reserve(wanted, now=now, within=within)
        except Exception as exc:  # any fault of the shared half falls back
            self._failed(exc)
            return None
        self._recovered()
        after = self._clock()
        return [(slot, slot.at - (after if slot.reserved else now)) for slot in slots]

    def _failed(self, exc: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning(
                "shared send budget unavailable (%s); pacing this process alone until it answers",
                type(exc).__name__,
            )

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.info("shared send budget answers again")


async def _sleep(seconds: float) -> None:
    if seconds > 0:
        await asyncio.sleep(seconds)
