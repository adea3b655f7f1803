"""What each `talkwatch` subcommand does, on top of the composition root."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_assessment, build_assessor, build_ingest, build_store, sync_story_rows
from bot.assess import Assessor
from bot.cli.reports import format_feeds_table, format_next_due, format_poll_report
from bot.cli.verdicts import format_verdict
from bot.config.settings import Settings
from bot.config.stories import StoryConfig, configured_stories
from bot.domain import Document
from bot.errors import ConfigError, FetchError
from bot.ingest.extract import extract_article
from bot.ingest.fetch import Fetcher, build_client
from bot.observe import Metrics
from bot.pipeline.assess import rebuild_knowledge
from bot.pipeline.memory import KnowledgeMemory, knowledge_fingerprint
from bot.store import Database
from bot.store.feeds import list_feeds, next_due_at


def check_config(settings: Settings) -> int:
    """Print every setting (secrets masked), then one line per problem; exit 2 on an error."""
    from bot.cli.checks import EXIT_CONFIG, Severity, check_settings, summary

    rows = settings.describe()
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    findings = asyncio.run(check_settings(settings))
    for finding in findings:
        print(finding.line(), file=sys.stderr)
    if any(f.severity is Severity.ERROR for f in findings):
        return EXIT_CONFIG
    print(f"\n{summary(settings)}")
    return 0


async def db_upgrade(settings: Settings) -> int:
    db = await build_store(settings)
    await db.dispose()
    print("database is at the newest schema")
    return 0


async def poll_once(settings: Settings, every_feed: bool = False) -> int:
    """One cycle over the due feeds (all with `every_feed`); feed failures are not fatal."""
    assessor = build_assessor(settings)
    async with AsyncExitStack() as stack:
        db = await build_store(settings)
        stack.push_async_callback(db.dispose)
        ingest = await build_ingest(settings, db)
        stack.push_async_callback(ingest.close)
        assessment = await build_assessment(settings, db, Metrics(), assessor)
        report = await ingest.poll(datetime.now(UTC), everything=every_feed)
        assessed = await assessment.run()
        next_due = await next_due_at(db)
    print(format_poll_report(report))
    print(format_next_due(next_due, datetime.now(UTC)))
    alerts = [a for a in assessed if a.verdict.is_alert]
    print(f"assessed {len(assessed)} new articles: {len(alerts)} fresh developments")
    for item in alerts:
        marker = " (backlog, learned silently)" if item.article.backlog else ""
        print(f"  + {item.verdict.headline}{marker}")
    return 0


async def show_stories(settings: Settings) -> int:
    """The configured stories with their corpus, feeds, channel and alerts so far."""
    from bot.cli.reports import format_stories_table
    from bot.config.stories import configured_stories
    from bot.store.story_table import alerts_by_story, removed_stories

    stories = configured_stories(settings)
    db = await build_store(settings)
    try:
        figures = await alerts_by_story(db, stories[0].slug)
        configured = {story.slug for story in stories}
        removed = [row for row in await removed_stories(db) if row[0] not in configured]
    finally:
        await db.dispose()
    print(format_stories_table(stories, figures, removed))
    return 0


def story_action(
    settings: Settings, action: str, slug: str, args: argparse.Namespace | None = None
) -> int:
    """`talkwatch story check SLUG`, `story purge SLUG` or `story new SLUG --from ...`."""
    if action == "new" and args is not None:
        return story_new(settings, slug, args.sources, args.name, args.channel)
    if action == "purge":
        return asyncio.run(story_purge(settings, slug))
    return story_check(settings, slug)


def story_new(
    settings: Settings, slug: str, sources: list[str], name: str | None, channel: str | None
) -> int:
    """Build a story folder from seed articles and print what it will watch for."""
    from bot.cli.story_new import new_story

    for line in asyncio.run(new_story(settings, slug, sources, name, channel)):
        print(line)
    return 0


async def story_purge(settings: Settings, slug: str) -> int:
    """Delete a removed story's history; a configured story is refused (remove its folder)."""
    from bot.config.stories import configured_stories
    from bot.store.story_table import purge_story

    if slug in {story.slug for story in configured_stories(settings)}:
        raise ConfigError(f"story {slug} is configured: remove its folder and restart first")
    db = await build_store(settings)
    try:
        purged = await purge_story(db, slug)
    finally:
        await db.dispose()
    if not purged:
        raise ConfigError(f"no removed story {slug!r} in the database")
    print(f"purged story {slug}: its developments, verdicts and subscriptions are deleted")
    return 0


def story_check(settings: Settings, slug: str) -> int:
    """Print what the story watches for and how its own corpus reads against it."""
    from bot.cli.story_check import check_story, find_story
    from bot.config.stories import configured_stories

    for line in check_story(find_story(configured_stories(settings), slug)):
        print(line)
    return 0


