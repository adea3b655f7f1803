"""The ingestion pipeline: due feeds -> fetch -> parse -> keep unseen -> full text -> store.

Each due feed is polled by its own task under its own deadline, and stores
its articles and its outcome as soon as it is done: no feed waits for
another, and nothing is held until the end of a cycle. A `Poller` cycle starts
the due feeds that are not already in flight, waits at most `wait` seconds
(the service returns within half a tick; `poll-once` waits for all), and
reports the feeds that finished. A feed still fetching (a trickling server, a
huge document) simply finishes later, in the background, and is not started
twice. A poll stores at most `item_cap` new items; the rest come next tick.

Policy lives elsewhere: when to poll next in `ingest.schedule`, what counts as
seen in `store.articles`, how items are named in `ingest.identity`, which
addresses may be fetched in `ingest.addresses`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from bot.domain import FeedOutcome, FeedStatus, ParsedItem, PollReport
from bot.errors import FetchError
from bot.ingest.fetch import Fetcher, FetchResult
from bot.ingest.identity import StoredPrints, is_web_url, mask_url
from bot.ingest.lifeline import die_with_parent
from bot.ingest.parse import NotAFeed, ParsedFeed, parse_feed
from bot.ingest.schedule import base_interval, hint_seconds, next_check_at, next_success_at
from bot.pipeline.coordination import new_worker_id
from bot.pipeline.fulltext import PageReader
from bot.store.articles import NewArticle, store_articles, unseen
from bot.store.db import Database
from bot.store.feeds import FeedState, claim_due_feeds, list_feeds, record_polls
from bot.store.feeds import PollRecord as Record

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_POLL_INTERVAL = 300
DEFAULT_HINT_MAX = 900
# New items stored per poll of one feed: a 100,000-item document is drained over
# many ticks instead of freezing the poller (news feeds carry 10-100 items).
MAX_ITEMS_PER_POLL = 500
PARSE_THREADS = 2
# Due feeds are claimed CLAIM_BATCH_OF x concurrency at a time, again once fewer than
# CLAIM_REFILL_AT x concurrency are in hand: a claim query per batch, not per feed.
CLAIM_BATCH_OF = 4
CLAIM_REFILL_AT = 2
# Fetch, parse and pages of one feed together; the fetch itself has a tighter deadline.
FEED_DEADLINE_SECONDS = 180.0


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """The operator's polling settings, as plain values."""

    default_interval: int = DEFAULT_POLL_INTERVAL
    hint_max: int = DEFAULT_HINT_MAX
    concurrency: int = 16
    item_cap: int = MAX_ITEMS_PER_POLL
    feed_deadline: float = FEED_DEADLINE_SECONDS


