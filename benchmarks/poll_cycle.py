"""Benchmark: a steady poll cycle of Talkwatch against two real baselines, and its start-up.

A local server (its own process) serves N RSS feeds of 50 full-text items with
ETag/Last-Modified; before each measured cycle 10% of the feeds gain items.
Each contender runs in its own fresh process, against the same server, with
the server counting the 200s and 304s it sent so the work is seen to be equal:

- talkwatch (pool): the long-running service's path (`Poller`, parse processes);
- talkwatch (threads): `poll-once`'s path, parsing in threads;
- etag loop: a sequential `feedparser.parse(url, etag=, modified=)` loop storing nothing;
- reader: lemon24's `reader`, `update_feeds()` into its own SQLite file.

Reported per contender: steady-cycle wall and CPU seconds (parse workers
included) and peak RSS during steady cycles (process and workers). Then the
start-up time (migrate, sync, knowledge base from its snapshot) on a database of
100k stored, assessed articles. Run: `python benchmarks/poll_cycle.py`
(`--feeds 1000` and `--startup-articles 0` for a quick run). Last line:
`RESULT speedup_vs_reader=.. cpu_vs_reader=.. speedup_vs_etag_loop=.. cycle_s=.. peak_mb=..
peak_mb_5k=.. startup_s_100k=..` (talkwatch = the service path).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ITEMS = 50
CHANGED_SHARE = 0.10
NEW_ITEMS_PER_CHANGE = 5
WORDS = [
    "China",
    "Ukraine",
    "envoy",
    "peace",
    "talks",
    "Kyiv",
    "Beijing",
    "Moscow",
    "minister",
    "visit",
    "said",
    "officials",
    "statement",
    "meeting",
    "foreign",
    "ministry",
    "plan",
    "war",
    "ceasefire",
    "diplomats",
    "capital",
]
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


# --- the feed server (runs in its own process) -------------------------------------------


class FeedSite:
    """`feeds` feeds; `advance` gives a random 10% of them new items (and a new ETag)."""

    def __init__(self, base: str, feeds: int) -> None:
        self.base, self.feeds = base, feeds
        self.version = [0] * feeds
        self.cache: dict[tuple[int, int], bytes] = {}
        self.served = {200: 0, 304: 0}

    def advance(self, seed: int) -> None:
        for feed in random.Random(seed).sample(range(self.feeds), int(self.feeds * CHANGED_SHARE)):
            self.version[feed] += 1
        self.served = {200: 0, 304: 0}

    def body(self, feed: int) -> bytes:
        key = (feed, self.version[feed])
        if key not in self.cache:
            self.cache[key] = self._render(feed, self.version[feed])
        return self.cache[key]

    def _render(self, feed: int, version: int) -> bytes:
        newest = version * NEW_ITEMS_PER_CHANGE + ITEMS
        items = "".join(self._item(feed, n) for n in range(newest - 1, newest - ITEMS - 1, -1))
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Bench feed {feed}</title><link>{self.base}/site/{feed}</link>"
            f"<description>bench</description>{items}</channel></rss>"
        ).encode()

    def _item(self, feed: int, n: int) -> str:
        rng = random.Random(feed * 100_000 + n)
        text = " ".join(rng.choice(WORDS) for _ in range(120))
        when = format_datetime(EPOCH + timedelta(minutes=feed + n * 7), usegmt=True)
        return (
            f"<item><title>Feed {feed} story {n}: {' '.join(rng.choice(WORDS) for _ in range(6))}"
            f"</title><link>{self.base}/a/{feed}/{n}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>bench-{feed}-{n}</guid><pubDate>{when}</pubDate>"
            f"<description>{text[:120]}</description>"
            f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>"
        )

    def etag(self, feed: int) -> str:
        return f'"{feed}-{self.version[feed]}"'


async def _handle(
    site: FeedSite, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {
                k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
            }
            status, extra, body = _respond(site, path, headers)
            close = headers.get("connection", "").lower() == "close"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}"
                f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def _respond(site: FeedSite, path: str, headers: dict[str, str]) -> tuple[str, str, bytes]:
    if path.startswith("/_advance"):
        site.advance(int(path.rsplit("=", 1)[1]))
        return "200 OK", "", b"ok"
    if path.startswith("/_served"):
        return "200 OK", "", f"{site.served[200]} {site.served[304]}".encode()
    if not path.startswith("/feed/"):
        return "404 Not Found", "", b""
    feed = int(path.rsplit("/", 1)[1])
    etag = site.etag(feed)
    modified = format_datetime(EPOCH + timedelta(hours=site.version[feed]), usegmt=True)
    validators = f"ETag: {etag}\r\nLast-Modified: {modified}\r\n"
    if headers.get("if-none-match") == etag or (
        "if-none-match" not in headers and headers.get("if-modified-since") == modified
    ):
        site.served[304] += 1
        return "304 Not Modified", validators, b""
    site.served[200] += 1
    return (
        "200 OK",
        validators + "Content-Type: application/rss+xml; charset=utf-8\r\n",
        site.body(feed),
    )


def serve(port_queue: mp.Queue[int], feeds: int) -> None:
    async def main() -> None:
        holder: list[FeedSite] = []
        server = await asyncio.start_server(
            lambda r, w: _handle(holder[0], r, w), "127.0.0.1", 0, backlog=4096
        )
        port = server.sockets[0].getsockname()[1]
        holder.append(FeedSite(f"http://127.0.0.1:{port}", feeds))
        port_queue.put(port)
        await server.serve_forever()

    asyncio.run(main())


# --- measuring a process and its helpers -------------------------------------------------


def _proc(pid: int | str, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text()


def cpu_seconds(pids: list[int]) -> float:
    """CPU (user + system) of this process and of `pids` (parse workers) so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pid in pids:
        fields = _proc(pid, "stat").rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def reset_peaks(pids: list[int]) -> None:
    """Linux: writing 5 to clear_refs resets a process's peak RSS (VmHWM)."""
    for pid in ["self", *pids]:
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mb(pids: list[int]) -> float:
    """Peak RSS of this process plus its helpers since the last reset, in MB."""
    total = 0
    for pid in ["self", *pids]:
        for line in _proc(pid, "status").splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


