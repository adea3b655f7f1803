"""The article stream format (dev set, holdout, demo sample) as plain data.

`stream.jsonl` holds one article per line in the order the world saw them and
`feeds.json` names the feeds and the style each is served in. The replay
server, the evaluation and the demo all read streams through `load_stream`, so
the format is checked in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config.defaults import config_dir

STYLES = frozenset({"rss-full", "rss-teaser", "atom", "aggregator"})


@dataclass(frozen=True, slots=True)
class ArticleLabels:
    """The hand labels of one article (see the dev-set README for their meaning)."""

    relevant: bool
    novel: bool
    dup_of: str | None
    key_facts: tuple[str, ...]
    borderline: bool
    note: str


@dataclass(frozen=True, slots=True)
class StreamArticle:
    """One line of `stream.jsonl`: an article as it appeared in the world."""

    id: str
    feed: str
    published: datetime
    title: str
    url_path: str
    summary: str
    body: str
    labels: ArticleLabels

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.body.split("\n\n") if p.strip())


@dataclass(frozen=True, slots=True)
class StreamFeed:
    """One entry of `feeds.json`: a feed slug, its title and the style it is served in."""

    slug: str
    title: str
    style: str


def default_stream_dir() -> Path:
    """The sample stream shipped with the package (config/demo)."""
    return config_dir() / "demo"


def second_stream_dir() -> Path:
    """The demo's second story (config/demo-second): its stream, corpus and topic."""
    return config_dir() / "demo-second"


def load_feeds(stream_dir: Path) -> list[StreamFeed]:
    """Read `feeds.json`; an unknown style is a mistake in the stream, so it raises."""
    raw = json.loads((stream_dir / "feeds.json").read_text(encoding="utf-8"))
    feeds = [StreamFeed(str(f["slug"]), str(f["title"]), str(f["style"])) for f in raw]
    for feed in feeds:
        if feed.style not in STYLES:
            raise ValueError(f"feed {feed.slug}: unknown style {feed.style!r}")
    return feeds


def load_stream(stream_dir: Path) -> list[StreamArticle]:
    """Read `stream.jsonl` in order, checking ids are unique and times never go back."""
    articles: list[StreamArticle] = []
    lines = (stream_dir / "stream.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        article = _article(json.loads(line))
        if articles and article.published < articles[-1].published:
            raise ValueError(f"stream.jsonl line {number}: {article.id} goes back in time")
        if any(a.id == article.id for a in articles):
            raise ValueError(f"stream.jsonl line {number}: duplicate id {article.id}")
        articles.append(article)
    return articles


def _article(data: dict[str, Any]) -> StreamArticle:
    labels = data["labels"]
    published = datetime.fromisoformat(str(data["published"]).replace("Z", "+00:00"))
    if published.tzinfo is None:
        raise ValueError(f"{data['id']}: published must carry a time zone")
    return StreamArticle(
        id=str(data["id"]),
        feed=str(data["feed"]),
        published=published.astimezone(UTC),
        title=str(data["title"]),
        url_path=str(data["url_path"]),
        summary=str(data["summary"]),
        body=str(data["body"]),
        labels=ArticleLabels(
            relevant=bool(labels["relevant"]),
            novel=bool(labels["novel"]),
            dup_of=labels.get("dup_of"),
            key_facts=tuple(labels.get("key_facts") or ()),
            borderline=bool(labels.get("borderline", False)),
            note=str(labels.get("note", "")),
        ),
    )
