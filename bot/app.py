"""Small builders, one per role; nothing is built at import time.

    store       build_store        the migrated database
    ingest      build_ingest       HTTP client, fetcher, parse pool, the feeds synced
    assessor    build_assessment   each story's core over corpus + topic + everything learned
    delivery    build_delivery     the outbox worker, through Telegram or stdout
    chat        build_chat         the slash-command bot
                build_telegram     the one Bot (and rate budget) of a token

`talkwatch run` composes all of them (bot/service.py); a command that needs
one role builds only that one (bot/cli/commands.py). Nothing below this
module reads settings: each part gets plain values.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bot.assess import Assessor, FeaturePool
from bot.chat.frontend import Chat
from bot.chat.services import ChatServices, StoryChoice
from bot.config.settings import Settings
from bot.config.stories import StoryConfig, configured_stories
from bot.config.story_files import load_corpus
from bot.domain import FeedSpec, PollReport
from bot.ingest.fetch import Fetcher, build_client
from bot.observe import Metrics
from bot.pipeline.assess import Pipeline
from bot.pipeline.deliver import Delivery, DeliveryLimits
from bot.pipeline.fanout import StoryStages
from bot.pipeline.ingest import Poller, PollPolicy, make_parse_pool, probe_feed
from bot.pipeline.memory import knowledge_fingerprint
from bot.publish.channel import DryRunPublisher, TelegramLink, TelegramPublisher
from bot.publish.pacing import MAX_SHARED_WAIT_SECONDS, ChatSpacing
from bot.store import Database
from bot.store.feeds import add_feed, list_feeds, remove_feed, sync_feeds
from bot.store.leases import WorkerInfo
from bot.store.send_slots import SendSlots
from bot.store.story_table import link_feed, link_story_feeds, sync_stories

log = logging.getLogger(__name__)

# Where alerts go in dry-run when no channel is named: the channel's place on stdout.
DRY_RUN_CHANNEL = "@dry-run"


async def build_store(settings: Settings) -> Database:
    """The database at the newest schema; the caller disposes of it."""
    db = Database(settings.database_url)
    try:
        await db.migrate()
    except BaseException:
        await db.dispose()
        raise
    return db


def build_assessor(
    settings: Settings, story: StoryConfig | None = None, pool: FeaturePool | None = None
) -> Assessor:
    """The core over a story's corpus and topic (the default story's), knowing nothing yet;
    stories given one `pool` keep what they learn in common once."""
    story = story or configured_stories(settings)[0]
    return Assessor(story.topic, load_corpus(story.corpus_dir), pool=pool)


async def sync_story_rows(db: Database, stories: Sequence[StoryConfig]) -> dict[str, int]:
    """The stories table follows the story folders; slug -> story id."""
    return await sync_stories(db, [(s.slug, s.name) for s in stories], datetime.now(UTC))


@dataclass
class Ingest:
    """The ingest role: polls due feeds into the store, and probes a feed for /addfeed.

    `wait` bounds how long a cycle waits for its feeds: the service's ticker gets the
    report of the feeds finished by then, and slow feeds finish in the background.
    """

    db: Database
    http: httpx.AsyncClient
    fetcher: Fetcher
    poller: Poller
    parse_pool: Executor | None = None
    wait: float | None = None
    last_poll_at: datetime | None = None

    async def poll(self, now: datetime, *, everything: bool = False) -> PollReport:
        """One cycle over the feeds due at `now` (all with `everything`)."""
        report = await self.poller.cycle(now, everything=everything, wait=self.wait)
        self.last_poll_at = now
        return report

    async def probe(self, url: str) -> str:
        return await probe_feed(self.fetcher, url)

    async def close(self) -> None:
        await self.poller.aclose()
        await self.http.aclose()
        if self.parse_pool is not None:
            self.parse_pool.shutdown(wait=False, cancel_futures=True)


async def build_ingest(
    settings: Settings,
    db: Database,
    *,
    feeds: Sequence[FeedSpec] | None = None,
    parse_pool: bool = False,
    cycle_wait: float | None = None,
    holder: str | None = None,
    alive_within: float | None = None,
) -> Ingest:
    """The poller, with the feeds file (or `feeds`, for the demo) synced into the store.

    `parse_pool` parses feeds in worker processes: worth its start-up cost only in a
    long-running process with many feeds (see benchmarks/poll_cycle.py). `cycle_wait`
    bounds how long one cycle waits for its feeds (the service's ticker); None waits for all.
    `holder` claims the due feeds for a registered worker, whose claims stand while
    its heartbeat is younger than `alive_within`; without one, a poll claims its
    feeds for the length of a whole poll.
    """
    if feeds is not None:
        await sync_feeds(db, feeds)
    else:
        await _sync_story_feeds(db, configured_stories(settings))
    http = build_client(
        read_timeout=settings.fetch_timeout_seconds,
        max_connections=settings.fetch_concurrency * 2,
        allow_private=settings.fetch_allow_private,
    )
    fetcher = Fetcher(http, max_bytes=settings.max_feed_bytes)
    pool = make_parse_pool() if parse_pool else None
    policy = PollPolicy(
        settings.poll_interval_seconds, settings.feed_hint_max_seconds, settings.fetch_concurrency
    )
    return Ingest(
        db,
        http,
        fetcher,
        Poller(db, fetcher, policy, parser=pool, holder=holder, alive_within=alive_within),
        parse_pool=pool,
        wait=cycle_wait,
    )


async def _sync_story_feeds(db: Database, stories: Sequence[StoryConfig]) -> None:
    """Every story's feeds, each stored once, and which story polls which."""
    union = {spec.url: spec for story in reversed(stories) for spec in story.feeds}
    await sync_feeds(db, list(union.values()))
    ids = await sync_story_rows(db, stories)
    await link_story_feeds(db, {ids[s.slug]: [f.url for f in s.feeds] for s in stories})


async def build_assessment(
    settings: Settings,
    db: Database,
    metrics: Metrics,
    assessor: Assessor | None = None,
    *,
    learn: bool = True,
) -> StoryStages:
    """Every story's assessment stage, each knowledge base rebuilt from its stored verdicts.

    `assessor` replaces the default story's (a test's or a command's own). With
    `learn=False` nothing is learned yet: a worker learns a story when it takes
    the story's lease (`StoryStages.run`), and never learns the stories others hold.
    """
    stories = configured_stories(settings)
    ids = await sync_story_rows(db, stories)
    channels = Counter(_channel(settings, story) for story in stories)
    pool = FeaturePool()
    stages = []
    for index, story in enumerate(stories):
        core = (
            assessor
            if index == 0 and assessor is not None
            else build_assessor(settings, story, pool)
        )
        channel = _channel(settings, story)
        stage = Pipeline(
            db,
            core,
            channel=channel,
            metrics=metrics,
            fingerprint=knowledge_fingerprint(story.fingerprint()),
            story_id=ids[story.slug],
            label=story.name if channel is not None and channels[channel] > 1 else None,
        )
        if learn:
            learned = await stage.rebuild_knowledge()
            log.info(
                "knowledge base ready",
                extra={"story": story.slug, "learned_articles": learned, "size": core.size},
            )
        stages.append(stage)
    return StoryStages(stages, [(s.slug, s.name, ids[s.slug]) for s in stories])


async def story_names(settings: Settings, db: Database) -> list[tuple[str, str, int]]:
    """(slug, name, story id) of every configured story, for a worker that assesses none."""
    stories = configured_stories(settings)
    ids = await sync_story_rows(db, stories)
    return [(s.slug, s.name, ids[s.slug]) for s in stories]


def _channel(settings: Settings, story: StoryConfig) -> str | None:
    return story.channel or (DRY_RUN_CHANNEL if settings.dry_run else None)


def build_telegram(
    settings: Settings, limits: DeliveryLimits, db: Database | None = None
) -> TelegramLink | None:
    """The Bot and rate budget of the configured token; None in dry-run (no token).

    With `db`, the budget is shared with every process on that database when it
    is PostgreSQL (see `build_delivery`), replies included, from the start.
    """
    if settings.telegram_bot_token is None:
        return None
    link = TelegramLink.open(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_api_base_url,
        rate=limits.global_per_second,
        connections=limits.concurrency + 4,
        spacing=ChatSpacing(
            private_gap=limits.private_gap_seconds, group_gap=limits.group_gap_seconds
        ),
    )
    if db is not None and db.dialect == "postgresql" and not link.shared:
        link.share(SendSlots(db), max_wait=min(MAX_SHARED_WAIT_SECONDS, limits.lease_seconds / 4))
    return link


def build_delivery(
    db: Database,
    link: TelegramLink | None,
    metrics: Metrics,
    limits: DeliveryLimits,
    holder: str | None = None,
) -> Delivery:
    """The outbox worker: through the token's Bot and budget, or printed in dry-run.

    On PostgreSQL the token's budget is shared through the database (`send_slots`)
    with every other process delivering or answering with it, so together they stay
    within Telegram's limits; this process's own pacer still orders its alerts before
    its replies. PostgreSQL is what several workers run on, and there the one small
    write statement per message (the chat's slot and the token's; about twice a
    `SELECT 1` round trip, measured in the README) adds latency to messages that
    overlap anyway, not a limit on 28 messages a second. On SQLite, one process is
    the norm (README), and every reservation would take the file's one write lock,
    queueing behind the poller's commits: the in-process pacing is used alone
    (`TelegramLink.share` works there too, should two processes ever deliver from
    one file).
    """
    if link is None:
        return Delivery(
            db, DryRunPublisher(), limits, on_sent=metrics.record_delivery, holder=holder
        )
    if db.dialect == "postgresql" and not link.shared:
        # (also covers the replies of a link built without `db`) A claimed row waits for
        # its shared slots after its lease check: a quarter of the lease at most.
        link.share(SendSlots(db), max_wait=min(MAX_SHARED_WAIT_SECONDS, limits.lease_seconds / 4))
    return Delivery(
        db,
        TelegramPublisher(link.bot),
        limits,
        pacer=link.budget,
        spacing=link.spacing,
        on_sent=metrics.record_delivery,
        holder=holder,
    )


def build_chat(
    settings: Settings,
    db: Database,
    link: TelegramLink,
    *,
    probe: Callable[[str], Awaitable[str]],
    knowledge_size: Callable[[], int],
    last_poll: Callable[[], datetime | None],
    started_at: datetime,
    stories: Sequence[StoryChoice] = (),
    workers: Callable[[], Awaitable[Sequence[WorkerInfo]]] | None = None,
) -> Chat:
    """The slash-command bot over the store, sharing the token's Bot and budget."""

    async def add(url: str, name: str, story_id: int | None) -> bool:
        added = await add_feed(db, FeedSpec(name=name, url=url)) is not None
        if story_id is not None:
            await link_feed(db, url, story_id)
        return added

    async def remove(url_or_name: str) -> str | None:
        wanted = url_or_name.strip()
        for feed in await list_feeds(db):
            if wanted in (feed.url, feed.name) and await remove_feed(db, feed.url):
                return f"{feed.name} ({feed.url})"
        return None

    services = ChatServices(
        db=db,
        admin_ids=settings.telegram_admin_ids,
        probe_feed=probe,
        add_feed=add,
        remove_feed=remove,
        knowledge_size=knowledge_size,
        last_poll=last_poll,
        started_at=started_at,
        stories=tuple(stories),
        workers=workers,
    )
    return Chat(link, services)
