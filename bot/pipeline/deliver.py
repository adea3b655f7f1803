"""Outbox delivery: send what is owed, record it, edit what grew; never lose or repeat.

The order of operations is what makes restarts safe:

    1. claim    UPDATE status='sending', attempts+1, lease  -> COMMIT
                (one UPDATE for a batch of due rows; only rows it took are sent)
    2. send     one HTTP request per row, paced, at most `concurrency` at once
    3. record   UPDATE status='sent', message_id            -> COMMIT
                (the answers that arrived within a few ms share one commit)

- A crash before 1 commits leaves the rows pending: they are sent after restart.
- A crash between 1 and 2 leaves rows 'sending' with no request made: when the
  lease expires they are due again and sent once. Rows are claimed only a
  little ahead of the pacer (`claim_batch`), and a row whose lease ran half
  out before its turn is not sent by this worker, so a lease never expires
  while its row could still go out here.
- A crash after 3 commits changes nothing: 'sent' rows are never sent again.
- The only unknowable case is a crash while the request of step 2 is in
  flight (or after Telegram answered but before 3 committed). The Bot API
  has no idempotency key and no way to read back a chat, so no design can
  tell these apart. Such a row is resent when its lease expires: a possible
  double of at most `concurrency` messages per crash, never a loss, because
  an alert lost in silence is worse than one shown twice. A sender holds its
  concurrency slot until its record committed, so that bound holds; the
  record waits at most `RECORD_LINGER_SECONDS` for company, so the window
  stays a few milliseconds.

Edits (a development's revision grew: "Also: outlet") are idempotent, so they
need no claim: an edit repeated after a crash answers "not modified".

Pacing: this process's `Pacer` and `ChatSpacing` space its own sends; with
several processes on one token, the Bot's transport also takes each message's
shared slots (bot/publish/pacing.py `SharedBudget`, wired by bot/app.py). That
wait comes after `_send_claimed`'s lease check, so it is capped at a quarter of
the lease (30 s at most; answered as a 429 beyond it): it cannot outlast a lease.

Failure policy: 429 waits `retry_after` (and holds all sending that long, in
every process sharing the token);
5xx, timeouts and network errors retry with exponential backoff up to
`max_attempts`; 400 is logged with the offending text and failed for good;
403 fails every message to that chat and deactivates its subscription; a
migrated group has its subscription and queue moved to the new id.
While paused (/pause) nothing is sent and the outbox keeps filling.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.pipeline.batching import Batcher, ClaimWindow
from bot.publish.channel import Outcome, Publisher, PublishResult
from bot.publish.pacing import (
    GLOBAL_PER_SECOND,
    GROUP_GAP_SECONDS,
    PRIVATE_GAP_SECONDS,
    ChatSpacing,
    Pacer,
)
from bot.publish.render import render_alert
from bot.store import outbox
from bot.store.db import Database
from bot.store.developments import AlertRecord, load_alerts
from bot.store.outbox import Accepted, OutboxItem
from bot.store.state import is_paused
from bot.store.subscriptions import move_subscription, unsubscribe

log = logging.getLogger(__name__)

# How long an accepted send waits for others to share its record's commit. At
# 285 messages/s (benchmarks/fanout.py) it groups about two answers per commit,
# halving the record commits, while adding only this much to the kill -9 window.
RECORD_LINGER_SECONDS = 0.005


@dataclass(frozen=True, slots=True)
class DeliveryLimits:
    global_per_second: float = GLOBAL_PER_SECOND
    concurrency: int = 8  # requests in flight at once (also bounds doubles after a crash)
    lease_seconds: float = 120.0  # longer than any request can take (PTB timeouts are ~5 s)
    max_attempts: int = 8
    batch_size: int = 500  # rows read per look at the outbox
    claim_batch: int = 32  # rows claimed per commit; at most 1.5x this are claimed but unsent
    max_backoff_seconds: float = 600.0
    private_gap_seconds: float = PRIVATE_GAP_SECONDS  # per private chat
    group_gap_seconds: float = GROUP_GAP_SECONDS  # per group or channel


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Delivery:
    """Drains the outbox through a `Publisher`; schedule `run_once` every few seconds."""

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        limits: DeliveryLimits | None = None,
        *,
        clock: Callable[[], datetime] = _utcnow,
        pacer: Pacer | None = None,
        spacing: ChatSpacing | None = None,
        on_sent: Callable[[float], None] | None = None,
        holder: str | None = None,
    ) -> None:
        """`pacer` and `spacing` are the token's, when replies share them (alerts go first);
        `on_sent` hears each new message's seconds from enqueue to Telegram (metrics);
        `holder` is the worker claiming rows, so its death hands them back at once."""
        self._db = db
        self._holder = holder
        self._on_sent = on_sent
        self._publisher = publisher
        self._limits = limits or DeliveryLimits()
        self._clock = clock
        self._pacer = pacer or Pacer(self._limits.global_per_second)
        self._halted = False  # the token was rejected: nothing more can go out
        self._spacing = spacing or ChatSpacing(
            private_gap=self._limits.private_gap_seconds, group_gap=self._limits.group_gap_seconds
        )
        self._slots = asyncio.Semaphore(self._limits.concurrency)
        self._alerts: dict[int, AlertRecord] = {}
        self._texts: dict[int, str] = {}  # rendered once per development and batch, not per chat
        self._requeued = False  # a migrated chat's messages are due again at once
        self._claims = ClaimWindow(self._claim, batch=self._limits.claim_batch)
        self._records: Batcher[Accepted, None] = Batcher(
            self._record, max_size=self._limits.concurrency, linger=RECORD_LINGER_SECONDS
        )

    async def run_once(self) -> int:
        """Send and edit everything due now; return how many messages went out."""
        if self._halted or await is_paused(self._db):
            return 0
        total = 0
        while True:
            items = await outbox.due_work(self._db, self._clock(), self._limits.batch_size)
            if not items:
                return total
            self._alerts = await load_alerts(self._db, sorted({i.development_id for i in items}))
            self._texts = {}
            self._requeued = False
            done = await self._deliver_batch(items)
            total += done
            if (done == 0 and not self._requeued) or await is_paused(self._db):
                return total

    async def _deliver_batch(self, items: list[OutboxItem]) -> int:
        by_chat: dict[str, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_chat[item.chat_id].append(item)
        results = await asyncio.gather(*(self._deliver_chat(q) for q in by_chat.values()))
        return sum(results)

    async def _deliver_chat(self, queue: list[OutboxItem]) -> int:
        """One chat's items in order, spaced by the chat's gap."""
        done = 0
        for item in queue:
            if self._halted:
                break
            delay = self._spacing.delay(item.chat_id)
            if delay > 0:
                await asyncio.sleep(delay)
            done += await (self._edit(item) if item.is_edit else self._send(item))
        return done

    async def _send(self, item: OutboxItem) -> int:
        record = self._alerts.get(item.development_id)
        if record is None:
            return 0
        leased_at = await self._claims.submit(item.id)
        if leased_at is None:
            return 0  # another worker has it
        try:
            async with self._slots:
                await self._pacer.wait()
                self._claims.done(item.id)
                return await self._send_claimed(item, record, leased_at)
        finally:
            self._claims.done(item.id)

    async def _send_claimed(self, item: OutboxItem, record: AlertRecord, leased: datetime) -> int:
        if self._halted:  # the token was rejected while this row waited for its slot
            await outbox.release(self._db, item.id, self._clock(), "not sent: token rejected")
            return 0
        if self._clock() - leased > timedelta(seconds=self._limits.lease_seconds / 2):
            # Held up too long (a 429 hold): another worker may take it when the lease
            # ends. Unsent, it is simply due again then; sending now could double it.
            log.warning("outbox row %s waited half its lease; leaving it for later", item.id)
            return 0
        if item.status == outbox.SENDING:
            log.warning("resending outbox row %s: its earlier attempt's fate is unknown", item.id)
        text = self._text(record)
        result = await self._publisher.send(item.chat_id, text)
        self._spacing.sent(item.chat_id)
        if result.outcome is Outcome.SENT:
            await self._records.submit(Accepted(item.id, record.revision, result.message_id))
            self._sent(item, result.message_id)
            return 1
        await self._send_failed(item, result, text)
        return 0

    def _sent(self, item: OutboxItem, message_id: int | None) -> None:
        """Log the delivery (channels at INFO, private chats at DEBUG) and time it."""
        level = logging.DEBUG if item.chat_id.isdigit() else logging.INFO
        log.log(
            level,
            "alert delivered",
            extra={
                "development_id": item.development_id,
                "chat": item.chat_id,
                "message_id": message_id,
            },
        )
        if self._on_sent is not None and item.created_at is not None:
            self._on_sent((self._clock() - item.created_at).total_seconds())

    async def _edit(self, item: OutboxItem) -> int:
        record = self._alerts.get(item.development_id)
        if record is None or item.message_id is None:
            return 0
        text = self._text(record)
        if text == _text_at(record, item.sent_revision):
            # A copy from an outlet already listed: the revision grew, the message did not.
            await self._records.submit(Accepted(item.id, record.revision))
            return 0
        async with self._slots:
            await self._pacer.wait()
            if self._halted:
                return 0
            result = await self._publisher.edit(item.chat_id, item.message_id, text)
            self._spacing.sent(item.chat_id)
            if result.outcome in (Outcome.SENT, Outcome.NOT_MODIFIED):
                await self._records.submit(Accepted(item.id, record.revision))
                return 1 if result.outcome is Outcome.SENT else 0
        if result.outcome in (Outcome.RETRY_AFTER, Outcome.TRANSIENT, Outcome.UNAUTHORIZED):
            self._halted = self._halted or result.outcome is Outcome.UNAUTHORIZED
            await outbox.release(self._db, item.id, self._retry_at(item, result), result.error)
            return 0
        # The message was deleted, is too old, or the chat is gone: stop trying to edit it.
        log.warning("cannot edit message %s in %s: %s", item.message_id, item.chat_id, result.error)
        await outbox.mark_edited(self._db, item.id, record.revision, error=result.error)
        return 0

    def _text(self, record: AlertRecord) -> str:
        text = self._texts.get(record.alert.development_id)
        if text is None:
            text = self._texts[record.alert.development_id] = render_alert(record.alert)
        return text

    async def _claim(self, item_ids: list[int]) -> list[datetime | None]:
        """Claim a batch; each row's lease start, or None where another worker has it."""
        now = self._clock()
        lease = timedelta(seconds=self._limits.lease_seconds)
        taken = await outbox.claim_many(self._db, item_ids, now, lease, self._holder)
        return [now if i in taken else None for i in item_ids]

    async def _record(self, accepted: list[Accepted]) -> list[None]:
        await outbox.record_accepted(self._db, accepted, now=self._clock())
        return [None] * len(accepted)

    async def _send_failed(self, item: OutboxItem, result: PublishResult, text: str) -> None:
        outcome = result.outcome
        if outcome is Outcome.UNAUTHORIZED:
            # Not the message's fault: keep it for a process with a valid token.
            self._halted = True
            await outbox.release(self._db, item.id, self._clock(), result.error)
        elif outcome is Outcome.REJECTED:
            log.error(
                "Telegram rejected outbox row %s (%s); text was:\n%s", item.id, result.error, text
            )
            await outbox.mark_failed(self._db, item.id, result.error)
        elif outcome is Outcome.BLOCKED:
            log.info("chat %s blocked the bot; deactivating it", item.chat_id)
            await outbox.fail_chat(self._db, item.chat_id, result.error)
            if item.chat_id.lstrip("-").isdigit():
                await unsubscribe(self._db, int(item.chat_id), reason="blocked the bot (403)")
        elif outcome is Outcome.MIGRATED and result.migrate_to:
            await self._migrate(item, result.migrate_to)
        elif item.attempts + 1 >= self._limits.max_attempts:
            log.error(
                "giving up on outbox row %s after %s attempts: %s",
                item.id,
                item.attempts + 1,
                result.error,
            )
            await outbox.mark_failed(self._db, item.id, result.error)
        else:
            await outbox.release(self._db, item.id, self._retry_at(item, result), result.error)

    async def _migrate(self, item: OutboxItem, new_chat_id: str) -> None:
        log.info("chat %s migrated to %s; moving its subscription", item.chat_id, new_chat_id)
        if item.chat_id.lstrip("-").isdigit() and new_chat_id.lstrip("-").isdigit():
            await move_subscription(self._db, int(item.chat_id), int(new_chat_id))
        await outbox.move_chat(self._db, item.chat_id, new_chat_id, now=self._clock())
        self._requeued = True

    def _retry_at(self, item: OutboxItem, result: PublishResult) -> datetime:
        """When to try again: Telegram's retry_after, else exponential backoff with jitter."""
        if result.outcome is Outcome.RETRY_AFTER and result.retry_after is not None:
            self._pacer.hold(result.retry_after)
            return self._clock() + timedelta(seconds=result.retry_after)
        backoff = min(self._limits.max_backoff_seconds, 2.0 ** max(item.attempts, 0))
        return self._clock() + timedelta(seconds=backoff * random.uniform(0.8, 1.2))


def _text_at(record: AlertRecord, revision: int) -> str:
    """The message as it was rendered at `revision`: revision n lists the first n sources.

    (A development starts at revision 1 with its first source, and each source
    that joins adds one: bot/store/developments.py.)
    """
    shown = replace(record.alert, sources=record.alert.sources[: max(revision, 0)])
    return render_alert(shown)
