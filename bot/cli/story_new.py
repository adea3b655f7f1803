"""`talkwatch story new SLUG --from URL_OR_FILE ...`: a story folder from a few seed articles.

The seeds become the story's corpus; the core's own vocabulary learning
(`bot.assess.story`) reads them, and what it derives is written into
story.toml as comments, so the operator sees and can correct what the story
will be judged by before it goes live. Feeds are suggested from the seed pages'
own `<link rel="alternate">` and their sites' home pages, fetched one at a
time through the fetcher's address guard. A seed that cannot be read is one
line and is skipped; an existing folder is never overwritten.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from bot.assess.analysis import analyse
from bot.assess.story import StoryVocabulary
from bot.config.settings import CHANNEL_FORM, Settings, is_channel
from bot.config.stories import STORY_FILE, is_slug, load_story_folder
from bot.domain import Document
from bot.errors import ConfigError, FetchError
from bot.ingest.extract import extract_article
from bot.ingest.feedlinks import feed_links
from bot.ingest.fetch import Fetcher, build_client

# Derived lists (most frequent first) longer than this are cut: the head is what matters.
SHOWN_TERMS = 20
# The story's commonest phrases, offered as [topic] terms to uncomment.
SHOWN_PHRASES = 8


@dataclass
class Seeds:
    """What the seed sources gave: corpus documents, suggested feeds, skipped sources."""

    documents: list[Document] = field(default_factory=list)
    feeds: dict[str, str] = field(default_factory=dict)  # url -> title
    skipped: list[str] = field(default_factory=list)


async def new_story(
    settings: Settings, slug: str, sources: list[str], name: str | None, channel: str | None
) -> list[str]:
    """Write the story folder; return the lines to print (what it will watch for)."""
    folder = _target(settings, slug, channel)
    seeds = await read_seeds(settings, sources)
    if not seeds.documents:
        raise ConfigError(f"story new {slug}: no seed could be read ({'; '.join(seeds.skipped)})")
    vocabulary = derive_vocabulary(seeds.documents)
    # Unnamed, the story is called after its first seed's headline: the operator knows it.
    title = (name or "").strip() or seeds.documents[0].title or slug
    _write_folder(folder, title, channel, seeds, vocabulary)
    story = load_story_folder(folder, (), channel)
    return _report(story.slug, folder, title, seeds, vocabulary)


def _target(settings: Settings, slug: str, channel: str | None) -> Path:
    if settings.stories_dir is None:
        raise ConfigError("STORIES_DIR is not set: `story new` writes the story folder there")
    if not is_slug(slug):
        raise ConfigError(f"story slug {slug!r}: lower-case letters, digits, - or _")
    if channel is not None and not is_channel(channel):
        raise ConfigError(f"--channel {CHANNEL_FORM} (got {channel!r})")
    folder = settings.stories_dir / slug
    if folder.exists():
        raise ConfigError(f"{folder} already exists: not overwriting it (choose another slug)")
    return folder


async def read_seeds(settings: Settings, sources: list[str]) -> Seeds:
    """Each source in order: a page is fetched and extracted, a file read."""
    seeds = Seeds()
    async with build_client(
        read_timeout=settings.fetch_timeout_seconds, allow_private=settings.fetch_allow_private
    ) as http:
        fetcher = Fetcher(http, max_bytes=settings.max_feed_bytes)
        homes: set[str] = set()
        for source in sources:
            try:
                if source.startswith(("http://", "https://")):
                    await _read_page(fetcher, source, seeds, homes)
                else:
                    seeds.documents.append(_read_file(Path(source)))
            except (FetchError, OSError, UnicodeDecodeError) as exc:
                seeds.skipped.append(f"{source}: {getattr(exc, 'strerror', None) or exc}")
    return seeds


async def _read_page(fetcher: Fetcher, url: str, seeds: Seeds, homes: set[str]) -> None:
    result = await fetcher.fetch_page(url)
    extracted = extract_article(result.body, result.url)
    if not extracted.text.strip():
        raise FetchError("no article text on the page")
    seeds.documents.append(Document(key=url, title=extracted.title, text=extracted.text, url=url))
    _suggest(seeds, result.body, result.url)
    parts = urlsplit(result.url)
    home = f"{parts.scheme}://{parts.netloc}/"
    if home in homes or home == result.url:
        return
    homes.add(home)  # one visit per site, however many seeds it gave
    try:
        page = await fetcher.fetch_page(home)
    except FetchError as exc:
        seeds.skipped.append(f"{home} (home page, for feeds): {exc}")
        return
    _suggest(seeds, page.body, page.url)


def _suggest(seeds: Seeds, body: bytes, base_url: str) -> None:
    for title, url in feed_links(body.decode("utf-8", errors="replace"), base_url):
        seeds.feeds.setdefault(url, title)


def _read_file(path: Path) -> Document:
    body = path.read_bytes()
    text = body.decode("utf-8")
    if text.lstrip()[:1] == "<":
        extracted = extract_article(body, path.resolve().as_uri())
        return Document(key=path.name, title=extracted.title, text=extracted.text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise FetchError("not an article (a headline line, then the text)")
    return Document(key=path.name, title=lines[0], text="\n\n".join(lines[1:]))


@dataclass(frozen=True, slots=True)
class Derived:
    """The core's vocabulary of the seeds, each list most frequent first (what to read first)."""

    subject: list[str]
    phrases: list[str]
    names: list[str]


