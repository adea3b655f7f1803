"""The stories this Talkwatch follows: the folders of STORIES_DIR, or the one-story settings.

A story folder (its name is the story's slug, used in commands):

    <slug>/story.toml   name, channel, an optional [topic] refinement, optional [[feeds]]
    <slug>/corpus/      the baseline articles, one .txt file each (first line the headline)
    <slug>/feeds.toml   optional, more [[feeds]] in the FEEDS_FILE format

A story without feeds of its own polls FEEDS_FILE's; one without a channel posts to
TELEGRAM_CHANNEL. Without STORIES_DIR, FEEDS_FILE, CORPUS_DIR, TOPIC_FILE and
TELEGRAM_CHANNEL describe the one story, as before stories existed. A mistake in a
story file is one ConfigError naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.assess import Topic, parse_topic
from bot.assess.topic import TopicError
from bot.config.feeds_file import feed_specs, load_feeds_file
from bot.config.settings import CHANNEL_FORM, Settings, is_channel
from bot.config.story_files import load_topic, story_fingerprint
from bot.domain import FeedSpec
from bot.errors import ConfigError

STORY_FILE = "story.toml"
# The slug of the one story the single-story settings describe.
SHORTHAND_SLUG = "default"
_STORY_KEYS = frozenset({"name", "channel", "topic", "feeds"})
# Slugs are typed in chat commands (/subscribe SLUG): lower case, no spaces.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def is_slug(value: str) -> bool:
    """Whether `value` can name a story folder (and be typed in /subscribe SLUG)."""
    return bool(_SLUG.match(value))


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """One story as configured: what it is about, what it polls, where it alerts."""

    slug: str
    name: str
    corpus_dir: Path
    topic: Topic
    # The file whose bytes define the topic (story.toml or TOPIC_FILE): part of the fingerprint.
    definition: Path | None
    feeds: tuple[FeedSpec, ...]
    channel: str | None

    def fingerprint(self) -> str:
        """Changes whenever the corpus or the story's definition does."""
        return story_fingerprint(self.corpus_dir, self.definition)


def configured_stories(settings: Settings) -> list[StoryConfig]:
    """Every configured story, the default (first) one first."""
    if settings.stories_dir is None:
        return [_shorthand_story(settings)]
    shared_feeds = _shared_feeds(settings)
    channel = settings.telegram_channel
    return [
        load_story_folder(folder, shared_feeds, channel)
        for folder in story_folders(settings.stories_dir)
    ]


def story_folders(stories_dir: Path) -> list[Path]:
    """The story folders of STORIES_DIR in name order; hidden entries and files are skipped."""
    if not stories_dir.is_dir():
        raise ConfigError(f"STORIES_DIR {stories_dir}: no such folder")
    folders = sorted(p for p in stories_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise ConfigError(f"STORIES_DIR {stories_dir}: holds no story folder")
    return folders


def load_story_folder(
    folder: Path, shared_feeds: tuple[FeedSpec, ...], default_channel: str | None
) -> StoryConfig:
    """One story folder; its own feeds replace the shared ones, its channel the default."""
    path = folder / STORY_FILE
    if not _SLUG.match(folder.name):
        raise ConfigError(
            f"story folder {folder}: its name is the story's slug and must be lower-case"
            " letters, digits, - or _"
        )
    data = _read_toml(path)
    unknown = sorted(set(data) - _STORY_KEYS)
    if unknown:
        known = ", ".join(sorted(_STORY_KEYS))
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known: {known})")
    name = _name(path, data.get("name"))
    corpus = folder / "corpus"
    if not corpus.is_dir():
        raise ConfigError(f"{path}: the story has no corpus/ folder beside it")
    feeds = _own_feeds(path, data.get("feeds", []), folder / "feeds.toml") or shared_feeds
    channel = _channel(path, data.get("channel", default_channel))
    topic = _topic(path, name, data.get("topic", {}))
    return StoryConfig(folder.name, name, corpus, topic, path, feeds, channel)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: missing (every story folder needs one)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _name(path: Path, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: key 'name' must be a non-empty string")
    return value.strip()


def _channel(path: Path, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not is_channel(value.strip()):
        raise ConfigError(f"{path}: key 'channel' {CHANNEL_FORM} (got {value!r})")
    return value.strip()


def _topic(path: Path, name: str, value: Any) -> Topic:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: key 'topic' must be a table ([topic])")
    try:
        return parse_topic({"name": name, **value})
    except TopicError as exc:
        problem = str(exc).removeprefix(f"topic file: {exc.key!r} ")
        raise ConfigError(f"{path}: key 'topic.{exc.key}' {problem}") from None


def _own_feeds(path: Path, entries: Any, feeds_file: Path) -> tuple[FeedSpec, ...]:
    own = feed_specs(str(path), entries)
    if feeds_file.is_file():
        known = {spec.url for spec in own}
        own += [s for s in load_feeds_file(feeds_file) if s.url not in known]
    return tuple(own)


def _shared_feeds(settings: Settings) -> tuple[FeedSpec, ...]:
    return tuple(load_feeds_file(settings.feeds_file))


def _shorthand_story(settings: Settings) -> StoryConfig:
    """The one story of FEEDS_FILE, CORPUS_DIR, TOPIC_FILE and TELEGRAM_CHANNEL."""
    topic_file = settings.topic_file if settings.topic_file.is_file() else None
    topic = load_topic(topic_file)
    return StoryConfig(
        slug=SHORTHAND_SLUG,
        name=topic.name or SHORTHAND_SLUG,
        corpus_dir=settings.corpus_dir,
        topic=topic,
        definition=topic_file,
        feeds=_shared_feeds(settings),
        channel=settings.telegram_channel,
    )
