"""However a link is decorated, the same article gets the same canonical URL and identity."""

from __future__ import annotations

import pytest

from bot.ingest.identity import (
    article_url,
    canonical_url,
    identity_key,
    mask_url,
    resolve_redirect,
)

CANONICAL_CASES = [
    ("https://Example.COM/a?utm_source=rss&utm_medium=x", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1#comments", "https://example.com/a?a=1&b=2"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://example.com/a?fbclid=1&gclid=2&id=7", "https://example.com/a?id=7"),
    ("https://example.com", "https://example.com/"),
    ("ftp://example.com/a", None),
    ("javascript:alert(1)", None),
    ("not a url", None),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://agg.test/r?u=https%3A%2F%2Fnews.test%2Fstory", "https://news.test/story"),
        ("https://agg.test/out?url=https://news.test/story&src=x", "https://news.test/story"),
        ("https://news.test/story?u=42", "https://news.test/story?u=42"),
    ],
)
def test_aggregator_redirect_links_resolve_to_the_article(link: str, expected: str) -> None:
    assert resolve_redirect(link) == expected


def test_decorated_links_to_one_article_share_an_identity() -> None:
    plain = article_url("https://news.test/story")
    decorated = article_url("https://agg.test/r?u=https://NEWS.test/story%3Futm_source%3Dagg%23top")
    assert plain == decorated
    assert identity_key(None, plain, "t", "x") == identity_key(None, decorated, "t", "x")


def test_permalink_guids_are_canonical_and_opaque_guids_kept() -> None:
    assert (
        identity_key("https://news.test/a?utm_source=x", None, "", "") == "url:https://news.test/a"
    )
    assert identity_key("tag:news.test,2023:1", None, "", "") == "guid:tag:news.test,2023:1"


def test_items_without_guid_or_link_are_named_by_their_words() -> None:
    one = identity_key(None, None, "Title", "Some  text")
    assert one == identity_key(None, None, "title", "some text")
    assert one != identity_key(None, None, "Title", "Other text")


def test_very_long_keys_are_hashed_to_fit_the_column() -> None:
    key = identity_key("x" * 5000, None, "", "")
    assert len(key) < 700


MASK_CASES = [
    ("http://user:pa55@feeds.test/rss", "http://***@feeds.test/rss"),
    ("https://feeds.test/rss?token=t0k&lang=en", "https://feeds.test/rss?token=***&lang=en"),
    (
        "https://feeds.test/rss?api_key=k&KEY=k2#top",
        "https://feeds.test/rss?api_key=***&KEY=***#top",
    ),
    ("https://feeds.test/rss?monkey=1&keyword=2", "https://feeds.test/rss?monkey=1&keyword=2"),
    ("https://a@b@feeds.test/x?access_token=z", "https://***@feeds.test/x?access_token=***"),
    ("https://feeds.test/rss", "https://feeds.test/rss"),
    ("not a url", "not a url"),
]


@pytest.mark.parametrize(("url", "shown"), MASK_CASES)
def test_secrets_in_urls_are_masked_for_logs_and_tables(url: str, shown: str) -> None:
    assert mask_url(url) == shown