@dataclass
class Run:
    name: str
    initial_s: float = 0.0
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    served: list[str] = field(default_factory=list)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode())


def measure(
    run: Run, base: str, cycles: int, cycle: Callable[[], None], helpers: Callable[[], list[int]]
) -> Run:
    """The first cycle (the backlog), then `cycles` timed steady cycles."""
    started = time.perf_counter()
    cycle()
    run.initial_s = time.perf_counter() - started
    reset_peaks(helpers())
    for number in range(1, cycles + 1):
        _get(f"{base}/_advance?seed={number}")
        pids = helpers()
        cpu, started = cpu_seconds(pids), time.perf_counter()
        cycle()
        run.wall.append(time.perf_counter() - started)
        run.cpu.append(cpu_seconds(pids) - cpu)
        ok, not_modified = _get(f"{base}/_served").split()
        run.served.append(f"{ok}x200/{not_modified}x304")
    run.peak_mb = peak_mb(helpers())
    return run


# --- the contenders (each in its own process) ------------------------------------------------


def talkwatch(base: str, feeds: int, cycles: int, pool: bool, out: mp.Queue[Run]) -> None:
    from bot.domain import FeedSpec
    from bot.ingest.fetch import Fetcher, build_client
    from bot.pipeline.ingest import Poller, PollPolicy, make_parse_pool
    from bot.store import Database
    from bot.store.feeds import sync_feeds

    loop = asyncio.new_event_loop()
    parser = make_parse_pool() if pool else None
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        loop.run_until_complete(db.migrate())
        specs = [FeedSpec(f"feed {i}", f"{base}/feed/{i}") for i in range(feeds)]
        loop.run_until_complete(sync_feeds(db, specs))
        client = build_client(max_connections=32, allow_private=True)
        poller = Poller(db, Fetcher(client), PollPolicy(concurrency=16), parser=parser)

        def cycle() -> None:
            loop.run_until_complete(poller.cycle(everything=True))

        def helpers() -> list[int]:
            return list(getattr(parser, "_processes", None) or [])

        name = "talkwatch (pool)" if pool else "talkwatch (threads)"
        run = measure(Run(name), base, cycles, cycle, helpers)
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(db.dispose())
    if parser is not None:
        parser.shutdown()
    out.put(run)


