"""A poll cycle stores each article once, each feed's in publication order as soon as that feed
is read, and records every feed's outcome."""

from __future__ import annotations

import asyncio
import itertools
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.reports import format_feeds_table, format_poll_report
from bot.domain import FeedSpec, FeedStatus
from bot.errors import FetchError
from bot.ingest.fetch import Fetcher, FetchResult, build_client
from bot.pipeline.ingest import Poller, PollPolicy, poll_cycle, probe_feed
from bot.store import Database
from bot.store.feeds import FeedState, list_feeds, next_due_at, sync_feeds
from bot.store.models import ArticleRow
from tests.support.feed_server import FeedServer, Reply, fixture_bytes, serve_fixture

ROOT = Path(__file__).resolve().parents[2]

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


async def test_a_feed_ignoring_validators_stores_new_entries_and_remembers_the_rest(
    sqlite_database: Database, server: FeedServer
) -> None:
    """Without a 304, the poller remembers which entries are stored and converts only new ones."""
    document = {"body": huge_feed(3)}
    url = server.route("/plain", lambda path: Reply(document["body"]))
    await watch(sqlite_database, {"plain": url})
    async with build_client(allow_private=True) as client:
        poller = Poller(sqlite_database, Fetcher(client), PollPolicy(item_cap=2))
        counts = [(await poller.cycle(NOW + timedelta(seconds=s))).new_articles for s in (0, 1)]
        document["body"] = huge_feed(5)
        counts.append((await poller.cycle(NOW + timedelta(seconds=600))).new_articles)
        feed_id = (await feeds_by_name(sqlite_database))["plain"].id
        remembered = len(poller.stored[feed_id])
        await poller.aclose()
    assert counts == [2, 1, 2]  # the item cap's rest came next time, then the two new ones
    assert remembered == 5 and len(await articles(sqlite_database)) == 5


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