class Poller:
    """Polls feeds, each in its own task; one instance per process."""

    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        policy: PollPolicy | None = None,
        *,
        parser: Executor | None = None,
        holder: str | None = None,
        claim_seconds: float | None = None,
        alive_within: float | None = None,
    ) -> None:
        self.db, self.fetcher = db, fetcher
        # Who claims the due feeds, and for how long: a worker's heartbeat renews its
        # claims (bot/pipeline/coordination.py); a one-shot poll claims for a whole poll.
        self.holder = holder or new_worker_id()
        self.claim_seconds = claim_seconds or FEED_DEADLINE_SECONDS + 30
        # A registered worker's claims stand while its heartbeat is this fresh.
        self.alive_within = alive_within
        self._pump: asyncio.Task[None] | None = None
        self._now: datetime | None = None
        self._exhausted = False
        # Without a process pool, two parse threads: more would only fight the event
        # loop for the GIL and hold more documents in memory at once.
        self._own_parser: ThreadPoolExecutor | None = None
        if parser is None:
            parser = self._own_parser = ThreadPoolExecutor(PARSE_THREADS, "parse")
        self.parser = parser
        self.policy = policy or PollPolicy()
        self.tasks: dict[int, asyncio.Task[FeedOutcome]] = {}
        self.feed_gate = asyncio.Semaphore(self.policy.concurrency)
        self.write_lock = asyncio.Lock()  # one writer at a time: SQLite has one anyway
        self.unrecorded: list[tuple[int, Record]] = []
        # Per feed, which entries of its last document are stored (this process's
        # memory only: a restart or another worker just converts them once more).
        self.stored: dict[int, StoredPrints] = {}
        self.pages = PageReader(fetcher, self.cpu, self.policy.concurrency)

    async def cycle(
        self, now: datetime | None = None, *, everything: bool = False, wait: float | None = None
    ) -> PollReport:
        """Start the due feeds (every feed with `everything`); report those finished by `wait`.

        Due feeds are claimed in batches as slots free up (`_run_pump`), not all
        at once: a worker holds only what it is about to poll, and other workers
        claim the rest. Without `wait`, the cycle returns when nothing due is left.
        """
        now = now or datetime.now(UTC)
        outcomes = self._collect()
        if not self.tasks:
            self.pages.forget()
        waiting: list[asyncio.Task[Any]]
        if everything:
            for feed in await list_feeds(self.db):
                self._start(feed, now)
            waiting = list(self.tasks.values())
        else:
            waiting = [await self._pumping(now)]
        if any(not task.done() for task in waiting):
            await asyncio.wait(waiting, timeout=wait)
        outcomes += self._collect()
        if any(o.status is FeedStatus.OK for o in outcomes):
            give_back_memory()
        return PollReport(tuple(outcomes))

    async def _pumping(self, now: datetime) -> asyncio.Task[None]:
        """The pump claiming feeds due at `now`: started here, or told the new time."""
        self._now, self._exhausted = now, False
        await self._fill()  # the first batch starts before the cycle waits
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run_pump())
        return self._pump

    async def _run_pump(self) -> None:
        """Keep the feed slots busy: claim more due feeds whenever enough have finished."""
        try:
            while True:
                await self._fill()
                running = [task for task in self.tasks.values() if not task.done()]
                if not running:
                    return
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        except Exception as exc:  # the database, most likely; the next cycle starts a new pump
            log.warning("claiming due feeds failed: %s", str(exc).splitlines()[0][:200])

    async def _fill(self) -> None:
        """Claim a batch of due feeds once fewer than two slots' worth are in hand."""
        running = sum(not task.done() for task in self.tasks.values())
        concurrency = self.policy.concurrency
        if self._exhausted or self._now is None or running >= CLAIM_REFILL_AT * concurrency:
            return
        room = CLAIM_BATCH_OF * concurrency - running
        claimed = await claim_due_feeds(
            self.db,
            self._now,
            self.holder,
            ttl=self.claim_seconds,
            limit=room,
            alive_within=self.alive_within,
        )
        self._exhausted = len(claimed) < room
        for feed in claimed:
            self._start(feed, self._now)

    def _start(self, feed: FeedState, now: datetime) -> None:
        if feed.id not in self.tasks:
            self.tasks[feed.id] = asyncio.create_task(self._guarded(feed, now))

    def _collect(self) -> list[FeedOutcome]:
        done = [feed_id for feed_id, task in self.tasks.items() if task.done()]
        return [self.tasks.pop(feed_id).result() for feed_id in done]

    async def aclose(self) -> None:
        """Cancel the feeds still in flight (at shutdown)."""
        pending = [task for task in self.tasks.values() if not task.done()]
        if pending:
            log.warning("cancelled feeds still in flight", extra={"count": len(pending)})
        pump = [self._pump] if self._pump is not None else []
        for task in [*pending, *pump]:
            task.cancel()
        await asyncio.gather(*pump, *self.tasks.values(), return_exceptions=True)
        self.tasks.clear()
        if self._own_parser is not None:
            self._own_parser.shutdown(wait=False, cancel_futures=True)

    async def _guarded(self, feed: FeedState, now: datetime) -> FeedOutcome:
        """Poll one feed; a timeout or even an unexpected error becomes a recorded failure."""
        try:
            # The gate covers the whole poll, not just the fetch: at most `concurrency`
            # feeds hold a body, a parse, a database connection at any time.
            async with self.feed_gate, asyncio.timeout(self.policy.feed_deadline):
                return await self._poll(feed, now)
        except TimeoutError:
            error = f"poll timed out after {self.policy.feed_deadline:g} s"
        except Exception as exc:
            log.exception("unexpected error polling %s", mask_url(feed.url))
            error = f"internal error: {type(exc).__name__}: {exc}"[:300]
        return await self._save(feed, self._plan(feed, now).failed(error))

    async def _poll(self, feed: FeedState, now: datetime) -> FeedOutcome:
        plan = self._plan(feed, now)
        try:
            result = await self.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
        except FetchError as exc:
            return await self._save(feed, plan.failed(str(exc), exc.retry_after))
        if result.not_modified:
            return await self._save(feed, plan.succeeded(result, None))
        try:
            parsed = await self._parse(feed, result)
        except NotAFeed as exc:
            return await self._save(feed, plan.failed(str(exc)))
        _log_skips(feed, parsed)
        fresh = await unseen(self.db, parsed.items)
        more = len(fresh) > self.policy.item_cap
        backlog = feed.first_success_at is None
        kept = fresh[: self.policy.item_cap]
        articles = await self.pages.complete(feed.id, kept, backlog)
        outcome = await self._save(feed, plan.succeeded(result, parsed.ttl_seconds, more), articles)
        self.stored[feed.id] = _stored_after(parsed, fresh, kept)
        return outcome

    async def _parse(self, feed: FeedState, result: FetchResult) -> ParsedFeed:
        """Parse in the pool, leaving unconverted the entries known to be stored already."""
        call = partial(
            parse_feed,
            result.body,
            url=result.url,
            headers=dict(result.headers),
            stored=self.stored.get(feed.id, StoredPrints()),
        )
        return await self.cpu(call)

    def _plan(self, feed: FeedState, now: datetime) -> Plan:
        return Plan(feed, now, self.policy)

    async def _save(
        self, feed: FeedState, record: Record, articles: list[NewArticle] | None = None
    ) -> FeedOutcome:
        """Store this feed's articles and outcome now, not at the end of a cycle."""
        new = 0
        if articles:
            async with self.write_lock:
                stored = await store_articles(self.db, articles, fetched_at=record.checked_at)
            new = sum(stored.values())
        self.unrecorded.append((feed.id, record))
        await self._record()
        return FeedOutcome(mask_url(feed.url), record.status, new, record.error)

    async def _record(self) -> None:
        """Group commit: whoever gets the lock writes every outcome waiting so far.

        A cycle of 1,000 mostly-304 feeds then costs a few transactions, not 1,000;
        each caller returns only once its own outcome is written.
        """
        async with self.write_lock:
            batch, self.unrecorded = self.unrecorded, []
            if batch:
                await record_polls(self.db, batch)

    async def cpu(self, call: Callable[[], T]) -> T:
        """Run parsing/extraction off the event loop, in the parse pool when there is one."""
        return await asyncio.get_running_loop().run_in_executor(self.parser, call)


