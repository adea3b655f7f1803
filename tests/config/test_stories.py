"""Story folders (STORIES_DIR) and the one-story shorthand of the single-story settings."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_assessment, build_assessor
from bot.cli.reports import format_stories_table
from bot.config.defaults import default_corpus_dir, default_feeds_file, default_topic_file
from bot.config.feeds_file import load_feeds_file
from bot.config.settings import Settings, load_settings
from bot.config.stories import configured_stories
from bot.config.story_files import story_fingerprint
from bot.domain import FeedSpec
from bot.errors import ConfigError
from bot.observe import Metrics
from bot.store import Database
from bot.store.story_table import alerts_by_story, sync_stories
from tests.support.records import alert

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STORY_TOML = """
name = "Harbour strike"
channel = "@harbour_watch"

[topic]
terms = ["dockers", "picket"]

[topic.actors]
union = ["union", "dockers"]
port = ["port authority", "harbour master"]

[[feeds]]
name = "Harbour Times"
url = "https://harbour.example/rss"
"""
FEEDS_TOML = """
[[feeds]]
name = "Coast Radio"
url = "https://coast.example/feed"
"""


def story_folder(root: Path, slug: str, story_toml: str = STORY_TOML) -> Path:
    """A story folder with the shipped corpus and the given story.toml."""
    folder = root / slug
    shutil.copytree(default_corpus_dir(), folder / "corpus")
    (folder / "story.toml").write_text(story_toml, encoding="utf-8")
    return folder


def settings_for(stories_dir: Path | None, **more: object) -> Settings:
    return load_settings(STORIES_DIR=stories_dir, DATABASE_URL="sqlite:///unused.db", **more)


def test_a_story_folder_is_a_story(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, "harbour")
    (folder / "feeds.toml").write_text(FEEDS_TOML, encoding="utf-8")
    [story] = configured_stories(settings_for(tmp_path))
    assert (story.slug, story.name, story.channel) == (
        "harbour",
        "Harbour strike",
        "@harbour_watch",
    )
    assert story.topic.name == "Harbour strike"
    assert dict(story.topic.actors)["port"] == ("port authority", "harbour master")
    assert "picket" in story.topic.terms
    assert [f.url for f in story.feeds] == [
        "https://harbour.example/rss",
        "https://coast.example/feed",
    ]


def test_a_story_without_feeds_or_channel_uses_the_shared_ones(tmp_path: Path) -> None:
    story_folder(tmp_path, "bare", 'name = "Bare story"\n')
    [story] = configured_stories(settings_for(tmp_path, TELEGRAM_CHANNEL="@everything"))
    assert story.channel == "@everything"
    assert story.feeds and story.feeds[0].url.startswith("https://feeds.bbci.co.uk/")


def test_editing_story_toml_changes_the_fingerprint(tmp_path: Path) -> None:
    folder = story_folder(tmp_path, "harbour")
    before = configured_stories(settings_for(tmp_path))[0].fingerprint()
    (folder / "story.toml").write_text(
        STORY_TOML + '\n[[feeds]]\nname = "X"\nurl = "https://x.example/"\n'
    )
    assert configured_stories(settings_for(tmp_path))[0].fingerprint() != before


def test_without_stories_dir_the_single_story_settings_are_the_one_story() -> None:
    [story] = configured_stories(settings_for(None, TELEGRAM_CHANNEL="@xi_watch"))
    assert story.slug == "default" and story.channel == "@xi_watch"
    assert story.corpus_dir == default_corpus_dir()
    assert story.name.startswith("China's diplomacy over Russia's war")
    assert list(story.feeds) == load_feeds_file(default_feeds_file())
    # The fingerprint is the one before stories existed: stored knowledge snapshots stay valid.
    assert story.fingerprint() == story_fingerprint(default_corpus_dir(), default_topic_file())


@pytest.mark.parametrize(
    ("story_toml", "message"),
    [
        ('name = "X"\ncolour = "red"\n', r"story\.toml: unknown key 'colour'"),
        ('channel = "@x"\n', r"story\.toml: key 'name' must be a non-empty string"),
        ('name = "X"\nchannel = "x y"\n', r"story\.toml: key 'channel' expected a numeric"),
        ('name = "X"\n[topic]\nsides = 1\n', r"story\.toml: key 'topic\.sides' is not a topic"),
        ('name = "X"\n[topic]\nterms = 3\n', r"story\.toml: key 'topic\.terms'"),
        ('name = "X"\n[[feeds]]\nname = "F"\nurl = "ftp://f"\n', r"story\.toml, feed #1 \(F\)"),
        ('name = "X\n', r"story\.toml: not valid TOML"),
    ],
    ids=["unknown-key", "no-name", "bad-channel", "bad-topic-key", "bad-terms", "bad-feed", "toml"],
)
def test_a_bad_story_file_is_one_line_naming_file_and_key(
    tmp_path: Path, story_toml: str, message: str
) -> None:
    story_folder(tmp_path, "broken", story_toml)
    with pytest.raises(ConfigError, match=message) as caught:
        configured_stories(settings_for(tmp_path))
    assert str(tmp_path / "broken" / "story.toml") in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_without_story_toml_or_corpus_or_with_a_bad_slug(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match=r"empty/story\.toml: missing"):
        configured_stories(settings_for(tmp_path))
    shutil.rmtree(tmp_path / "empty")
    (tmp_path / "nocorpus").mkdir()
    (tmp_path / "nocorpus" / "story.toml").write_text('name = "N"\n')
    with pytest.raises(ConfigError, match=r"no corpus/ folder"):
        configured_stories(settings_for(tmp_path))
    shutil.rmtree(tmp_path / "nocorpus")
    story_folder(tmp_path, "Big Story")
    with pytest.raises(ConfigError, match=r"Big Story: its name is the story's slug"):
        configured_stories(settings_for(tmp_path))
    with pytest.raises(ConfigError, match=r"STORIES_DIR .*absent: no such folder"):
        configured_stories(settings_for(tmp_path / "absent"))


async def test_the_first_story_is_the_default_and_each_gets_a_stage(
    tmp_path: Path, sqlite_database: Database
) -> None:
    root = tmp_path / "stories"
    story_folder(root, "b-second", STORY_TOML.replace("Harbour strike", "Second"))
    story_folder(root, "a-first")
    (root / ".hidden").mkdir()
    settings = settings_for(root)
    assert [s.slug for s in configured_stories(settings)] == ["a-first", "b-second"]
    stages = (await build_assessment(settings, sqlite_database, Metrics())).stages
    assert [s.assessor.topic.name for s in stages] == ["Harbour strike", "Second"]
    assert [s.story_id for s in stages] == [1, 2]
    # Both post to @harbour_watch: each alert opens with its story's name.
    assert [s.label for s in stages] == ["Harbour strike", "Second"]


async def test_the_story_folder_drives_the_assessment_stage(
    tmp_path: Path, sqlite_database: Database
) -> None:
    story_folder(tmp_path / "stories", "harbour")
    settings = settings_for(tmp_path / "stories", TELEGRAM_CHANNEL="@not_this_one")
    assessor = build_assessor(settings)
    assert assessor.topic.name == "Harbour strike"
    stages = await build_assessment(settings, sqlite_database, Metrics(), assessor)
    assert stages.default.channel == "@harbour_watch" and stages.default.label is None


async def test_stories_table_counts_each_storys_alerts(
    tmp_path: Path, sqlite_database: Database
) -> None:
    stories = tmp_path / "stories"
    story_folder(stories, "a-first")
    story_folder(stories, "b-second", STORY_TOML.replace('channel = "@harbour_watch"\n', ""))
    # Stored before the first start claimed the default story: counted for the first story.
    await alert(sqlite_database, "Dockers strike at dawn")
    await alert(sqlite_database, "Port reopens", backlog=True)
    configured = configured_stories(settings_for(stories))
    figures = await alerts_by_story(sqlite_database, "a-first")
    assert figures["a-first"].alerts == 1 and figures["a-first"].last_alert_at is not None
    table = format_stories_table(configured, figures)
    header, first, second = table.splitlines()
    assert header.split()[:4] == ["STORY", "NAME", "CORPUS", "FEEDS"]
    assert first.startswith("a-first") and "5 articles" in first and "@harbour_watch" in first
    assert " 1 " in first and "UTC" in first
    assert second.startswith("b-second") and "(none)" in second and second.endswith("never")
    ids = await sync_stories(sqlite_database, [("b-second", "Second"), ("a-first", "First")], NOW)
    assert ids["b-second"] == 1, "the first start claims the migrated history for its first story"
    assert set(await alerts_by_story(sqlite_database, "b-second")) == {"b-second"}
    empty = format_stories_table(configured, {})
    assert "never" in empty.splitlines()[1]


def test_feed_specs_carry_over_unchanged(tmp_path: Path) -> None:
    story_folder(tmp_path, "harbour")
    [story] = configured_stories(settings_for(tmp_path))
    assert story.feeds[0] == FeedSpec(name="Harbour Times", url="https://harbour.example/rss")
