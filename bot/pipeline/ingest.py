"""The ingestion pipeline: due feeds -> fetch -> parse -> keep unseen -> full text -> store.

`poll_cycle` orders the steps and turns every per-feed failure into a
recorded outcome, so one bad feed never stops a cycle. Policy lives
elsewhere: when to poll next in `ingest.schedule`, what counts as seen in
`store.articles`, how items are named in `ingest.identity`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from bot.domain import FeedOutcome, FeedStatus, ParsedItem, PollReport
from bot.errors import FetchError
from bot.ingest.extract import extract_article
from bot.ingest.fetch import Fetcher, FetchResult
from bot.ingest.identity import canonical_url, content_hash, is_web_url
from bot.ingest.markup import word_count
from bot.ingest.parse import NotAFeed, parse_feed
from bot.ingest.schedule import base_interval, next_check_at
from bot.store.articles import NewArticle, store_articles, unseen
from bot.store.db import Database
from bot.store.feeds import FeedState, PollRecord, due_feeds, record_polls

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_POLL_INTERVAL = 300
# Below this many words an item is a teaser and its page is fetched for the full text.
TEASER_WORDS = 80
# A first poll of a teaser feed fetches its whole backlog; this bounds one feed's share.
MAX_PAGES_PER_FEED = 60


@dataclass(slots=True)
class _Polled:
    feed: FeedState
    record: PollRecord
    error: str | None = None
    articles: list[NewArticle] = field(default_factory=list)


async def poll_cycle(
    db: Database,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    concurrency: int = 16,
    poll_interval_seconds: int = DEFAULT_POLL_INTERVAL,
    parser: Executor | None = None,
) -> PollReport:
    """Poll every due feed once, concurrently under `concurrency`; store what is new.

    Parsing and extraction are CPU work: they run in `parser` (a process pool from
    `make_parse_pool` puts them on another core) or, by default, in threads.
    """
    now = now or datetime.now(UTC)
    feeds = await due_feeds(db, now)
    if not feeds:
        return PollReport()
    run = _Cycle(db, fetcher, now, concurrency, poll_interval_seconds, parser)
    polled = await asyncio.gather(*(run.guarded(feed) for feed in feeds))
    stored = await store_articles(db, [a for p in polled for a in p.articles], fetched_at=now)
    await record_polls(db, [(p.feed.id, p.record) for p in polled])
    return PollReport(tuple(_outcome(p, stored.get(p.feed.id, 0)) for p in polled))


def _outcome(polled: _Polled, new_articles: int) -> FeedOutcome:
    return FeedOutcome(polled.feed.url, polled.record.status, new_articles, polled.record.error)


class _Cycle:
    """One cycle's shared state: the clock, the bounds, the collaborators."""

    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        now: datetime,
        concurrency: int,
        interval: int,
        parser: Executor | None,
    ) -> None:
        self.db, self.fetcher, self.now, self.interval = db, fetcher, now, interval
        self.parser = parser
        self.feed_gate = asyncio.Semaphore(concurrency)
        self.page_gate = asyncio.Semaphore(concurrency)
        self.pages: dict[str, asyncio.Future[tuple[str | None, str, str | None]]] = {}

    async def guarded(self, feed: FeedState) -> _Polled:
        """Poll one feed; even an unexpected error becomes a recorded failure."""
        try:
            return await self.poll(feed)
        except Exception as exc:
            log.exception("unexpected error polling %s", feed.url)
            return self.failed(feed, f"internal error: {type(exc).__name__}: {exc}"[:300])

    async def poll(self, feed: FeedState) -> _Polled:
        async with self.feed_gate:
            try:
                result = await self.fetcher.fetch(
                    feed.url, etag=feed.etag, last_modified=feed.last_modified
                )
            except FetchError as exc:
                return self.failed(feed, str(exc), exc.retry_after)
        if result.not_modified:
            return self.succeeded(feed, FeedStatus.NOT_MODIFIED, result, feed.ttl_seconds)
        try:
            parsed = await self.cpu(
                partial(
                    parse_feed,
                    result.body,
                    url=result.url,
                    headers=dict(result.headers),
                    now=self.now,
                )
            )
        except NotAFeed as exc:
            return self.failed(feed, str(exc))
        polled = self.succeeded(feed, FeedStatus.OK, result, parsed.ttl_seconds)
        fresh = await unseen(self.db, parsed.items)
        polled.articles = await self.complete(feed, fresh)
        return polled

    async def complete(self, feed: FeedState, items: Sequence[ParsedItem]) -> list[NewArticle]:
        """Fetch full text for teasers (bounded per feed) and wrap items for storage."""
        backlog = feed.first_success_at is None
        jobs = [
            self.with_text(feed.id, item, backlog, fetch_page=index < MAX_PAGES_PER_FEED)
            for index, item in enumerate(items)
        ]
        return list(await asyncio.gather(*jobs))

    async def with_text(
        self, feed_id: int, item: ParsedItem, backlog: bool, *, fetch_page: bool
    ) -> NewArticle:
        text, source, error = item.text, "feed", None
        if word_count(item.text) < TEASER_WORDS:
            source = "teaser"
            if not item.url:
                error = "no article link to fetch the full text from"
            elif not fetch_page:
                error = f"page not fetched: over {MAX_PAGES_PER_FEED} teasers in one poll"
            else:
                item, text, source, error = await self.page_text(item)
        return NewArticle(
            feed_id, item, text, source, error, backlog, content_hash(item.title, text)
        )

    async def page_text(self, item: ParsedItem) -> tuple[ParsedItem, str, str, str | None]:
        """The article page's main text, or the teaser and the reason the page did not help."""
        assert item.url is not None
        if item.url not in self.pages:  # two feeds carrying one story fetch its page once
            self.pages[item.url] = asyncio.ensure_future(self.read_page(item.url))
        final_url, text, error = await self.pages[item.url]
        if final_url and final_url != item.url:
            item = replace(item, url=final_url)  # after redirects, the page's own address
        if error is not None:
            return item, item.text, "teaser", error
        if word_count(text) <= word_count(item.text):
            return item, item.text, "teaser", "page had no article text beyond the teaser"
        return item, text, "page", None

    async def read_page(self, url: str) -> tuple[str | None, str, str | None]:
        """(canonical final URL, extracted text, error) for one article page."""
        try:
            async with self.page_gate:
                page = await self.fetcher.fetch_page(url)
        except FetchError as exc:
            return None, "", f"page fetch failed: {exc}"
        extracted = await self.cpu(partial(extract_article, page.body, page.url))
        return canonical_url(page.url), extracted.text, None

    async def cpu(self, call: Callable[[], T]) -> T:
        """Run parsing/extraction off the event loop, in the parse pool when there is one."""
        return await asyncio.get_running_loop().run_in_executor(self.parser, call)

    def succeeded(
        self, feed: FeedState, status: FeedStatus, result: FetchResult, ttl: int | None
    ) -> _Polled:
        base = base_interval(feed.interval_seconds, ttl, self.interval)
        due = next_check_at(self.now, base=base, failures=0)
        record = PollRecord(status, self.now, due, None, result.etag, result.last_modified, ttl)
        return _Polled(feed, record)

    def failed(self, feed: FeedState, error: str, retry_after: float | None = None) -> _Polled:
        base = base_interval(feed.interval_seconds, feed.ttl_seconds, self.interval)
        due = next_check_at(
            self.now, base=base, failures=feed.error_count + 1, retry_after=retry_after
        )
        return _Polled(feed, PollRecord(FeedStatus.FAILED, self.now, due, error), error)


def make_parse_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool for parsing, built once by the composition root (shut it down on exit).

    feedparser is pure Python; in worker processes it runs on other cores while
    the event loop keeps the HTTP traffic moving. `forkserver` avoids forking a
    process that already runs threads (aiosqlite, the default executor).
    """
    count = workers or max(1, (os.cpu_count() or 2) - 1)
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("forkserver"))


async def probe_feed(fetcher: Fetcher, url: str) -> str:
    """Fetch and parse `url` once; return the feed's title (for /addfeed).

    Raises ValueError when the URL is not http(s) or the document is not a
    feed, FetchError when it cannot be fetched.
    """
    if not is_web_url(url):
        raise ValueError(f"not an http(s) URL: {url[:200]}")
    result = await fetcher.fetch(url)
    parsed = await asyncio.to_thread(
        parse_feed, result.body, url=result.url, headers=result.headers
    )
    return parsed.title