def etag_loop(base: str, feeds: int, cycles: int, out: mp.Queue[Run]) -> None:
    import feedparser

    validators: dict[str, tuple[str | None, str | None]] = {}

    def cycle() -> None:
        for feed in range(feeds):
            url = f"{base}/feed/{feed}"
            etag, modified = validators.get(url, (None, None))
            parsed = feedparser.parse(url, etag=etag, modified=modified)
            validators[url] = (parsed.get("etag"), parsed.get("modified"))

    out.put(measure(Run("etag loop"), base, cycles, cycle, list))


def reader_updates(base: str, feeds: int, cycles: int, out: mp.Queue[Run]) -> None:
    from reader import make_reader

    with tempfile.TemporaryDirectory() as tmp:
        reader = make_reader(str(Path(tmp) / "reader.sqlite"))
        for feed in range(feeds):
            reader.add_feed(f"{base}/feed/{feed}")
        out.put(
            measure(Run("reader"), base, cycles, lambda: reader.update_feeds(scheduled=False), list)
        )
        reader.close()


def in_process(target: Callable[..., None], *args: object) -> Run:
    """Run one contender in a fresh process (its memory and imports are its own)."""
    context = mp.get_context("spawn")
    queue: mp.Queue[Run] = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    run = queue.get()
    process.join()
    return run


def compare(feeds: int, cycles: int, contenders: list[str]) -> dict[str, Run]:
    ports: mp.Queue[int] = mp.Queue()
    server = mp.Process(target=serve, args=(ports, feeds), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=30)}"
    runners: dict[str, Callable[[], Run]] = {
        "pool": lambda: in_process(talkwatch, base, feeds, cycles, True),
        "threads": lambda: in_process(talkwatch, base, feeds, cycles, False),
        "etag": lambda: in_process(etag_loop, base, feeds, cycles),
        "reader": lambda: in_process(reader_updates, base, feeds, cycles),
    }
    runs: dict[str, Run] = {}
    try:
        for name in contenders:
            runs[name] = runners[name]()
            show(runs[name], feeds)
    finally:
        server.terminate()
        server.join()
    return runs


def show(run: Run, feeds: int) -> None:
    walls = ", ".join(f"{w:.2f}" for w in run.wall)
    print(
        f"  {feeds:,} feeds  {run.name:<20} first {run.initial_s:6.1f} s | steady {walls} s "
        f"(median {statistics.median(run.wall):.2f}), CPU {statistics.median(run.cpu):.2f} s, "
        f"peak {run.peak_mb:.0f} MB | served {', '.join(run.served)}",
        flush=True,
    )


# --- start-up on a large database --------------------------------------------------------------


async def fill(url: str, articles: int) -> None:
    """A database of `articles` stored, assessed, relevant articles (as months of polling leave)."""
    from sqlalchemy import insert
    from sqlalchemy import text as sql

    from bot.domain import Assessment
    from bot.store import Database
    from bot.store.models import ArticleRow

    db = Database(url)
    await db.migrate()
    now = datetime.now(UTC)
    rng = random.Random(7)
    async with db.session() as session:
        for start in range(0, articles, 5000):
            rows = []
            for n in range(start, min(start + 5000, articles)):
                title = f"Story {n}: " + " ".join(rng.choice(WORDS) for _ in range(6))
                text = " ".join(rng.choice(WORDS) for _ in range(150))
                verdict = Assessment(True, 0.6, None, False, 0.1, headline=title).to_dict()
                rows.append(
                    {
                        "identity": f"guid:startup-{n}",
                        "url": f"https://news.example/{n}",
                        "title": title,
                        "summary": text[:200],
                        "text": text,
                        "outlet": "Bench",
                        "published_at": now - timedelta(minutes=articles - n),
                        "fetched_at": now,
                        "content_hash": f"{n:064x}",
                        "backlog": False,
                        "assessed_at": now,
                        "verdict": verdict,
                        "relevant": True,
                    }
                )
            await session.execute(insert(ArticleRow), rows)
        # Verdicts are the default story's (as migration 0005 moves them).
        await session.execute(
            sql(
                "INSERT INTO story_verdicts (story_id, article_id, assessed_at, verdict, relevant)"
                " SELECT 1, id, assessed_at, verdict, relevant FROM articles"
                " WHERE assessed_at IS NOT NULL"
            )
        )
    await db.dispose()


