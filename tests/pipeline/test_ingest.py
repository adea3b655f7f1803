"""A poll cycle stores each article once, each feed's in publication order as soon as that feed
is read, and records every feed's outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli.reports import format_poll_report
from bot.domain import FeedSpec, FeedStatus
from bot.errors import FetchError
from bot.ingest.fetch import Fetcher, FetchResult
from bot.pipeline.ingest import poll_cycle, probe_feed
from bot.store import Database
from bot.store.feeds import FeedState, list_feeds, sync_feeds
from bot.store.models import ArticleRow
from tests.support.feed_server import FeedServer, Reply, fixture_bytes, serve_fixture

NOW = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)
ENVOY_PAGE = "/harbour/2023/05/16/envoy-arrives-kyiv.html"


async def watch(db: Database, urls: dict[str, str], interval: int | None = None) -> None:
    specs = [FeedSpec(name=name, url=url, interval_seconds=interval) for name, url in urls.items()]
    await sync_feeds(db, specs, now=NOW)


async def articles(db: Database) -> list[ArticleRow]:
    async with db.session() as session:
        return list(await session.scalars(select(ArticleRow).order_by(ArticleRow.id)))


async def feeds_by_name(db: Database) -> dict[str, FeedState]:
    return {feed.name: feed for feed in await list_feeds(db)}


def serve_styles(server: FeedServer) -> dict[str, str]:
    """The five feed styles, one article page, and the rest of the links left dead (404)."""
    server.route(
        ENVOY_PAGE, Reply(fixture_bytes("pages/envoy-arrives-kyiv.html"), content_type="text/html")
    )
    return {
        "wire": serve_fixture(server, "/wire/feed", "rss_full.xml", etag='"w1"'),
        "harbour": serve_fixture(
            server, "/harbour/feed", "rss_teaser.xml", last_modified="Tue, 16 May 2023 08:00:00 GMT"
        ),
        "review": serve_fixture(
            server, "/review/feed", "atom.xml", etag='"r1"', content_type="application/atom+xml"
        ),
        "globe": serve_fixture(server, "/globe/feed", "rdf.xml", etag='"g1"'),
        "newsloop": serve_fixture(server, "/newsloop/feed", "aggregator.xml", etag='"n1"'),
    }


async def test_first_cycle_stores_every_style_once_as_backlog(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(database, serve_styles(server))
    report = await poll_cycle(database, fetcher, now=NOW)

    assert report.count(FeedStatus.OK) == 5 and report.count(FeedStatus.FAILED) == 0
    stored = await articles(database)
    # 2 wire + 2 harbour + 2 review + 1 globe + 1 newsloop-only (its envoy story is harbour's)
    assert len(stored) == report.new_articles == 8
    assert all(a.backlog for a in stored)
    assert all(a.published_at is not None for a in stored)
    for feed_id in {a.feed_id for a in stored}:  # each feed is stored as soon as it is read
        published = [a.published_at for a in stored if a.feed_id == feed_id]
        assert published == sorted(published)  # type: ignore[type-var]
    feeds = await feeds_by_name(database)
    assert all(f.first_success_at == NOW and f.last_status == "ok" for f in feeds.values())


async def test_the_same_story_via_an_aggregator_redirect_is_stored_once(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(database, serve_styles(server))
    await poll_cycle(database, fetcher, now=NOW)
    envoy = [
        a for a in await articles(database) if a.title == "Chinese envoy arrives in Kyiv for talks"
    ]
    assert len(envoy) == 1
    assert envoy[0].url == server.url(ENVOY_PAGE)
    assert len(server.requests_to(ENVOY_PAGE)) == 1


async def test_teasers_get_full_text_from_the_page_and_failures_keep_the_teaser(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(database, serve_styles(server))
    await poll_cycle(database, fetcher, now=NOW)
    by_title = {a.title: a for a in await articles(database)}
    envoy = by_title["Chinese envoy arrives in Kyiv for talks"]
    assert envoy.text_source == "page" and envoy.extract_error is None
    assert envoy.text.startswith("KYIV - China's special representative")
    missing = by_title["Beijing names new envoy for Eurasian affairs"]
    assert missing.text_source == "teaser"
    assert missing.text == "The foreign ministry confirmed the appointment on Friday."
    assert "HTTP 404" in (missing.extract_error or "")
    assert by_title["Xi and Zelensky hold first call since the invasion"].text_source == "feed"


async def test_second_cycle_gets_304s_and_stores_nothing(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(database, serve_styles(server))
    await poll_cycle(database, fetcher, now=NOW)
    log_size = len(server.log)

    report = await poll_cycle(database, fetcher, now=NOW + timedelta(hours=1))

    assert report.count(FeedStatus.NOT_MODIFIED) == 5 and report.new_articles == 0
    second = server.log[log_size:]
    assert sorted(r.path for r in second) == sorted(
        ["/wire/feed", "/harbour/feed", "/review/feed", "/globe/feed", "/newsloop/feed"]
    )
    assert all(r.status == 304 for r in second)
    assert server.requests_to("/wire/feed")[1].headers["if-none-match"] == '"w1"'
    assert "if-modified-since" in server.requests_to("/harbour/feed")[1].headers
    assert len(await articles(database)) == 8


async def test_items_arriving_after_the_first_success_are_not_backlog(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    url = serve_fixture(server, "/wire/feed", "rss_full.xml", etag='"w1"')
    await watch(database, {"wire": url})
    await poll_cycle(database, fetcher, now=NOW)
    extra = (
        b"<item><title>Envoy meets Kuleba</title><guid>meridian-new-1</guid>"
        b"<link>{base}/wire/new-1?utm_campaign=x</link>"
        b"<pubDate>Thu, 01 Jun 2023 11:00:00 GMT</pubDate>"
        b"<description>" + b"Words about the meeting. " * 30 + b"</description></item></channel>"
    )
    body = fixture_bytes("rss_full.xml", server.base).replace(
        b"</channel>", extra.replace(b"{base}", server.base.encode())
    )
    server.route("/wire/feed", Reply(body, etag='"w2"'))

    report = await poll_cycle(database, fetcher, now=NOW + timedelta(hours=1))

    assert report.new_articles == 1
    newest = (await articles(database))[-1]
    assert (newest.title, newest.backlog, newest.url) == (
        "Envoy meets Kuleba",
        False,
        server.url("/wire/new-1"),
    )
    assert (await feeds_by_name(database))["wire"].first_success_at == NOW


async def test_failures_are_recorded_and_never_stop_the_cycle(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    urls = {
        "ok": serve_fixture(server, "/ok", "rss_full.xml"),
        "malformed": serve_fixture(server, "/malformed", "malformed.xml"),
        "empty": serve_fixture(server, "/empty", "empty.xml"),
        "bare": serve_fixture(server, "/bare", "no_links_dates.xml"),
        "html": serve_fixture(server, "/html", "not_a_feed.html", content_type="text/html"),
        "gone": server.route("/gone", Reply(status=410)),
        "broken": server.route("/broken", Reply(status=500)),
        "reset": server.route("/reset", Reply(reset=True)),
        "hang": server.route("/hang", Reply(b"", delay=20)),
        "huge": server.route("/huge", Reply(b"<rss>" + b" " * 1_100_000)),
        "busy": server.route("/busy", Reply(status=429, headers={"Retry-After": "3600"})),
    }
    await watch(database, urls)

    report = await poll_cycle(database, fetcher, now=NOW)

    assert report.count(FeedStatus.OK) == 4 and report.count(FeedStatus.FAILED) == 7
    feeds = await feeds_by_name(database)
    errors = {name: feeds[name].last_error or "" for name in urls}
    assert "HTML page" in errors["html"] and "HTTP 410" in errors["gone"]
    assert "HTTP 500" in errors["broken"] and "connection" in errors["reset"]
    assert "timeout" in errors["hang"] and "too large" in errors["huge"]
    assert "429" in errors["busy"]
    assert all(
        feeds[n].error_count == 1 and feeds[n].last_status == "failed" for n in urls if errors[n]
    )
    assert feeds["busy"].next_check_at >= NOW + timedelta(seconds=3600)
    assert all(a.title for a in await articles(database))


async def test_failing_feeds_back_off_exponentially(
    database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(database, {"broken": server.route("/broken", Reply(status=503))})
    now = NOW
    waits = []
    for _ in range(4):
        await poll_cycle(database, fetcher, now=now)
        feed = (await feeds_by_name(database))["broken"]
        waits.append((feed.next_check_at - now).total_seconds())
        now = feed.next_check_at
    assert feed.error_count == 4
    for failures, wait in enumerate(waits, start=1):
        nominal = 300 * 2 ** (failures - 1)
        assert max(300, nominal * 0.75) <= wait <= nominal * 1.25

    server.route("/broken", Reply(fixture_bytes("empty.xml")))
    await poll_cycle(database, fetcher, now=now)
    healed = (await feeds_by_name(database))["broken"]
    assert (healed.error_count, healed.last_error, healed.last_status) == (0, None, "ok")
    assert healed.next_check_at == now + timedelta(seconds=300)


async def test_a_feed_ttl_and_its_interval_are_floors_on_the_next_check(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(sqlite_database, {"wire": serve_fixture(server, "/wire", "rss_full.xml")})
    await watch(
        sqlite_database, {"slow": serve_fixture(server, "/slow", "empty.xml")}, interval=1200
    )
    await sync_feeds(
        sqlite_database,
        [FeedSpec("wire", server.url("/wire")), FeedSpec("slow", server.url("/slow"), 1200)],
        now=NOW,
    )
    await poll_cycle(sqlite_database, fetcher, now=NOW, poll_interval_seconds=60)
    feeds = await feeds_by_name(sqlite_database)
    assert feeds["wire"].next_check_at == NOW + timedelta(minutes=15)  # <ttl>15</ttl>
    assert feeds["slow"].next_check_at == NOW + timedelta(seconds=1200)

    report = await poll_cycle(sqlite_database, fetcher, now=NOW + timedelta(minutes=10))
    assert report.outcomes == ()
    assert format_poll_report(report) == "No feeds were due."


class ExplodingFetcher(Fetcher):
    """A fetcher with a bug for one URL: the cycle must survive it."""

    async def fetch(self, url: str, **kwargs: str | None) -> FetchResult:
        if url.endswith("/explode"):
            raise RuntimeError("bug in a collaborator")
        return await super().fetch(url, **kwargs)  # type: ignore[arg-type]


async def test_an_unexpected_error_in_one_feed_is_recorded_not_raised(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    urls = {"ok": serve_fixture(server, "/ok", "rss_full.xml"), "bad": server.url("/explode")}
    await watch(sqlite_database, urls)
    report = await poll_cycle(sqlite_database, ExplodingFetcher(fetcher.client), now=NOW)
    assert report.count(FeedStatus.OK) == 1 and report.new_articles == 2
    bad = (await feeds_by_name(sqlite_database))["bad"]
    assert bad.last_error == "internal error: RuntimeError: bug in a collaborator"
    text = format_poll_report(report)
    assert text.startswith("Polled 2 feeds: 1 ok, 0 not modified, 1 failed; 2 new articles.")
    assert "failed http://127.0.0.1" in text


async def test_probe_feed_names_the_feed_or_says_why_not(
    server: FeedServer, fetcher: Fetcher
) -> None:
    assert (
        await probe_feed(fetcher, serve_fixture(server, "/wire", "rss_full.xml"))
        == "Meridian Wire - World Service"
    )
    with pytest.raises(ValueError, match="HTML page"):
        await probe_feed(
            fetcher, serve_fixture(server, "/page", "not_a_feed.html", content_type="text/html")
        )
    with pytest.raises(ValueError, match="not an http"):
        await probe_feed(fetcher, "ftp://example.org/feed")
    with pytest.raises(FetchError, match="HTTP 404"):
        await probe_feed(fetcher, server.url("/nothing"))
