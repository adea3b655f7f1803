"""Polite, bounded fetching: our UA, validators, size caps, redirects, Retry-After, timeouts."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.errors import FetchError, TooLarge
from bot.ingest.fetch import USER_AGENT, Fetcher, retry_after_seconds
from tests.support.feed_server import FeedServer, Reply, local_client

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


def gzip_bomb(decoded_bytes: int) -> bytes:
    """A small gzip body that inflates to `decoded_bytes` zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 1_000_000
    parts = [packer.compress(block) for _ in range(decoded_bytes // len(block))]
    return b"".join([*parts, packer.flush()])


async def test_requests_name_us_and_ask_for_feeds(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/feed", Reply(FEED))
    result = await fetcher.fetch(url)
    sent = server.requests_to("/feed")[0].headers
    assert sent["user-agent"] == USER_AGENT
    assert "application/rss+xml" in sent["accept"]
    assert result.body == FEED


async def test_conditional_get_gets_304_with_an_empty_body(
    server: FeedServer, fetcher: Fetcher
) -> None:
    modified = "Wed, 17 May 2023 10:00:00 GMT"
    url = server.route("/feed", Reply(FEED, etag='"v1"', last_modified=modified))
    first = await fetcher.fetch(url)
    assert (first.etag, first.last_modified) == ('"v1"', modified)
    second = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    sent = server.requests_to("/feed")[1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v1"', modified)


async def test_gzip_bodies_are_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/gz", Reply(gzip.compress(FEED), headers={"Content-Encoding": "gzip"}))
    assert (await fetcher.fetch(url)).body == FEED


async def test_a_body_over_the_cap_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/huge", Reply(b"x" * 2_000_000))
    with pytest.raises(TooLarge, match="too large"):
        await fetcher.fetch(url)


async def test_a_gzip_bomb_is_stopped_by_decoded_size(server: FeedServer, fetcher: Fetcher) -> None:
    bomb = gzip_bomb(50_000_000)
    assert len(bomb) < 200_000
    url = server.route("/bomb", Reply(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(TooLarge):
        await fetcher.fetch(url)


async def test_up_to_five_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(5):
        server.route(f"/hop/{hop}", Reply(status=302, headers={"Location": f"/hop/{hop + 1}"}))
    server.route("/hop/5", Reply(FEED))
    result = await fetcher.fetch(server.url("/hop/0"))
    assert result.url == server.url("/hop/5") and result.body == FEED


async def test_a_sixth_redirect_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(7):
        server.route(f"/hop/{hop}", Reply(status=301, headers={"Location": f"/hop/{hop + 1}"}))
    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher.fetch(server.url("/hop/0"))
    assert len(server.log) == 6


async def test_redirect_loops_are_detected(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    server.route("/b", Reply(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchError, match="redirect loop"):
        await fetcher.fetch(server.url("/a"))


@pytest.mark.parametrize("status", [404, 410, 500, 502])
async def test_error_statuses_become_short_messages(
    server: FeedServer, fetcher: Fetcher, status: int
) -> None:
    url = server.route("/x", Reply(b"oops", status=status, content_type="text/plain"))
    with pytest.raises(FetchError, match=f"HTTP {status}") as caught:
        await fetcher.fetch(url)
    assert caught.value.retry_after is None


async def test_429_retry_after_seconds_is_surfaced(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/busy", Reply(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(FetchError, match="429") as caught:
        await fetcher.fetch(url)
    assert caught.value.retry_after == 120


async def test_503_retry_after_http_date_is_surfaced(server: FeedServer, fetcher: Fetcher) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)
    url = server.route("/down", Reply(status=503, headers={"Retry-After": when}))
    with pytest.raises(FetchError, match="503") as caught:
        await fetcher.fetch(url)
    assert caught.value.retry_after is not None and 590 <= caught.value.retry_after <= 600


def test_retry_after_parsing_cases() -> None:
    now = datetime(2023, 5, 1, tzinfo=UTC)
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("Mon, 01 May 2023 00:01:00 GMT", now=now) == 60
    assert retry_after_seconds("Sun, 30 Apr 2023 00:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("999999999") == 24 * 3600


async def test_a_connection_reset_is_a_fetch_error(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/reset", Reply(reset=True))
    with pytest.raises(FetchError, match="connection"):
        await fetcher.fetch(url)


async def test_a_hanging_server_hits_the_read_timeout(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.route("/hang", Reply(FEED, delay=30))
    with pytest.raises(FetchError, match="timeout"):
        await fetcher.fetch(url)


async def test_a_slow_drip_hits_the_overall_deadline(server: FeedServer) -> None:
    url = server.route("/drip", Reply(b"x" * 4000, drip=0.05))
    async with local_client() as client:
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
            await Fetcher(client, deadline_seconds=0.5).fetch(url)


async def test_nothing_but_http_is_fetched(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="not an http"):
        await fetcher.fetch("file:///etc/passwd")


async def test_an_unreachable_host_is_a_fetch_error(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="connection failed"):
        await fetcher.fetch("http://127.0.0.1:9/feed")
