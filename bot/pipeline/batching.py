"""Group commit for the outbox: many small awaited writes become a few big ones.

A fan-out to thousands of chats used to cost two database commits per message
(claim, then record), and those commits, not Telegram, set the pace. Here each
message still waits for its own write to be durable before it goes on, but
writes that arrive close together share one commit:

- `Batcher` collects submissions for at most `linger` seconds (or until
  `max_size` are waiting) and hands them to `flush` as one list. Recording
  what Telegram accepted goes through one: a few milliseconds of linger is
  all the kill -9 window grows by, because the sender waits for the commit.
- `ClaimWindow` is a batcher for claims that keeps at most one and a half
  batches claimed ahead of sending, so claimed rows go out long before their
  lease ends: it asks for the next batch when the current one is half used.

Both are per `Delivery.run_once` call; their background task ends when the
queue is empty, so nothing outlives the work it serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Runs `flush` over what was submitted together; each submitter gets its own result."""

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[Sequence[R]]],
        *,
        max_size: int,
        linger: float = 0.0,
    ) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self._flush = flush
        self._max_size = max_size
        self._linger = linger
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._first_at = 0.0
        self._more = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue `item` and wait until the batch holding it was flushed; its result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        if not self._queue:
            self._first_at = time.monotonic()
        self._queue.append((item, future))
        if len(self._queue) >= self._max_size:
            self._more.set()
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self._queue:
                await self._ready()
                batch, self._queue = self._queue[: self._max_size], self._queue[self._max_size :]
                self._first_at = time.monotonic()
                self._more.clear()
                await self._settle(batch)
        except asyncio.CancelledError:  # shutting down: nobody may wait forever
            for _, future in self._queue:
                future.cancel()
            self._queue = []
            raise

    async def _ready(self) -> None:
        """Wait until a batch should go: full, or the oldest submission has lingered enough."""
        remaining = self._first_at + self._linger - time.monotonic()
        if remaining > 0 and len(self._queue) < self._max_size:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._more.wait(), remaining)

    async def _settle(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
        except BaseException as exc:  # every submitter of the batch sees the failure
            for _, future in batch:
                if future.done():
                    continue
                if isinstance(exc, Exception):
                    future.set_exception(exc)
                else:
                    future.cancel()
            if not isinstance(exc, Exception):
                raise
            return
        for (item, future), result in zip(batch, results, strict=True):
            if not future.done():  # its submitter may have been cancelled meanwhile
                future.set_result(result)
                self._delivered(item, result)

    def _delivered(self, item: T, result: R) -> None:
        """Hook: the result for `item` reached its waiting submitter."""


class ClaimWindow(Batcher[int, datetime | None]):
    """Claims outbox rows in batches, keeping at most 1.5 x `batch` claimed but unsent.

    `claim(ids)` answers, for each id, when this worker's lease on it began, or
    None when another worker has it. Every row handed out must be given back
    with `done(id)` once its request started (or it was dropped), which makes
    room for the next batch; `done` is idempotent, so a `finally` may repeat it.
    """

    def __init__(
        self, claim: Callable[[list[int]], Awaitable[Sequence[datetime | None]]], *, batch: int
    ) -> None:
        super().__init__(claim, max_size=batch)
        self._low_water = batch // 2
        self._ahead: set[int] = set()  # claimed rows whose request has not started
        self._room = asyncio.Event()

    def done(self, item_id: int) -> None:
        """A claimed row left the window: its request started, or it will not be sent."""
        self._ahead.discard(item_id)
        if len(self._ahead) <= self._low_water:
            self._room.set()

    async def _ready(self) -> None:
        # Claim the next batch once half of the current one has gone out.
        while len(self._ahead) > self._low_water:
            self._room.clear()
            await self._room.wait()

    def _delivered(self, item: int, result: datetime | None) -> None:
        if result is not None:
            self._ahead.add(item)
