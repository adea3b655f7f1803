"""`talkwatch demo`: the real pipeline, offline, in under a minute.

A local `ReplayServer` serves the sample stream shipped in config/demo as four
feeds of different styles. The real poller, assessor, outbox and delivery run
against a throw-away SQLite database in dry-run, so what is printed is exactly
what the channel would have received. Articles are released one at a time and
polled on the stream's own clock, like a live feed growing over weeks.
"""

from __future__ import annotations

import re
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import Ingest, build_assessment, build_ingest, build_store
from bot.cli.demo_stories import DemoStory, write_story_folder
from bot.config.settings import Settings
from bot.config.stories import StoryConfig
from bot.config.story_files import story_for
from bot.observe import Metrics
from bot.pipeline.assess import AssessedArticle
from bot.pipeline.deliver import Delivery, DeliveryLimits
from bot.pipeline.fanout import StoryStages
from bot.publish.channel import DryRunPublisher
from bot.replay import ReplayServer, default_stream_dir, second_stream_dir

DEMO_CHANNEL = "@talkwatch_demo"
# The second demo story (config/demo-second) alerts its own channel.
SECOND_CHANNEL = "@talkwatch_demo_harwick"
SECOND_SLUG = "harwick-bridge"
FIRST_SLUG = "a-xi-call"  # sorts first: the default story
# The demo prints to stdout, which has no flood limits worth waiting for.
DEMO_LIMITS = DeliveryLimits(
    global_per_second=1000.0, private_gap_seconds=0.0, group_gap_seconds=0.0
)


def demo_stories(
    settings: Settings, stream_dir: Path | None, configured: StoryConfig | None = None
) -> list[DemoStory]:
    """The shipped story and the second demo story; or the one stream `--stream` names.

    With `configured` (`--story SLUG`) the one stream (`--stream`'s, or the shipped sample)
    is judged by that configured story, alerting its channel (or the demo's).
    """
    if configured is not None:
        one = stream_dir or default_stream_dir()
        return [DemoStory.of_configured(one, configured, configured.channel or DEMO_CHANNEL)]
    if stream_dir is not None:
        story = story_for(stream_dir, settings.corpus_dir, settings.topic_file)
        return [DemoStory.of_stream(FIRST_SLUG, stream_dir, story, DEMO_CHANNEL)]
    first_dir, second_dir = default_stream_dir(), second_stream_dir()
    first = story_for(first_dir, settings.corpus_dir, settings.topic_file)
    second = story_for(second_dir, settings.corpus_dir, None)
    return [
        DemoStory.of_stream(FIRST_SLUG, first_dir, first, DEMO_CHANNEL),
        DemoStory.of_stream(SECOND_SLUG, second_dir, second, SECOND_CHANNEL),
    ]


async def run_demo(
    settings: Settings,
    *,
    out: TextIO,
    stream_dir: Path | None = None,
    configured: StoryConfig | None = None,
) -> int:
    started = time.monotonic()
    stories = demo_stories(settings, stream_dir, configured)
    with tempfile.TemporaryDirectory(prefix="talkwatch-demo-") as tmp:
        demo_settings = settings.model_copy(
            update={
                "database_url": f"sqlite:///{tmp}/demo.db",
                "telegram_bot_token": None,
                "telegram_channel": None,
                "stories_dir": Path(tmp) / "stories",  # the demo's stories, not the configured
                "fetch_allow_private": True,  # the replay servers run on 127.0.0.1
            }
        )
        async with AsyncExitStack() as stack:
            servers = [await stack.enter_async_context(ReplayServer(s.stream_dir)) for s in stories]
            headings = []
            for demo, server in zip(stories, servers, strict=True):
                name = write_story_folder(Path(tmp) / "stories", demo, server.feed_urls)
                _introduce(demo, name, server, out)
                headings.append(f"== story {name!r}, alerts to {demo.channel} ==\n\n")
            db = await build_store(demo_settings)
            stack.push_async_callback(db.dispose)
            ingest = await build_ingest(demo_settings, db)
            stack.push_async_callback(ingest.close)
            assessment = await build_assessment(demo_settings, db, Metrics())
            tally = await _replay(
                ingest, assessment, list(zip(headings, servers, strict=True)), out
            )
    seconds = time.monotonic() - started
    out.write(
        f"\nDone in {seconds:.1f} s: {tally['articles']} articles, {tally['alerts']} alerts, "
        f"{tally['silent']} kept silent, {tally['messages']} channel messages (posts and edits).\n"
    )
    return 0


def _introduce(demo: DemoStory, name: str, server: ReplayServer, out: TextIO) -> None:
    out.write(
        f"{demo.described}\n"
        f"Talkwatch demo, story {name!r}: {len(server.articles)} sample articles from "
        f"{len(server.feed_urls)} feeds served on {server.base_url}, replayed through the real "
        f"pipeline in dry-run.\nAlerts are printed as the channel {demo.channel} would receive "
        "them.\n\n"
    )


async def _replay(
    ingest: Ingest, assessment: StoryStages, replays: list[tuple[str, ReplayServer]], out: TextIO
) -> dict[str, int]:
    """Each stream in turn, one article at a time; the first poll finds every feed empty."""
    delivery = Delivery(ingest.db, DryRunPublisher(out), DEMO_LIMITS)
    # Each step is an hour on the poller's clock, so every feed is due again at once.
    clock = datetime.now(UTC)
    # The first poll finds empty feeds: from then on everything is live, not backlog.
    await ingest.poll(clock)
    await assessment.run()
    tally = {"articles": 0, "alerts": 0, "silent": 0, "messages": 0}
    titles: dict[str, str] = {}
    steps = [(heading, server) for heading, server in replays for _ in server.articles]
    shown = ""
    for heading, server in steps:
        if heading != shown and len(replays) > 1:
            out.write(heading)
            shown = heading
        server.release_next(1)
        clock += timedelta(hours=1)
        await ingest.poll(clock)
        assessed = await assessment.run()
        for item in assessed:
            titles[item.article.document.key] = item.article.document.title
            tally["articles"] += 1
            _describe(item, titles, out)
            tally["alerts" if item.verdict.is_alert else "silent"] += 1
        tally["messages"] += await delivery.run_once()
    return tally


def _describe(item: AssessedArticle, titles: dict[str, str], out: TextIO) -> None:
    doc = item.article.document
    when = doc.published_at.strftime("%Y-%m-%d %H:%M") if doc.published_at else "undated"
    out.write(f"[{when}] {item.article.outlet}: {doc.title}\n")
    if item.verdict.is_alert:
        out.write("  -> fresh development, alert:\n")
    else:
        out.write(f"  -> silent: {_silence_reason(item, titles)}\n\n")


def _silence_reason(item: AssessedArticle, titles: dict[str, str]) -> str:
    """The verdict's own first reason why no alert, with article keys turned into titles."""
    verdict = item.verdict
    reasons = list(verdict.reasons)
    wanted = ("not relevant", "copy of", "nothing new")
    chosen = next((r for r in reasons if r.startswith(wanted)), reasons[0] if reasons else "")
    if verdict.copy_of and verdict.copy_of in titles:
        chosen = f"copy of \u201c{titles[verdict.copy_of]}\u201d; its outlet is added to that alert"
    elif verdict.repeats and verdict.repeats in titles and verdict.relevant:
        chosen = f"{chosen}; re-reports \u201c{titles[verdict.repeats]}\u201d"
    return re.sub(r"\s+", " ", chosen)