async def show_feeds(settings: Settings) -> int:
    db = await build_store(settings)
    try:
        states = await list_feeds(db)
    finally:
        await db.dispose()
    if not states:
        print("no feeds yet: run `talkwatch poll-once`")
        return 0
    print(
        format_feeds_table(
            states,
            default_interval=settings.poll_interval_seconds,
            hint_max=settings.feed_hint_max_seconds,
        )
    )
    return 0


async def assess_one(
    settings: Settings, source: str, as_json: bool, slug: str | None = None
) -> int:
    """Assess one article against a story's corpus plus everything it learned so far:
    the default story's, or that of the configured story `slug` (`--story`)."""
    story = None if slug is None else chosen_story(settings, slug)
    document = await _read_document(settings, source)
    assessor = build_assessor(settings, story)
    db = await build_store(settings)
    try:
        await _learn_stored(db, assessor, settings, story)
    finally:
        await db.dispose()
    verdict = await asyncio.to_thread(assessor.assess, document)
    if as_json:
        print(
            json.dumps({"source": source, "title": document.title, **verdict.to_dict()}, indent=2)
        )
    else:
        print(format_verdict(document, verdict))
    return 0


async def _learn_stored(
    db: Database, assessor: Assessor, settings: Settings, story: StoryConfig | None
) -> None:
    """The story's stored verdicts (and snapshot), as `talkwatch run` would load them."""
    if story is None:
        await rebuild_knowledge(db, assessor)
        return
    ids = await sync_story_rows(db, configured_stories(settings))
    fingerprint = knowledge_fingerprint(story.fingerprint())
    await KnowledgeMemory(db, assessor, fingerprint, story_id=ids[story.slug]).rebuild()


def chosen_story(settings: Settings, slug: str) -> StoryConfig:
    """The configured story `--story SLUG` names; one line naming the argument otherwise."""
    stories = configured_stories(settings)
    for story in stories:
        if story.slug == slug:
            return story
    where = (
        f"STORIES_DIR {settings.stories_dir}"
        if settings.stories_dir is not None
        else "the one-story settings (STORIES_DIR is unset)"
    )
    known = ", ".join(story.slug for story in stories)
    raise ConfigError(f"--story {slug}: no such story in {where} (configured: {known})")


async def _read_document(settings: Settings, source: str) -> Document:
    if source.startswith(("http://", "https://")):
        async with build_client(
            read_timeout=settings.fetch_timeout_seconds,
            allow_private=settings.fetch_allow_private,
        ) as http:
            try:
                result = await Fetcher(http, max_bytes=settings.max_feed_bytes).fetch(source)
            except FetchError as exc:
                raise FetchError(f"cannot fetch {source}: {exc}") from exc
        return _document_from_bytes(result.body, url=result.url, key="cli:url")
    path = Path(source)
    try:
        body = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read it ({exc.strerror})") from None
    return _document_from_bytes(body, url="", key=f"cli:{path.name}")


def _document_from_bytes(body: bytes, *, url: str, key: str) -> Document:
    text = body.decode("utf-8", errors="replace")
    head = text.lstrip()[:1000].lower()
    if head.startswith("<") or "<html" in head or "<p>" in head:
        extracted = extract_article(body, url or "file:///article.html")
        return Document(key=key, title=extracted.title, text=extracted.text, url=url)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if lines else ""
    return Document(key=key, title=title, text="\n\n".join(lines[1:]), url=url)


def evaluate(settings: Settings, dataset: Path, as_json: bool, slug: str | None = None) -> int:
    from bot.cli.evaluate import run_eval

    if not (dataset / "stream.jsonl").is_file():
        raise ConfigError(f"{dataset}: no stream.jsonl (see the dataset format in the README)")
    topic_file = settings.topic_file if settings.topic_file.exists() else None
    configured = None if slug is None else chosen_story(settings, slug)
    return run_eval(dataset, settings.corpus_dir, topic_file, as_json, configured)


def run(settings: Settings, roles: str = "poll,assess,deliver,bot") -> int:
    from bot.pipeline.coordination import parse_roles
    from bot.service import serve

    return asyncio.run(serve(settings, roles=parse_roles(roles)))


def demo(settings: Settings, stream_dir: Path | None = None, slug: str | None = None) -> int:
    """The offline demo; `--story SLUG` judges the one stream by that configured story."""
    from bot.cli.demo import run_demo

    if stream_dir is not None and not (stream_dir / "feeds.json").is_file():
        raise ConfigError(f"{stream_dir}: no feeds.json and stream.jsonl (the eval format)")
    configured = None if slug is None else chosen_story(settings, slug)
    return asyncio.run(
        run_demo(settings, out=sys.stdout, stream_dir=stream_dir, configured=configured)
    )
