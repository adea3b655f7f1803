"""Fetching refuses internal addresses, by default, at connect time, on every hop.

The refusal tests need no network: every spelling resolves locally and is
refused before a connection is opened. A listening local server proves it:
it must receive nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.config.settings import Settings
from bot.domain import FeedSpec
from bot.errors import FetchError
from bot.ingest.addresses import (
    AddressRefused,
    GuardedBackend,
    GuardedTransport,
    Internal,
    IPAddress,
    internal_kind,
    resolve,
)
from bot.ingest.fetch import Fetcher, build_client
from bot.pipeline.ingest import poll_cycle, probe_feed
from bot.store import Database
from bot.store.feeds import list_feeds, sync_feeds
from bot.store.models import ArticleRow
from tests.support.feed_server import FeedServer, Reply

FEED = b"<rss version='2.0'><channel><title>Inside</title></channel></rss>"

# The spellings of loopback /addfeed accepted, plus the rest of internal space.
SPELLINGS = [
    ("127.0.0.1", Internal.LOOPBACK),
    ("localhost", Internal.LOOPBACK),
    ("[::1]", Internal.LOOPBACK),
    ("0.0.0.0", Internal.UNSPECIFIED),
    ("127.1", Internal.LOOPBACK),
    ("2130706433", Internal.LOOPBACK),
    ("0x7f000001", Internal.LOOPBACK),
    ("[::ffff:127.0.0.1]", Internal.LOOPBACK),
    ("user:pass@127.0.0.1", Internal.LOOPBACK),
    ("public.example@127.0.0.1", Internal.LOOPBACK),
    ("169.254.169.254", Internal.LINK_LOCAL),
    ("10.0.0.5", Internal.PRIVATE),
    ("192.168.1.1", Internal.PRIVATE),
    ("172.16.0.1", Internal.PRIVATE),
    ("[fd00::1]", Internal.PRIVATE),
    ("[fe80::1]", Internal.LINK_LOCAL),
    ("224.0.0.1", Internal.MULTICAST),
    ("240.0.0.1", Internal.PRIVATE),  # 240/4 is "reserved", and listed private by ipaddress
    ("100.64.0.1", Internal.NOT_GLOBAL),
    ("[64:ff9b::7f00:1]", Internal.LOOPBACK),
]


@pytest.fixture
async def default_fetcher() -> AsyncIterator[Fetcher]:
    """The fetcher exactly as production builds it: FETCH_ALLOW_PRIVATE off."""
    async with build_client(connect_timeout=1.0, read_timeout=1.0) as client:
        yield Fetcher(client, deadline_seconds=3.0)


def test_fetch_allow_private_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FETCH_ALLOW_PRIVATE", raising=False)
    assert Settings().fetch_allow_private is False


@pytest.mark.parametrize(("host", "kind"), SPELLINGS)
async def test_every_spelling_of_an_internal_address_is_refused_before_connecting(
    server: FeedServer, default_fetcher: Fetcher, host: str, kind: Internal
) -> None:
    port = server.url("").rsplit(":", 1)[1]
    server.route("/feed", Reply(FEED))
    with pytest.raises(AddressRefused, match=f"is a {kind} address") as refused:
        await default_fetcher.fetch(f"http://{host}:{port}/feed")
    assert "FETCH_ALLOW_PRIVATE" in str(refused.value)
    assert "pass" not in str(refused.value)
    assert server.log == []


async def test_an_octal_spelling_is_not_even_a_url(default_fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="invalid URL"):
        await default_fetcher.fetch("http://0177.0.0.1/feed")


def test_public_addresses_pass_and_embedded_ones_are_unwrapped() -> None:
    for public in ("93.184.216.34", "2606:4700::1111", "2002:5db8:d822::1"):
        assert internal_kind(ipaddress.ip_address(public)) is None
    assert internal_kind(ipaddress.ip_address("2002:7f00:1::1")) is Internal.LOOPBACK  # 6to4
    assert internal_kind(ipaddress.ip_address("::ffff:a00:5")) is Internal.PRIVATE


async def test_addfeed_gets_the_reason_and_never_the_internal_title(
    server: FeedServer, default_fetcher: Fetcher
) -> None:
    url = server.route("/admin", Reply(FEED))
    with pytest.raises(AddressRefused, match=r"refused: 127\.0\.0\.1 is a loopback address"):
        await probe_feed(default_fetcher, url)
    assert server.log == []


def local_counts_as_public(address: IPAddress) -> Internal | None:
    """The test's internet: 127.0.0.1 plays a public host, all else is judged for real."""
    return None if str(address) == "127.0.0.1" else internal_kind(address)