STARTUP = """
import time
started = time.perf_counter()
import asyncio
from bot.app import build_assessment, build_ingest, build_store
from bot.config.settings import load_settings
from bot.observe import Metrics

async def main():
    settings = load_settings(database_url={url!r})
    db = await build_store(settings)
    ingest = await build_ingest(settings, db, feeds=[])
    assessment = await build_assessment(settings, db, Metrics())
    print(time.perf_counter() - started)
    await assessment.save_knowledge()  # what `talkwatch run` does at shutdown
    await ingest.close()
    await db.dispose()

asyncio.run(main())
"""


def _start(url: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP.format(url=url)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(done.stdout.strip().splitlines()[-1])


def startup_seconds(articles: int) -> tuple[float, float]:
    """Seconds from import to ready-to-poll on `articles` stored verdicts: (first, later).

    The first start on a database without a knowledge snapshot learns every stored
    verdict and snapshots at shutdown; every later start loads that snapshot.
    """
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'big.db'}"
        asyncio.run(fill(url, articles))
        return _start(url), _start(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=3, help="steady-state cycles to time")
    parser.add_argument("--feeds", default="1000,5000", help="feed counts, comma-separated")
    parser.add_argument("--contenders", default="pool,threads,etag,reader")
    parser.add_argument(
        "--big-contenders",
        default="pool,threads,reader",
        help="contenders for the feed counts after the first (the RESULT needs no etag loop there)",
    )
    parser.add_argument("--startup-articles", type=int, default=100_000)
    args = parser.parse_args()

    results: dict[int, dict[str, Run]] = {}
    for index, feeds in enumerate(int(n) for n in args.feeds.split(",")):
        contenders = args.contenders if index == 0 else args.big_contenders
        results[feeds] = compare(feeds, args.cycles, contenders.split(","))
    nan = float("nan")
    first_start, startup = (
        startup_seconds(args.startup_articles) if args.startup_articles else (nan, nan)
    )
    print(
        f"start-up on {args.startup_articles:,} stored articles: {startup:.1f} s from the "
        f"knowledge snapshot ({first_start:.1f} s for the very first start, which learns "
        "every verdict and leaves the snapshot)"
    )

    first = results[min(results)]
    ours = first.get("pool") or first.get("threads")
    assert ours is not None, "the RESULT line needs a talkwatch contender"
    wall = statistics.median(ours.wall)
    cpu = statistics.median(ours.cpu)

    def ratio(name: str, ours_value: float, attr: str, inverse: bool = False) -> str:
        other = first.get(name)
        if other is None:
            return "nan"
        theirs = statistics.median(getattr(other, attr))
        return f"{(ours_value / theirs) if inverse else (theirs / ours_value):.2f}"

    big = results.get(5000, {})
    big_ours = big.get("pool") or big.get("threads")
    print(
        f"RESULT speedup_vs_reader={ratio('reader', wall, 'wall')} "
        f"cpu_vs_reader={ratio('reader', cpu, 'cpu', inverse=True)} "
        f"speedup_vs_etag_loop={ratio('etag', wall, 'wall')} cycle_s={wall:.2f} "
        f"peak_mb={ours.peak_mb:.0f} "
        f"peak_mb_5k={big_ours.peak_mb if big_ours else float('nan'):.0f} "
        f"startup_s_100k={startup:.1f}"
    )


if __name__ == "__main__":
    main()