def _stored_after(
    parsed: ParsedFeed, fresh: list[ParsedItem], kept: list[ParsedItem]
) -> StoredPrints:
    """The document's entries now stored: all but the fresh ones past the item cap."""
    left = {id(item) for item in fresh} - {id(item) for item in kept}
    return parsed.already.with_keys(i.identity for i in parsed.items if id(i) not in left)


def _log_skips(feed: FeedState, parsed: ParsedFeed) -> None:
    if parsed.skipped:
        log.warning(
            "feed %s: skipped %d unreadable entries (the rest are kept): %s",
            mask_url(feed.url),
            parsed.skipped,
            "; ".join(parsed.skip_reasons),
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """What one poll of one feed leaves on its row, decided by `ingest.schedule`."""

    feed: FeedState
    now: datetime
    policy: PollPolicy

    def normal(self, hint: int | None) -> int:
        policy = self.policy
        interval = base_interval(
            self.feed.interval_seconds,
            hint,
            default=policy.default_interval,
            hint_max=policy.hint_max,
        )
        return interval.seconds

    def succeeded(self, result: FetchResult, ttl: int | None, more: bool = False) -> Record:
        """Due one interval after the scheduled time; at once (no validators) if items remain."""
        feed, now = self.feed, self.now
        hint = hint_seconds(result.headers, ttl, now=now)
        if result.not_modified:
            hint = hint or feed.ttl_seconds
        due = now if more else next_success_at(feed.next_check_at, now, self.normal(hint))
        status = FeedStatus.NOT_MODIFIED if result.not_modified else FeedStatus.OK
        etag, modified = (None, None) if more else (result.etag, result.last_modified)
        # A first poll cut short by the item cap stays "first" so the rest is backlog too.
        first = not (more and feed.first_success_at is None)
        return Record(status, now, due, None, etag, modified, hint, ends_backlog=first)

    def failed(self, error: str, retry_after: float | None = None) -> Record:
        """Backoff from now after consecutive failures, never before Retry-After."""
        base = self.normal(self.feed.ttl_seconds)
        failures = self.feed.error_count + 1
        due = next_check_at(self.now, base=base, failures=failures, retry_after=retry_after)
        return Record(FeedStatus.FAILED, self.now, due, error)


async def poll_cycle(
    db: Database,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    concurrency: int = 16,
    poll_interval_seconds: int = DEFAULT_POLL_INTERVAL,
    hint_max_seconds: int = DEFAULT_HINT_MAX,
    parser: Executor | None = None,
    everything: bool = False,
) -> PollReport:
    """One complete cycle with a throw-away `Poller` (tests, benchmarks, one-shot tools)."""
    policy = PollPolicy(poll_interval_seconds, hint_max_seconds, concurrency)
    poller = Poller(db, fetcher, policy, parser=parser)
    try:
        return await poller.cycle(now, everything=everything)
    finally:
        await poller.aclose()


def give_back_memory() -> None:
    """Return freed heap to the OS (glibc keeps it otherwise: 241 MB stayed 143 MB after)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def make_parse_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool for parsing, built once by the composition root (shut it down on exit).

    feedparser is pure Python; in worker processes it runs on other cores while
    the event loop keeps the HTTP traffic moving. Workers are spawned (no fork of
    a threaded process) as direct children that the kernel kills with us, even
    after SIGKILL (see `ingest.lifeline`).
    """
    count = workers or max(1, (os.cpu_count() or 2) - 1)
    return ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


async def probe_feed(fetcher: Fetcher, url: str) -> str:
    """Fetch and parse `url` once; return the feed's title (for /addfeed).

    Raises ValueError when the URL is not http(s) or the document is not a
    feed, FetchError when it cannot be fetched; an internal address is refused
    (`AddressRefused`, a FetchError) with the reason, before any connection.
    """
    if not is_web_url(url):
        raise ValueError(f"not an http(s) URL: {mask_url(url)[:200]}")
    result = await fetcher.fetch(url)
    parsed = await asyncio.to_thread(
        parse_feed, result.body, url=result.url, headers=result.headers
    )
    return parsed.title