async def test_a_feed_ttl_lengthens_the_interval_only_up_to_the_cap(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    hourly = fixture_bytes("rss_full.xml", server.base).replace(b"<ttl>15", b"<ttl>60")
    server.route("/wire", Reply(hourly))
    server.route(
        "/five", Reply(fixture_bytes("empty.xml").replace(b"<channel>", b"<channel><ttl>5</ttl>"))
    )
    server.route("/slow", Reply(fixture_bytes("empty.xml")))
    await sync_feeds(
        sqlite_database,
        [
            FeedSpec("wire", server.url("/wire")),
            FeedSpec("five", server.url("/five")),
            FeedSpec("slow", server.url("/slow"), 1200),
        ],
        now=NOW,
    )
    await poll_cycle(sqlite_database, fetcher, now=NOW, poll_interval_seconds=60)
    feeds = await feeds_by_name(sqlite_database)
    assert feeds["wire"].next_check_at == NOW + timedelta(minutes=15)  # ttl 60 min, capped
    assert feeds["five"].next_check_at == NOW + timedelta(minutes=5)  # ttl 5 min lengthens 60 s
    assert feeds["slow"].next_check_at == NOW + timedelta(seconds=1200)

    report = await poll_cycle(sqlite_database, fetcher, now=NOW + timedelta(minutes=4))
    assert report.outcomes == ()
    assert format_poll_report(report) == "No feeds were due."


async def test_with_hints_ignored_the_operators_interval_is_kept_exactly(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    url = serve_fixture(server, "/wire", "rss_full.xml", headers={"Cache-Control": "max-age=3600"})
    await sync_feeds(sqlite_database, [FeedSpec("wire", url, 5)], now=NOW)
    now = NOW
    for tick in range(12):  # a 1 s ticker that reaches the feed a little late each time
        now = NOW + timedelta(seconds=tick + 0.4)
        await poll_cycle(sqlite_database, fetcher, now=now, hint_max_seconds=0)
    checks = [r for r in server.log if r.path == "/wire"]
    assert len(checks) == 3  # at 0.4, 5.4 and 10.4 s: every 5 s, never 6 or 10
    assert (await feeds_by_name(sqlite_database))["wire"].next_check_at == NOW + timedelta(
        seconds=15
    )


async def test_poll_all_polls_feeds_that_are_not_due(
    sqlite_database: Database, server: FeedServer, fetcher: Fetcher
) -> None:
    await watch(sqlite_database, {"wire": serve_fixture(server, "/wire", "rss_full.xml")})
    await poll_cycle(sqlite_database, fetcher, now=NOW)
    later = NOW + timedelta(minutes=1)
    assert (await poll_cycle(sqlite_database, fetcher, now=later)).outcomes == ()
    report = await poll_cycle(sqlite_database, fetcher, now=later, everything=True)
    assert [o.status for o in report.outcomes] == [FeedStatus.OK]
    assert (await next_due_at(sqlite_database)) == later + timedelta(minutes=15)


def surrogate_feed(base: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>odd</title>"
        f"<item><title>Envoy &#xD800;arrives</title><link>{base}/a</link>"
        "<description>" + "Long enough text. " * 20 + "</description></item>"
        f"<item><title>Talks &#99999999999; resume</title><link>{base}/b</link>"
        "<description>Lost entry.</description></item>"
        f"<item><title>Ceasefire holds</title><link>{base}/c</link>"
        "<description>" + "Other long text. " * 20 + "</description></item>"
        "</channel></rss>"
    ).encode()


async def test_a_bad_character_costs_at_most_its_own_item(
    sqlite_database: Database,
    server: FeedServer,
    fetcher: Fetcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = server.route("/odd", Reply(surrogate_feed(server.base)))
    await watch(sqlite_database, {"odd": url})
    report = await poll_cycle(sqlite_database, fetcher, now=NOW)
    assert [o.status for o in report.outcomes] == [FeedStatus.OK]
    assert sorted(a.title for a in await articles(sqlite_database)) == [
        "Ceasefire holds",
        "Envoy arrives",
    ]
    assert "skipped 1 unreadable entries" in caplog.text and "OverflowError" in caplog.text


async def test_credentials_in_feed_urls_never_reach_logs_or_tables(
    sqlite_database: Database,
    server: FeedServer,
    fetcher: Fetcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.route("/private", Reply(status=500))
    secret = server.base.replace("http://", "http://reader:hunter2@")
    urls = {
        "private": f"{secret}/private?token=tok-123&api_key=key-456&lang=en",
        "bad": f"{server.base}/explode?key=key-789",
    }
    await watch(sqlite_database, urls)
    report = await poll_cycle(sqlite_database, ExplodingFetcher(fetcher.client), now=NOW)
    assert report.count(FeedStatus.FAILED) == 2
    shown = "\n".join(
        [
            caplog.text,
            format_poll_report(report),
            format_feeds_table(
                await list_feeds(sqlite_database), default_interval=300, hint_max=900
            ),
        ]
    )
    for secret_part in ("hunter2", "tok-123", "key-456", "key-789"):
        assert secret_part not in shown
    assert "http://***@127.0.0.1" in shown and "token=***" in shown and "lang=en" in shown
    sent = [r for r in server.log if r.path.startswith("/private")]
    assert sent[0].headers["authorization"].startswith("Basic ")  # the credentials still work


class ExplodingFetcher(Fetcher):
    """A fetcher with a bug for one URL: the cycle must survive it."""

    async def fetch(self, url: str, **kwargs: str | None) -> FetchResult:
        if "/explode" in url:
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


def huge_feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Item {n}</title><guid>huge-{n}</guid><description>Words {n}.</description>"
        "</item>"
        for n in range(items)
    )
    return f"<rss version='2.0'><channel><title>huge</title>{entries}</channel></rss>".encode()


async def test_a_huge_feed_is_drained_in_capped_batches_all_as_backlog(
    sqlite_database: Database, server: FeedServer
) -> None:
    url = server.route("/huge", Reply(huge_feed(1200), etag='"h1"'))
    await watch(sqlite_database, {"huge": url})
    policy = PollPolicy(item_cap=500)
    async with build_client(allow_private=True) as client:
        poller = Poller(sqlite_database, Fetcher(client), policy)
        times = [NOW + timedelta(seconds=s) for s in (0, 1, 2, 600)]
        counts = [(await poller.cycle(now)).new_articles for now in times]
        await poller.aclose()
    assert counts == [500, 500, 200, 0]
    # Until the last batch the validators are dropped, so a 304 cannot strand the rest.
    assert [r.headers.get("if-none-match") for r in server.requests_to("/huge")] == [
        *(None, None, None),
        '"h1"',
    ]
    stored = await articles(sqlite_database)
    assert len(stored) == 1200 and all(a.backlog for a in stored)
    assert (await feeds_by_name(sqlite_database))["huge"].first_success_at == NOW + timedelta(
        seconds=2
    )


async def test_a_trickling_and_a_huge_feed_never_delay_a_normal_feed(
    sqlite_database: Database, server: FeedServer
) -> None:
    """Real time, real servers: the normal feed's 1 s gaps hold while the others run."""
    seen: list[float] = []

    def normal(path: str) -> Reply:
        seen.append(time.monotonic())
        return Reply(fixture_bytes("empty.xml"), etag='"n"')

    server.route("/normal", normal)
    server.route("/trickle", Reply(b"<rss>" + b" " * 4000, drip=0.1))  # 25 s for the body
    server.route("/huge", Reply(huge_feed(6000)))
    await sync_feeds(
        sqlite_database,
        [
            FeedSpec("normal", server.url("/normal"), 1),
            FeedSpec("trickle", server.url("/trickle")),
            FeedSpec("huge", server.url("/huge"), 1),
        ],
    )
    async with build_client(allow_private=True, read_timeout=5.0) as client:
        poller = Poller(
            sqlite_database, Fetcher(client, deadline_seconds=30), PollPolicy(item_cap=1000)
        )
        started = time.monotonic()
        while time.monotonic() - started < 6:
            await poller.cycle(wait=0.1)
            await asyncio.sleep(0.2)
        in_flight = set(poller.tasks)
        feeds = await feeds_by_name(sqlite_database)
        huge = poller.tasks.get(feeds["huge"].id)
        if huge is not None:  # a loaded machine parses 6,000 items slowly: let it finish
            await asyncio.wait_for(asyncio.shield(huge), 120)
        await poller.aclose()
    gaps = [b - a for a, b in itertools.pairwise(seen)]
    assert len(seen) >= 4 and max(gaps) < 2.0, gaps
    feeds = await feeds_by_name(sqlite_database)
    assert feeds["trickle"].id in in_flight  # still dripping, never waited for
    assert len(server.requests_to("/trickle")) == 1  # and never started twice
    assert feeds["huge"].last_status == "ok"


ORPHAN_SCRIPT = """
import sys, time
from bot.pipeline.ingest import make_parse_pool
pool = make_parse_pool(2)
list(pool.map(time.sleep, [0.3, 0.3]))
print(" ".join(str(pid) for pid in pool._processes), flush=True)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_parse_pool_dies_with_its_parent_even_after_kill_9() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the resource tracker reports the semaphores it cleans up
        text=True,
        cwd=ROOT,
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "pool workers outlived their parent"
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
