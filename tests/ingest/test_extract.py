"""Page extraction keeps the article and drops the page around it (own fixtures)."""

from __future__ import annotations

import pytest

from bot.ingest.extract import extract_article
from tests.support.feed_server import fixture_bytes

URL = "http://feeds.test/news/ferry-crews-walk-out"


@pytest.fixture(scope="module")
def ferry_text() -> str:
    return extract_article(fixture_bytes("pages/cluttered-ferry-strike.html"), URL).text


def test_the_article_body_is_kept_in_order(ferry_text: str) -> None:
    assert ferry_text.startswith("Crews on the island ferry routes walked out on Wednesday")
    assert ferry_text.endswith("could hardly be worse.")
    assert ferry_text.count("\n\n") == 3


@pytest.mark.parametrize(
    "clutter",
    [
        pytest.param("Home", id="navigation"),
        pytest.param("cookie", id="cookie-banner"),
        pytest.param("FTSE", id="ticker"),
        pytest.param("Marta Olsen", id="byline"),
        pytest.param("views", id="counter"),
        pytest.param("AI assistance", id="audio-notice"),
        pytest.param("Share on", id="share-bar"),
        pytest.param("north quay", id="caption"),
        pytest.param("ALSO READ", id="also-read"),
        pytest.param("Advertisement", id="advert"),
        pytest.param("newsletter", id="newsletter"),
        pytest.param("Telegram", id="follow-us"),
        pytest.param("tram line", id="related-sidebar"),
        pytest.param("Lindqvist", id="most-read-names"),
        pytest.param("All rights reserved", id="footer"),
    ],
)
def test_page_clutter_is_dropped(ferry_text: str, clutter: str) -> None:
    assert clutter not in ferry_text


def test_a_page_that_is_all_navigation_yields_no_text() -> None:
    page = (
        "<html><body><nav><ul>"
        + "".join(f'<li><a href="/{s}">{s}</a></li>' for s in ("News", "Sport", "Weather"))
        + '</ul></nav><footer><p>&copy; 2021 Harbour Post</p><a href="/about">About</a>'
        "</footer></body></html>"
    )
    assert extract_article(page, URL).text == ""
