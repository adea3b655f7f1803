"""The composition root: the one place that builds and wires everything.

`build_core` makes what every command needs (database, HTTP client, fetcher,
assessor rebuilt from storage, pipeline, metrics); `Core.close` releases it.
Nothing is built at import time, and nothing below this module reads
settings: each part gets plain values.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from bot.assess import Assessor
from bot.chat.services import ChatServices
from bot.config.feeds_file import load_feeds_file
from bot.config.settings import Settings
from bot.config.story import load_corpus, load_topic
from bot.domain import FeedSpec, PollReport
from bot.ingest.fetch import Fetcher, build_client
from bot.observe import Metrics
from bot.pipeline.assess import Pipeline
from bot.pipeline.ingest import Poller, PollPolicy, make_parse_pool, probe_feed
from bot.store import Database
from bot.store.feeds import add_feed, list_feeds, remove_feed, sync_feeds
from bot.store.outbox import outbox_backlog

log = logging.getLogger(__name__)

# Where alerts go in dry-run when no channel is named: the channel's place on stdout.
DRY_RUN_CHANNEL = "@dry-run"


@dataclass
class Core:
    """Everything a command needs, built once and closed once."""

    settings: Settings
    db: Database
    http: httpx.AsyncClient
    fetcher: Fetcher
    assessor: Assessor
    pipeline: Pipeline
    metrics: Metrics
    parse_pool: Executor | None = None
    poller: Poller | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    async def metrics_snapshot(self) -> bytes:
        """Prometheus text, with the outbox length read fresh from the database."""
        self.metrics.queue_length.set(await outbox_backlog(self.db))
        return self.metrics.render()

    async def close(self) -> None:
        if self.poller is not None:
            await self.poller.aclose()
        await self.http.aclose()
        await self.db.dispose()
        if self.parse_pool is not None:
            self.parse_pool.shutdown(wait=False, cancel_futures=True)


def build_assessor(settings: Settings) -> Assessor:
    """The core over the configured corpus and topic, knowing nothing learned yet."""
    return Assessor(load_topic(settings.topic_file), load_corpus(settings.corpus_dir))


async def open_database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    try:
        await db.migrate()
    except BaseException:
        await db.dispose()
        raise
    return db


async def build_core(
    settings: Settings,
    *,
    feeds: Sequence[FeedSpec] | None = None,
    parse_pool: bool = False,
    poll_all: bool = False,
) -> Core:
    """Migrate, sync the feeds, rebuild the knowledge base: ready to poll and assess.

    `feeds` replaces the feeds file (the demo points the poller at its own server).
    `parse_pool` parses feeds in worker processes: worth its start-up cost only in a
    long-running process with many feeds (see benchmarks/poll_cycle.py); that process
    also returns from a poll within half a tick, leaving slow feeds to finish in the
    background. `poll_all` polls every feed each cycle, due or not (`poll-once --all`).
    """
    specs = list(feeds) if feeds is not None else load_feeds_file(settings.feeds_file)
    assessor = build_assessor(settings)
    db = await open_database(settings)
    http = build_client(
        read_timeout=settings.fetch_timeout_seconds,
        max_connections=settings.fetch_concurrency * 2,
        allow_private=settings.fetch_allow_private,
    )
    fetcher = Fetcher(http, max_bytes=settings.max_feed_bytes)
    metrics = Metrics()
    pool = make_parse_pool() if parse_pool else None
    policy = PollPolicy(
        settings.poll_interval_seconds, settings.feed_hint_max_seconds, settings.fetch_concurrency
    )
    poller = Poller(db, fetcher, policy, parser=pool)
    wait = settings.ticker_seconds / 2 if parse_pool else None

    async def poll(now: datetime | None) -> PollReport:
        return await poller.cycle(now, everything=poll_all, wait=wait)

    channel = settings.telegram_channel or (DRY_RUN_CHANNEL if settings.dry_run else None)
    pipeline = Pipeline(db, assessor, poll, channel=channel, metrics=metrics)
    core = Core(settings, db, http, fetcher, assessor, pipeline, metrics, pool, poller)
    try:
        await sync_feeds(db, specs)
        learned = await core.pipeline.rebuild_knowledge()
    except BaseException:
        await core.close()
        raise
    log.info("knowledge base ready", extra={"learned_articles": learned, "size": assessor.size})
    return core


def chat_services(core: Core) -> ChatServices:
    """What the slash commands may do, as callables over this process's parts."""

    async def add(url: str, name: str) -> bool:
        return await add_feed(core.db, FeedSpec(name=name, url=url)) is not None

    async def remove(url_or_name: str) -> str | None:
        wanted = url_or_name.strip()
        for feed in await list_feeds(core.db):
            if wanted in (feed.url, feed.name) and await remove_feed(core.db, feed.url):
                return f"{feed.name} ({feed.url})"
        return None

    return ChatServices(
        db=core.db,
        admin_ids=core.settings.telegram_admin_ids,
        probe_feed=lambda url: probe_feed(core.fetcher, url),
        add_feed=add,
        remove_feed=remove,
        knowledge_size=lambda: core.assessor.size,
        last_poll=lambda: core.pipeline.last_poll_at,
        started_at=core.started_at,
    )
