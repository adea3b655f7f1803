"""Full text for teaser items: fetch the article page, extract its body.

Part of the ingest stage (see `pipeline.ingest`). Pages go through the same
guarded fetcher as feeds, so an item `<link>` to an internal address is
refused like a feed URL. Two feeds carrying one story fetch its page once; a
page that fails or says less than the teaser leaves the teaser, with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from bot.domain import ParsedItem
from bot.errors import FetchError
from bot.ingest.extract import Extracted, extract_article
from bot.ingest.fetch import Fetcher
from bot.ingest.identity import canonical_url, content_hash, mask_url
from bot.ingest.markup import word_count
from bot.store.articles import NewArticle

log = logging.getLogger(__name__)

# Below this many words an item is a teaser and its page is fetched for the full text.
TEASER_WORDS = 80
# A first poll of a teaser feed fetches its whole backlog; this bounds one feed's share.
MAX_PAGES_PER_FEED = 60

PageResult = tuple[str | None, str, str | None]  # (canonical final URL, text, error)
CpuRunner = Callable[[Callable[[], Any]], Awaitable[Any]]


class PageReader:
    """Completes parsed items with their text; shares page fetches between feeds."""

    def __init__(self, fetcher: Fetcher, cpu: CpuRunner, concurrency: int) -> None:
        self.fetcher, self.cpu = fetcher, cpu
        self.gate = asyncio.Semaphore(concurrency)
        self.pages: dict[str, asyncio.Future[PageResult]] = {}

    def forget(self) -> None:
        """Drop remembered pages (between cycles, when no feed is in flight)."""
        self.pages.clear()

    async def complete(
        self, feed_id: int, items: Sequence[ParsedItem], backlog: bool
    ) -> list[NewArticle]:
        """Fetch full text for teasers (bounded per feed) and wrap items for storage."""
        jobs = [
            self.with_text(feed_id, item, backlog, fetch_page=index < MAX_PAGES_PER_FEED)
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

    async def read_page(self, url: str) -> PageResult:
        """(canonical final URL, extracted text, error) for one article page."""
        try:
            async with self.gate:
                page = await self.fetcher.fetch_page(url)
        except FetchError as exc:
            return None, "", f"page fetch failed: {exc}"
        try:
            extracted: Extracted = await self.cpu(partial(extract_article, page.body, page.url))
        except Exception as exc:  # the extractor on hostile HTML: the item keeps its teaser
            log.warning("extraction failed for %s: %s", mask_url(url), type(exc).__name__)
            return None, "", f"page extraction failed: {type(exc).__name__}"
        return canonical_url(page.url), extracted.text, None
