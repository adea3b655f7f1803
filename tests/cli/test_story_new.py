"""`talkwatch story new`: a story folder from seed pages served on 127.0.0.1 or from text files."""

from __future__ import annotations

import tomllib
from html import escape
from pathlib import Path

import pytest

from bot.cli.story_new import new_story
from bot.config.defaults import default_corpus_dir
from bot.config.settings import load_settings
from bot.config.stories import configured_stories
from bot.errors import ConfigError
from bot.ingest.feedlinks import feed_links
from tests.support.cli import talkwatch
from tests.support.feed_server import FeedServer, Reply

CORPUS = sorted(default_corpus_dir().glob("*.txt"))
HTML = "text/html; charset=utf-8"


def _page(text_file: Path, head: str = "") -> bytes:
    title, _, body = text_file.read_text(encoding="utf-8").partition("\n")
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n") if p.strip())
    return (
        f"<html><head><title>{escape(title)}</title>{head}</head><body><nav>Home | World</nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()


def _serve_seeds(server: FeedServer) -> list[str]:
    own = '<link rel="alternate" type="application/rss+xml" title="World" href="/world/rss">'
    server.route(
        "/",
        Reply(
            b'<html><head><link rel="alternate" type="application/atom+xml"'
            b' title="Top stories" href="/atom.xml"></head><body>Home</body></html>',
            content_type=HTML,
        ),
    )
    return [
        server.route(f"/news/{i}", Reply(_page(path, own), content_type=HTML))
        for i, path in enumerate(CORPUS[:3])
    ]


def test_story_new_from_local_pages_writes_corpus_vocabulary_and_feeds(
    tmp_path: Path, server: FeedServer
) -> None:
    seeds = _serve_seeds(server)
    env = {"STORIES_DIR": str(tmp_path), "FETCH_ALLOW_PRIVATE": "true"}
    result = talkwatch(
        "story", "new", "xi-call", "--from", *seeds, "--channel", "@xi_watch", env=env
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "xi-call"
    assert len(list((folder / "corpus").glob("*.txt"))) == 3
    written = (folder / "story.toml").read_text(encoding="utf-8")
    assert "#   names:" in written and "zelensk" in written.lower()
    data = tomllib.loads(written)
    assert data["channel"] == "@xi_watch"
    assert f'# url = "{server.url("/world/rss")}"' in written
    assert f'# url = "{server.url("/atom.xml")}"' in written
    # The home page is visited once for three seeds from one site: polite.
    assert len(server.requests_to("/")) == 1
    assert "it will watch for:" in result.stdout
    assert server.url("/atom.xml") in result.stdout
    [story] = configured_stories(load_settings(STORIES_DIR=tmp_path))
    assert (story.slug, story.channel) == ("xi-call", "@xi_watch")


async def test_story_new_from_text_files_and_an_unreadable_seed(tmp_path: Path) -> None:
    settings = load_settings(STORIES_DIR=tmp_path / "stories")
    (tmp_path / "stories").mkdir()
    sources = [str(p) for p in CORPUS] + [str(tmp_path / "missing.txt")]
    lines = await new_story(settings, "xi", sources, "Xi and Zelensky", None)
    assert lines[0].startswith(f"skipped {tmp_path / 'missing.txt'}: ")
    assert "story xi: Xi and Zelensky" in lines
    [story] = configured_stories(settings)
    assert story.name == "Xi and Zelensky"
    assert len(list(story.corpus_dir.glob("*.txt"))) == len(CORPUS)


async def test_an_existing_story_folder_is_refused_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "xi").mkdir()
    (tmp_path / "xi" / "keep.txt").write_text("mine", encoding="utf-8")
    settings = load_settings(STORIES_DIR=tmp_path)
    with pytest.raises(ConfigError, match="already exists: not overwriting it"):
        await new_story(settings, "xi", [str(CORPUS[0])], None, None)
    assert [p.name for p in (tmp_path / "xi").iterdir()] == ["keep.txt"]


def test_story_new_without_stories_dir_is_one_line() -> None:
    result = talkwatch("story", "new", "xi", "--from", str(CORPUS[0]))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "talkwatch: configuration error: STORIES_DIR is not set: "
        "`story new` writes the story folder there"
    )


def test_feed_links_are_the_announced_feeds_only() -> None:
    html = (
        '<link rel="alternate" type="text/html" href="/en">'
        '<link rel="alternate stylesheet" type="application/rss+xml" href="rss">'
        '<link rel="alternate" type="application/atom+xml; charset=utf-8" title="A" href="a.xml">'
        '<link rel="alternate" type="application/rss+xml" href="ftp://x/rss">'
    )
    assert feed_links(html, "https://news.example/world/") == [
        ("", "https://news.example/world/rss"),
        ("A", "https://news.example/world/a.xml"),
    ]


async def test_a_private_address_is_refused_without_fetch_allow_private(
    tmp_path: Path, server: FeedServer
) -> None:
    [seed, *_] = _serve_seeds(server)
    settings = load_settings(STORIES_DIR=tmp_path, FETCH_ALLOW_PRIVATE=False)
    with pytest.raises(ConfigError, match=r"no seed could be read \(http://127\.0\.0\.1"):
        await new_story(settings, "xi", [seed], None, None)
    assert server.log == [], "the address guard refuses before connecting"
    assert not (tmp_path / "xi").exists()
