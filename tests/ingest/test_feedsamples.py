"""Robustness: every document of feedparser's own test suite ends in a recorded outcome.

Each file in ../shared/feedsamples is served over local HTTP twice (without
and with a charset in Content-Type) and polled in one cycle. Nothing may
escape the cycle; each feed ends ok (articles stored) or failed with a clear
error; stored text is valid Unicode and titles carry no markup.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain import FeedSpec, FeedStatus
from bot.ingest.fetch import Fetcher
from bot.pipeline.ingest import poll_cycle
from bot.store import Database
from bot.store.feeds import list_feeds, sync_feeds
from bot.store.models import ArticleRow
from tests.support.feed_server import FeedServer, Reply

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "feedsamples"
VARIANTS = {"bare": "application/xml", "utf8": "application/xml; charset=utf-8"}
TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
NOW = datetime(2024, 1, 1, tzinfo=UTC)

pytestmark = pytest.mark.slow


def sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        pytest.skip(f"feed samples not found at {SAMPLES} (the shared folder is absent)")
    return sorted(
        p
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.suffix in {".xml", ".json", ".rdf", ".atom", ".rss"}
    )


def serve_samples(server: FeedServer, files: list[Path]) -> list[FeedSpec]:
    by_path = {
        f"/{variant}/{p.relative_to(SAMPLES).as_posix()}": (p, ctype)
        for p in files
        for variant, ctype in VARIANTS.items()
    }

    def reply(path: str) -> Reply | None:
        found = by_path.get(path.split("?", 1)[0])
        return Reply(found[0].read_bytes(), content_type=found[1]) if found else None

    server.fallback = reply
    return [FeedSpec(name=path, url=server.url(path)) for path in by_path]


def valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


async def test_every_sample_feed_ends_in_a_recorded_outcome(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    files = sample_files()
    specs = serve_samples(server, files)
    await sync_feeds(sqlite_database, specs, now=NOW)
    started = time.perf_counter()

    report = await poll_cycle(sqlite_database, fetcher, now=NOW, concurrency=32)

    elapsed = time.perf_counter() - started
    feeds = await list_feeds(sqlite_database)
    statuses = Counter(f.last_status for f in feeds)
    print(
        f"\nfeedsamples: {len(files)} files, {len(feeds)} feeds polled in {elapsed:.1f}s: "
        f"{statuses['ok']} ok, {statuses['failed']} failed, {report.new_articles} articles stored"
    )
    kinds = Counter((f.last_error or "").split(":")[0] for f in feeds if f.last_status == "failed")
    print(f"failures by kind: {dict(kinds)}")
    assert len(report.outcomes) == len(specs) == len(feeds)
    assert set(statuses) <= {"ok", "failed"}
    failed = [f for f in feeds if f.last_status == FeedStatus.FAILED]
    assert all(f.last_error and not f.last_error.startswith("internal error") for f in failed), [
        (f.name, f.last_error)
        for f in failed
        if not f.last_error or f.last_error.startswith("internal")
    ][:5]
    async with sqlite_database.session() as session:
        stored = list(await session.scalars(select(ArticleRow)))
    assert len(stored) == report.new_articles > 0
    for article in stored:
        assert (
            valid_text(article.title) and valid_text(article.text) and valid_text(article.summary)
        )
        assert not TAG.search(article.title), article.title