def guarded_client(backend: GuardedBackend) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=0)
    transport = GuardedTransport(limits=limits, backend=backend)
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(1.0))


@pytest.mark.parametrize(
    "target", ["http://127.0.0.2:{port}/x", "http://[::1]:{port}/x", "http://169.254.169.254/x"]
)
async def test_a_redirect_into_internal_space_is_refused(server: FeedServer, target: str) -> None:
    port = server.url("").rsplit(":", 1)[1]
    url = server.route("/feed", Reply(status=302, headers={"Location": target.format(port=port)}))
    async with guarded_client(GuardedBackend(classify=local_counts_as_public)) as client:
        with pytest.raises(AddressRefused, match="refused"):
            await Fetcher(client).fetch(url)
    assert [entry.path for entry in server.log] == ["/feed"]


async def test_a_name_that_rebinds_to_an_internal_address_is_refused_on_the_next_connect(
    server: FeedServer,
) -> None:
    answers = iter(["127.0.0.1", "10.0.0.5"])

    async def rebinding(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address(next(answers))] if host == "news.example" else []

    port = server.url("").rsplit(":", 1)[1]
    server.route("/feed", Reply(FEED))
    backend = GuardedBackend(resolver=rebinding, classify=local_counts_as_public)
    async with guarded_client(backend) as client:  # no keep-alive: each fetch connects anew
        fetcher = Fetcher(client)
        assert (await fetcher.fetch(f"http://news.example:{port}/feed")).body == FEED
        with pytest.raises(AddressRefused, match=r"news\.example \(10\.0\.0\.5\) is a private"):
            await fetcher.fetch(f"http://news.example:{port}/feed")
    assert len(server.log) == 1


async def test_an_item_link_to_an_internal_page_is_not_fetched(
    sqlite_database: Database, server: FeedServer
) -> None:
    port = server.url("").rsplit(":", 1)[1]
    feed = (
        "<rss version='2.0'><channel><title>t</title><item><title>Teaser</title>"
        f"<link>http://127.0.0.2:{port}/secret</link><description>Short.</description>"
        "</item></channel></rss>"
    ).encode()
    url = server.route("/feed", Reply(feed))
    await sync_feeds(sqlite_database, [FeedSpec("t", url)])
    async with guarded_client(GuardedBackend(classify=local_counts_as_public)) as client:
        report = await poll_cycle(sqlite_database, Fetcher(client))
    assert report.new_articles == 1
    assert [entry.path for entry in server.log] == ["/feed"]
    async with sqlite_database.session() as session:
        stored = (await session.scalars(select(ArticleRow))).one()
    assert (stored.text_source, stored.text) == ("teaser", "Short.")
    assert "refused: 127.0.0.2 is a loopback address" in (stored.extract_error or "")
    assert (await list_feeds(sqlite_database))[0].last_status == "ok"


async def test_allow_private_lets_the_operators_intranet_feed_through(server: FeedServer) -> None:
    url = server.route("/feed", Reply(FEED))
    async with build_client(allow_private=True) as client:
        assert (await Fetcher(client).fetch(url)).body == FEED
    assert await resolve("localhost", 80)
