"""Benchmark: one steady-state poll cycle over 1,000 feeds vs a naive feedparser loop.

A local server (a separate process, so the measurement is fair) serves
1,000 RSS feeds of 50 full-text items each, with ETag/Last-Modified. After
an initial cycle stores the backlog, 10% of the feeds gain new items before
each measured cycle. The naive bot runs `feedparser.parse(url)` over every
feed in sequence (in its own process). Run: `python benchmarks/poll_cycle.py`.
Last line: `RESULT speedup=<naive/steady> cycle_s=<steady seconds> peak_mb=<peak RSS MB>`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

FEEDS = 1000
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
    """1,000 feeds; `advance` gives a random 10% of them new items (and a new ETag)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.version = [0] * FEEDS
        self.cache: dict[tuple[int, int], bytes] = {}

    def advance(self, seed: int) -> None:
        for feed in random.Random(seed).sample(range(FEEDS), int(FEEDS * CHANGED_SHARE)):
            self.version[feed] += 1

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
    if not path.startswith("/feed/"):
        return "404 Not Found", "", b""
    feed = int(path.rsplit("/", 1)[1])
    etag = site.etag(feed)
    validators = f"ETag: {etag}\r\nLast-Modified: {format_datetime(EPOCH, usegmt=True)}\r\n"
    if headers.get("if-none-match") == etag:
        return "304 Not Modified", validators, b""
    return (
        "200 OK",
        validators + "Content-Type: application/rss+xml; charset=utf-8\r\n",
        site.body(feed),
    )


def serve(port_queue: mp.Queue[int]) -> None:
    async def main() -> None:
        holder: list[FeedSite] = []
        server = await asyncio.start_server(
            lambda r, w: _handle(holder[0], r, w), "127.0.0.1", 0, backlog=1024
        )
        port = server.sockets[0].getsockname()[1]
        holder.append(FeedSite(f"http://127.0.0.1:{port}"))
        port_queue.put(port)
        await server.serve_forever()

    asyncio.run(main())


# --- the naive bot (runs in its own process) ------------------------------------------------


def naive_loop(base: str, result: mp.Queue[float]) -> None:
    import feedparser

    started = time.perf_counter()
    for feed in range(FEEDS):
        parsed = feedparser.parse(f"{base}/feed/{feed}")
        assert len(parsed.entries) == ITEMS
    result.put(time.perf_counter() - started)


def run_naive(base: str) -> float:
    queue: mp.Queue[float] = mp.Queue()
    process = mp.Process(target=naive_loop, args=(base, queue))
    process.start()
    seconds = queue.get()
    process.join()
    return seconds


# --- Talkwatch's cycle ------------------------------------------------------------------------


def reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets this process's peak RSS (VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_peak_mb(_: int) -> float:
    """Peak RSS of a parse worker (counted too: its memory is part of the cycle's cost)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_talkwatch(
    base: str, cycles: int, concurrency: int
) -> tuple[float, list[float], int, float]:
    import httpx

    from bot.domain import FeedSpec
    from bot.ingest.fetch import Fetcher, build_client
    from bot.pipeline.ingest import make_parse_pool, poll_cycle
    from bot.store import Database
    from bot.store.feeds import sync_feeds

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        await db.migrate()
        await sync_feeds(db, [FeedSpec(f"feed {i}", f"{base}/feed/{i}") for i in range(FEEDS)])
        now = datetime.now(UTC)
        pool = make_parse_pool()
        async with (
            build_client(max_connections=concurrency) as client,
            httpx.AsyncClient() as control,
        ):
            fetcher = Fetcher(client)
            started = time.perf_counter()
            first = await poll_cycle(db, fetcher, now=now, concurrency=concurrency, parser=pool)
            initial = time.perf_counter() - started
            reset_peak_rss()  # the measured peak is the steady state's, not the backlog's
            steady: list[float] = []
            for cycle in range(1, cycles + 1):
                await control.get(f"{base}/_advance?seed={cycle}")
                now += timedelta(hours=1)
                started = time.perf_counter()
                report = await poll_cycle(
                    db, fetcher, now=now, concurrency=concurrency, parser=pool
                )
                steady.append(time.perf_counter() - started)
                print(
                    f"  cycle {cycle}: {steady[-1]:.2f}s, {len(report.outcomes)} feeds, "
                    f"{report.new_articles} new articles"
                )
        worker_mb = max(pool.map(worker_peak_mb, range(4)))
        pool.shutdown()
        await db.dispose()
    return initial, steady, first.new_articles, peak_rss_mb() + worker_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=3, help="steady-state cycles to time")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    ports: mp.Queue[int] = mp.Queue()
    server = mp.Process(target=serve, args=(ports,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=30)}"
    try:
        initial, steady, stored, peak_mb = asyncio.run(
            run_talkwatch(base, args.cycles, args.concurrency)
        )
        naive = run_naive(base)
    finally:
        server.terminate()
        server.join()
    cycle_s = statistics.median(steady)
    print(f"initial cycle (backlog of {stored} articles): {initial:.2f}s")
    print(f"steady-state cycles: {', '.join(f'{s:.2f}' for s in steady)} s (median {cycle_s:.2f}s)")
    print(f"peak RSS during steady-state cycles (main + parse worker): {peak_mb:.0f} MB")
    print(f"naive sequential feedparser.parse(url) loop: {naive:.2f}s")
    print(f"RESULT speedup={naive / cycle_s:.1f} cycle_s={cycle_s:.2f} peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
