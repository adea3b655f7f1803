"""Feeds in every style become clean items: stable identity, plain text, sane dates, outlets."""

from __future__ import annotations

import pickle

import pytest

from bot.ingest.extract import extract_article
from bot.ingest.identity import StoredPrints
from bot.ingest.parse import NotAFeed, parse_feed, split_outlet
from tests.support.feed_server import fixture_bytes

from .golden import BASE, FETCHED_AT, GOLDEN, as_json, expected, parse_fixture


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_fixture_feed_parses_to_its_golden_items(name: str) -> None:
    assert as_json(parse_fixture(name)) == expected(name)


def test_titles_and_text_carry_no_markup_or_scripts() -> None:
    for name in GOLDEN:
        for item in parse_fixture(name).items:
            assert "<" not in item.title and "&lt;" not in item.title
            assert "<p>" not in item.text and "alert(" not in item.text


def test_full_text_comes_from_content_encoded_not_the_description() -> None:
    first = parse_fixture("rss_full.xml").items[0]
    assert first.summary.startswith("Xi and Zelensky spoke")
    assert len(first.text.split()) > 80


def test_missing_dates_are_none_and_future_dates_are_clamped_to_fetch_time() -> None:
    items = {item.title: item for item in parse_fixture("no_links_dates.xml").items}
    assert items["An item with no link, guid or date"].published_at is None
    assert items["Unparseable date"].published_at is None
    assert items["Dated far ahead"].published_at == FETCHED_AT


def test_identity_falls_back_from_guid_to_link_to_content_hash() -> None:
    bare = parse_fixture("no_links_dates.xml").items
    assert bare[0].identity.startswith("hash:")
    assert parse_fixture("rss_teaser.xml").items[0].identity.startswith("url:")
    assert parse_fixture("rss_full.xml").items[0].identity == "guid:meridian-2023-0426-001"


def test_aggregator_titles_name_the_outlet_and_links_resolve_to_the_article() -> None:
    item = parse_fixture("aggregator.xml").items[0]
    assert item.title == "Chinese envoy arrives in Kyiv for talks"
    assert item.outlet == "The Harbour Post"
    assert item.url == f"{BASE}/harbour/2023/05/16/envoy-arrives-kyiv.html"


def test_ordinary_feeds_keep_dashes_in_titles_and_use_the_feed_title_as_outlet() -> None:
    items = parse_fixture("rdf.xml").items
    assert items[0].title == "Reactions to the Xi-Zelensky call"
    assert items[0].outlet == "Globe Briefs - World News"


@pytest.mark.parametrize(
    ("title", "expected_split"),
    [
        ("Envoy lands in Kyiv - Reuters", ("Envoy lands in Kyiv", "Reuters")),
        ("Kyiv - Beijing talks resume - The Post", ("Kyiv - Beijing talks resume", "The Post")),
        ("No outlet here", ("No outlet here", None)),
    ],
)
def test_split_outlet_cases(title: str, expected_split: tuple[str, str | None]) -> None:
    assert split_outlet(title) == expected_split


def test_an_html_page_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed, match="HTML page"):
        parse_feed(
            fixture_bytes("not_a_feed.html"), url=BASE, headers={"Content-Type": "text/html"}
        )


def test_an_empty_body_is_not_a_feed_but_an_empty_channel_is() -> None:
    with pytest.raises(NotAFeed, match="empty"):
        parse_feed(b"", url=BASE, headers={})
    feed = parse_feed(fixture_bytes("empty.xml", BASE), url=BASE, headers={})
    assert (feed.title, feed.items) == ("Quiet Desk", ())


def test_the_declared_http_charset_decides_the_encoding() -> None:
    feed = parse_fixture("cp1251_undeclared.xml")
    assert feed.items[0].title == "Посол Китаю в Києві"


def test_malformed_xml_keeps_what_feedparser_recovers() -> None:
    feed = parse_fixture("malformed.xml")
    assert feed.items and feed.bozo


def test_feed_ttl_is_read_in_seconds() -> None:
    assert parse_fixture("rss_full.xml").ttl_seconds == 15 * 60


def test_article_extraction_finds_the_body_and_drops_boilerplate() -> None:
    page = fixture_bytes("pages/envoy-arrives-kyiv.html")
    extracted = extract_article(page, f"{BASE}/harbour/x.html")
    assert extracted.text.startswith("KYIV - China's special representative")
    assert "Copyright" not in extracted.text and "tracking" not in extracted.text


@pytest.mark.parametrize(
    "html",
    [b"", b"\x00\xff\xfe garbage", "<" * 100_000, "<div>" * 50_000, b"<html>" + b"a" * 5_000_000],
)
def test_article_extraction_survives_hostile_html(html: str | bytes) -> None:
    extracted = extract_article(html, "http://feeds.test/x")
    assert isinstance(extracted.text, str)


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://news.test/{n}</link><description>d</description>"
        "</item>"
        for n, t in enumerate(titles)
    )
    head = "<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>"
    return f"{head}{items}</channel></rss>".encode()


def test_a_lone_surrogate_reference_is_dropped_and_the_item_kept() -> None:
    parsed = parse_feed(
        rss("Envoy &#xD800;arrives", "Talks &#55296;resume", "Quiet"), url=BASE, headers={}
    )
    assert [i.title for i in parsed.items] == ["Envoy arrives", "Talks resume", "Quiet"]
    assert parsed.skipped == 0


def test_an_entry_feedparser_cannot_read_costs_only_itself() -> None:
    parsed = parse_feed(rss("One", "Two &#99999999999; bad", "Three"), url=BASE, headers={})
    assert [i.title for i in parsed.items] == ["One", "Three"]
    assert parsed.skipped == 1 and "entry 2: OverflowError" in parsed.skip_reasons[0]


def test_entries_known_as_stored_are_counted_not_converted() -> None:
    """A steady poll converts only new entries; one named by neither guid nor link always is."""
    feed = fixture_bytes("rss_full.xml", BASE)
    everything = parse_feed(feed, url=BASE, headers={}, now=FETCHED_AT)
    stored = StoredPrints.of(item.identity for item in everything.items[1:])
    again = parse_feed(feed, url=BASE, headers={}, now=FETCHED_AT, stored=stored)
    assert again.items == everything.items[:1]
    assert len(again.already) == len(everything.items) - 1
    bare = parse_feed(fixture_bytes("no_links_dates.xml", BASE), url=BASE, headers={})
    hashed = [i for i in bare.items if i.identity.startswith("hash:")]
    known = StoredPrints.of(i.identity for i in bare.items)
    assert hashed and parse_feed(
        fixture_bytes("no_links_dates.xml", BASE), url=BASE, headers={}, stored=known
    ).items == tuple(hashed)


def test_stored_prints_survive_the_trip_to_a_parse_process() -> None:
    prints = StoredPrints.of(["guid:a", "url:https://example.org/b"])
    copy = pickle.loads(pickle.dumps(prints))
    assert "guid:a" in copy and "url:https://example.org/b" in copy and "guid:c" not in copy
    assert len(copy.with_keys(["guid:c", "guid:a"])) == 4  # a print per key given, kept as is
