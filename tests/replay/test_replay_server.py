"""The replay server against a real HTTP client, over the shipped sample stream.

Each feed style must parse with feedparser into the released items, teaser
pages must carry the full body, aggregator links must redirect to the article,
release must grow the feeds step by step, and validators must earn a 304.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import httpx
import pytest

from bot.assess.clutter import drop_clutter
from bot.ingest.extract import extract_article
from bot.replay import ReplayServer, StreamArticle, default_stream_dir, load_feeds, load_stream

SAMPLE = default_stream_dir()


@pytest.fixture
async def server() -> AsyncIterator[ReplayServer]:
    async with ReplayServer(SAMPLE) as replay:
        yield replay


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
        yield http


def _slug_of(style: str) -> str:
    return next(f.slug for f in load_feeds(SAMPLE) if f.style == style)


async def _entries(client: httpx.AsyncClient, server: ReplayServer, slug: str) -> list[Any]:
    response = await client.get(server.feed_url(slug))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


def _expected(server: ReplayServer, slug: str) -> list[StreamArticle]:
    return sorted(
        (a for a in server.released if a.feed == slug), key=lambda a: a.published, reverse=True
    )


def test_sample_stream_follows_the_devset_format() -> None:
    articles = load_stream(SAMPLE)
    feeds = load_feeds(SAMPLE)
    ids = [a.id for a in articles]
    assert ids == [f"s{n:02d}" for n in range(1, len(articles) + 1)]
    assert {f.style for f in feeds} == {"rss-full", "rss-teaser", "atom", "aggregator"}
    assert {a.feed for a in articles} == {f.slug for f in feeds}
    for article in articles:
        assert 120 <= len(article.body.split()) <= 300, article.id
        assert len(article.paragraphs) >= 3, article.id
        assert all(fact in article.body for fact in article.labels.key_facts), article.id
        assert article.labels.novel == bool(article.labels.key_facts), article.id
        if article.labels.dup_of is not None:
            assert article.labels.dup_of in ids[: ids.index(article.id)]
    kinds = [a.labels for a in articles]
    assert sum(label.novel for label in kinds) >= 3
    assert any(label.dup_of for label in kinds)
    assert any(not label.relevant for label in kinds)


def test_load_stream_rejects_time_going_back(tmp_path: Path) -> None:
    lines = (SAMPLE / "stream.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "stream.jsonl").write_text("\n".join(reversed(lines[:2])), encoding="utf-8")
    with pytest.raises(ValueError, match="goes back in time"):
        load_stream(tmp_path)


def test_unknown_style_is_rejected(tmp_path: Path) -> None:
    feeds = [{"slug": "x", "title": "X", "style": "json-feed"}]
    (tmp_path / "feeds.json").write_text(json.dumps(feeds), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown style"):
        load_feeds(tmp_path)


async def test_rss_full_carries_the_whole_body(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_all()
    slug = _slug_of("rss-full")
    entries = await _entries(client, server, slug)
    expected = _expected(server, slug)
    assert [e["title"] for e in entries] == [a.title for a in expected]
    for entry, article in zip(entries, expected, strict=True):
        assert entry["link"] == server.article_url(article)
        assert entry["id"] == server.article_url(article)
        assert entry["published_parsed"][:5] == article.published.timetuple()[:5]
        content = entry["content"][0]["value"]
        assert all(f"<p>{escape(p)}</p>" in content for p in article.paragraphs)


async def test_rss_teaser_carries_only_the_summary(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_all()
    slug = _slug_of("rss-teaser")
    entries = await _entries(client, server, slug)
    expected = _expected(server, slug)
    assert [(e["title"], e["summary"]) for e in entries] == [(a.title, a.summary) for a in expected]
    assert all("content" not in e for e in entries)
    assert [e["link"] for e in entries] == [server.article_url(a) for a in expected]


async def test_atom_entries_have_stable_ids_and_summaries(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_all()
    slug = _slug_of("atom")
    response = await client.get(server.feed_url(slug))
    parsed = feedparser.parse(response.content)
    assert parsed.version == "atom10"
    expected = _expected(server, slug)
    assert [e.title for e in parsed.entries] == [a.title for a in expected]
    assert [e.summary for e in parsed.entries] == [a.summary for a in expected]
    assert [e.link for e in parsed.entries] == [server.article_url(a) for a in expected]
    assert all(str(server.base_url) not in e.id for e in parsed.entries)


async def test_aggregator_titles_name_the_outlet_and_links_redirect(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_all()
    slug = _slug_of("aggregator")
    entries = await _entries(client, server, slug)
    expected = _expected(server, slug)
    assert [e["title"] for e in entries] == [a.title for a in expected]
    for entry, article in zip(entries, expected, strict=True):
        outlet = article.title.rsplit(" - ", 1)[1]
        assert entry["source"]["title"] == outlet
        link = str(entry["link"])
        assert link.startswith(f"{server.base_url}/r?u=")
        hop = await client.get(link)
        assert hop.status_code == 302
        assert hop.headers["location"] == server.article_url(article)
        landed = await client.get(link, follow_redirects=True)
        assert landed.status_code == 200
        assert str(landed.url) == server.article_url(article)
        assert escape(article.paragraphs[-1]) in landed.text


async def test_redirect_refuses_foreign_and_unreleased_targets(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    article = server.articles[-1]
    unreleased = await client.get(f"{server.base_url}/r?u={quote(server.article_url(article))}")
    foreign = await client.get(f"{server.base_url}/r?u={quote('https://example.org/x')}")
    assert (unreleased.status_code, foreign.status_code) == (404, 404)


async def test_teaser_pages_carry_the_full_body_inside_boilerplate(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_all()
    teasers = [a for a in server.articles if a.feed == _slug_of("rss-teaser")]
    for article in teasers:
        page = await client.get(server.article_url(article))
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert all(escape(p) in page.text for p in article.paragraphs)
        assert "Manage preferences" in page.text
        assert "All rights reserved" in page.text
        extracted = extract_article(page.content, server.article_url(article)).text
        assert extracted.split("\n\n") == drop_clutter(article.body).split("\n\n")


async def test_articles_appear_only_once_released(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    slug = _slug_of("rss-full")
    assert await _entries(client, server, slug) == []
    assert server.released == ()
    first = server.articles[0]
    assert (await client.get(server.article_url(first))).status_code == 404

    assert server.release_next(1) == [first]
    assert [e["title"] for e in await _entries(client, server, first.feed)] == [first.title]
    assert (await client.get(server.article_url(first))).status_code == 200

    cutoff = server.articles[5].published
    newly = server.release_until(cutoff)
    assert newly == list(server.articles[1:6])
    assert all(a.published > cutoff for a in server.pending)
    assert server.release_until(cutoff) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        server.release_until(datetime(2030, 1, 1))
    server.release_until(datetime(2100, 1, 1, tzinfo=UTC))
    assert server.pending == ()


async def test_second_request_with_validators_gets_304(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    slug = _slug_of("atom")
    server.release_until(next(a.published for a in server.articles if a.feed == slug))
    url = server.feed_url(slug)
    first = await client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    by_etag = await client.get(url, headers={"If-None-Match": etag})
    by_date = await client.get(url, headers={"If-Modified-Since": modified})
    both = await client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert [r.status_code for r in (by_etag, by_date, both)] == [304, 304, 304]
    assert by_etag.content == b""
    assert by_etag.headers["etag"] == etag

    server.release_all()
    changed = await client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_pages_answer_conditional_requests_too(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.release_next(1)
    url = server.article_url(server.articles[0])
    first = await client.get(url)
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    head = await client.head(url)
    assert (first.status_code, again.status_code, head.status_code) == (200, 304, 200)
    assert head.headers["content-length"] == str(len(first.content))
    assert head.content == b""


def test_sync_start_stop_and_initial_release() -> None:
    replay = ReplayServer(SAMPLE, released=3)
    with pytest.raises(RuntimeError):
        _ = replay.base_url
    with replay, httpx.Client(timeout=5, trust_env=False) as http:
        assert len(replay.released) == 3
        index = http.get(replay.base_url + "/")
        assert index.status_code == 200
        assert all(url in index.text for _, url in replay.feed_urls)
        assert http.get(replay.base_url + "/nowhere").status_code == 404
    with pytest.raises(RuntimeError):
        _ = replay.base_url
