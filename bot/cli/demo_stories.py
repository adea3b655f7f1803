"""The demo's stories as story folders: each demo stream's corpus, topic, feeds and channel.

The demo runs the real multi-story pipeline, so each stream it replays becomes
a story folder in a throw-away STORIES_DIR, exactly as an operator would write
one: the corpus copied, the topic file's keys under [topic], the replay
server's feeds as the story's own [[feeds]].
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config.feeds_file import feeds_toml
from bot.config.stories import STORY_FILE, StoryConfig
from bot.config.story_files import Story


@dataclass(frozen=True, slots=True)
class DemoStory:
    """One replayed stream and the story that judges it: corpus, topic table, channel."""

    slug: str
    stream_dir: Path
    corpus_dir: Path
    # The topic's keys as a topic file holds them (`name`, `terms`, `actors`).
    topic: dict[str, Any]
    described: str
    channel: str

    @classmethod
    def of_stream(cls, slug: str, stream_dir: Path, story: Story, channel: str) -> DemoStory:
        """The stream judged by its own corpus, or by the configured corpus and topic file."""
        topic = _topic_data(story.topic_file)
        return cls(slug, stream_dir, story.corpus_dir, topic, story.describe(), channel)

    @classmethod
    def of_configured(cls, stream_dir: Path, story: StoryConfig, channel: str) -> DemoStory:
        """The stream judged by a configured story (`--story SLUG`), under its own slug."""
        topic = _topic_data(story.definition)
        if story.definition is not None and story.definition.name == STORY_FILE:
            topic = dict(topic.get("topic", {}))  # story.toml keeps its topic under [topic]
        described = f"story: the configured story {story.slug} ({story.corpus_dir})"
        topic = {**topic, "name": story.name}
        return cls(story.slug, stream_dir, story.corpus_dir, topic, described, channel)


def write_story_folder(root: Path, demo: DemoStory, feeds: list[tuple[str, str]]) -> str:
    """Write `root/slug/` (corpus/ and story.toml); return the story's name."""
    folder = root / demo.slug
    shutil.copytree(demo.corpus_dir, folder / "corpus")
    topic = dict(demo.topic)
    name = str(topic.pop("name", "") or demo.stream_dir.name)
    lines = [f"name = {json.dumps(name)}", f"channel = {json.dumps(demo.channel)}", ""]
    lines += _topic_lines(topic)
    text = "\n".join(lines) + "\n" + feeds_toml(feeds)
    (folder / "story.toml").write_text(text, encoding="utf-8")
    return name


def _topic_data(topic_file: Path | None) -> dict[str, Any]:
    if topic_file is None or not topic_file.is_file():
        return {}
    with topic_file.open("rb") as handle:
        return tomllib.load(handle)


def _topic_lines(topic: dict[str, Any]) -> list[str]:
    """The topic file's keys as story.toml's [topic] table (strings, lists and sub-tables)."""
    lines = ["[topic]"]
    tables = {key: value for key, value in topic.items() if isinstance(value, dict)}
    lines += [f"{key} = {json.dumps(value)}" for key, value in topic.items() if key not in tables]
    for key, table in tables.items():
        lines.append(f"[topic.{key}]")
        lines += [f"{json.dumps(side)} = {json.dumps(value)}" for side, value in table.items()]
    return [*lines, ""]