def derive_vocabulary(documents: list[Document]) -> Derived:
    """The core's reading of the seeds, title included, as the Assessor reads a corpus."""
    analyses = [analyse(replace(d, text=f"{d.title}\n\n{d.text}"), set()) for d in documents]
    vocabulary = StoryVocabulary.derive(analyses)
    counts: Counter[str] = Counter()
    for analysis in analyses:
        for sentence in analysis.sentences:
            counts.update(sentence.terms)
            counts.update(f"{a} {b}" for a, b in pairwise(sentence.terms))

    def ranked(words: frozenset[str]) -> list[str]:
        return sorted(words, key=lambda w: (-counts[w], w))

    return Derived(ranked(vocabulary.subject), ranked(vocabulary.phrases), ranked(vocabulary.names))


def _write_folder(
    folder: Path, name: str, channel: str | None, seeds: Seeds, vocabulary: Derived
) -> None:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for index, doc in enumerate(seeds.documents):
        stem = re.sub(r"[^a-z0-9]+", "-", doc.title.lower()).strip("-")[:40] or "article"
        (corpus / f"{index:03d}_{stem}.txt").write_text(f"{doc.title}\n\n{doc.text}\n", "utf-8")
    (folder / STORY_FILE).write_text(story_toml(name, channel, seeds, vocabulary), "utf-8")


def story_toml(name: str, channel: str | None, seeds: Seeds, vocabulary: Derived) -> str:
    """story.toml: the name and channel, the derived vocabulary and the feeds as comments."""
    channel_line = f"channel = {json.dumps(channel)}" if channel else '# channel = "@your_channel"'
    lines = [
        f"# Written by `talkwatch story new` from {len(seeds.documents)} seed articles in corpus/.",
        f"name = {json.dumps(name)}",
        channel_line,
        "",
        "# What the core derived from the corpus (it derives these again at every start).",
        "# To insist on a word or phrase, or to name the sides that must meet, edit [topic].",
        *_commented("subject words", vocabulary.subject),
        *_commented("phrases", vocabulary.phrases),
        *_commented("names", vocabulary.names),
        "[topic]",
        f"# terms = {json.dumps(vocabulary.phrases[:SHOWN_PHRASES])}",
        "# [topic.actors]",
        '# side_a = ["Name", "Other spelling"]',
        "",
        "# Suggested feeds (announced by the seed pages and their sites). Uncomment to poll",
        "# them instead of FEEDS_FILE's.",
    ]
    for url, title in seeds.feeds.items():
        lines += ["# [[feeds]]", f"# name = {json.dumps(title or urlsplit(url).netloc)}"]
        lines.append(f"# url = {json.dumps(url)}")
    return "\n".join(lines) + "\n"


def _commented(label: str, words: list[str]) -> list[str]:
    shown = ", ".join(words[:SHOWN_TERMS]) or "(none)"
    more = f" (+{len(words) - SHOWN_TERMS} more)" if len(words) > SHOWN_TERMS else ""
    return [f"#   {label}: {shown}{more}"]


def _report(slug: str, folder: Path, name: str, seeds: Seeds, vocabulary: Derived) -> list[str]:
    watched = [
        *_commented("subject words", vocabulary.subject),
        *_commented("phrases", vocabulary.phrases),
        *_commented("names", vocabulary.names),
    ]
    return [
        *[f"skipped {line}" for line in seeds.skipped],
        f"story {slug}: {name}",
        f"  wrote {folder} ({len(seeds.documents)} corpus articles, story.toml)",
        "  it will watch for:",
        *[line.replace("#   ", "    ") for line in watched],
        f"  suggested feeds: {len(seeds.feeds)}",
        *[f"    {url}" for url in seeds.feeds],
        f"next: edit {folder / STORY_FILE}, then `talkwatch story check {slug}`",
    ]
