"""Benchmark: 1, 2 and 3 `talkwatch run` workers sharing one PostgreSQL database.

Each run starts N real worker processes (`python -m bot run --roles ...`, dry-run,
every role) on a fresh database, against the local feed server of
`poll_cycle.py` (its own process, N feeds with ETag/304, every request logged
with its time) plus the shipped demo stream (`ReplayServer`, 4 feeds, 12 articles).

- Warm-up: the first round fetches every feed (200s) and stores its items as
  backlog; the workers assess that backlog.
- Steady: K poll intervals, all feeds 304 but the demo stream's, which releases
  its articles a batch per interval. Per interval: feed requests (bench server
  plus demo feeds), the steady-cycle time (first to last bench request of the
  round), the workers' CPU (process groups, parse processes included).
- Then the outbox drains, SIGTERM stops the workers (their exit times are
  shown), and the database is read for duplicates (`count_alerts`).

Then a micro-measurement of the database operations the coordination costs
(`claim_due_feeds`, `record_polls`, `heartbeat`, `take_lease`) on a throw-away
database (`--workers 0 --ops-feeds 5000`: that alone). Run: `python benchmarks/workers.py`
(`--quick`: 500 feeds, two intervals of 60 s). A round must end well inside the
interval: 1,000 feeds took 30-50 s per round here (`--feeds 1000 --interval 120
--intervals 2`, the README's figures), 5,000 feeds about 5 minutes, so that run
needs a longer `--interval` than the default 300 s on a loaded 2-core machine.
Last line: `RESULT requests_ratio_3w=.. dup_alerts=.. cycle_ratio_3w=..`.
PostgreSQL: `TALKWATCH_TEST_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/test);
each run creates its own database and drops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import poll_cycle

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "TALKWATCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# Words no story watches: the bench feeds' backlog is assessed (and found off-story)
# without touching what the demo stream's alerts are measured against.
QUIET_WORDS = [
    *("garden", "rainfall", "harvest", "orchard", "league", "recipe", "museum"),
    *("concert", "festival", "traffic", "bridge", "library", "market", "weather"),
    *("coast", "tide", "bakery", "season", "village", "river", "choir"),
]
TICK_SECONDS = 2
STOP_GRACE_SECONDS = 15.0
# Rounds start every interval; the next demo batch is released this far into it (the
# demo feeds come last in a round), and a round's requests are counted up to there.
RELEASE_AT = 0.85
QUIET_SECONDS = 10.0  # no request for this long: a round is over


# --- the feed server: poll_cycle's, in its own process, with a request log -----------------


def serve(ports: mp.Queue[int], feeds: int, items: int) -> None:
    """poll_cycle's server with `items` quiet items a feed; `/_log?since=N` lists feed requests.

    Each feed request is logged as [unix time, feed number, status]: the log is
    the benchmark's only count of requests, so it is kept by the server itself.
    """
    poll_cycle.ITEMS, poll_cycle.WORDS = items, QUIET_WORDS
    respond, log = poll_cycle._respond, []

    def logged(site: poll_cycle.FeedSite, path: str, headers: dict[str, str]) -> Any:
        if path.startswith("/_log"):
            return "200 OK", "", json.dumps(log[int(path.rsplit("=", 1)[1]) :]).encode()
        answer = respond(site, path, headers)
        if path.startswith("/feed/"):
            log.append([time.time(), int(path.rsplit("/", 1)[1]), answer[0][:3]])
        return answer

    poll_cycle._respond = logged
    poll_cycle.serve(ports, feeds)


@dataclass
class RequestLog:
    """The bench server's request log, read incrementally."""

    base: str
    entries: list[tuple[float, int, str]] = field(default_factory=list)

    def refresh(self) -> list[tuple[float, int, str]]:
        with urllib.request.urlopen(f"{self.base}/_log?since={len(self.entries)}") as answer:
            new = [(float(t), int(f), str(s)) for t, f, s in json.loads(answer.read())]
        self.entries += new
        return new

    def between(self, start: float, end: float) -> list[tuple[float, int, str]]:
        return [e for e in self.entries if start <= e[0] < end]


# --- databases ----------


def _on(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


async def _admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """A new, empty database for one run, dropped afterwards (even on error)."""
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _on(ADMIN_URL, name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _query(url: str, sql: str) -> list[Any]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


def query(url: str, sql: str) -> list[Any]:
    return asyncio.run(_query(url, sql))


PENDING = (
    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM story_verdicts v WHERE v.article_id = a.id)"
)
UNSENT = "SELECT count(*) FROM outbox WHERE status <> 'sent'"


def scalar(url: str, sql: str) -> int:
    try:
        return int(query(url, sql)[0][0])
    except Exception:  # tables not there yet (migrations still running)
        return -1


# --- the workers ----------


@dataclass
class Workers:
    """N `talkwatch run` processes, each the leader of its own process group."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    exit_s: list[float] = field(default_factory=list)

    def start(
        self, count: int, env: dict[str, str], roles: str, folder: Path, first: int = 0
    ) -> None:
        for number in range(first, first + count):
            out, err = folder / f"worker{number}.out", folder / f"worker{number}.err"
            self.outputs += [out, err]
            with out.open("wb") as stdout, err.open("wb") as stderr:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot", "run", "--roles", roles],
                        cwd=ROOT,
                        env=env,
                        stdout=stdout,
                        stderr=stderr,
                        start_new_session=True,
                    )
                )

    def cpu_seconds(self) -> float:
        """User + system CPU of every process in the workers' groups, reaped children included."""
        ticks, groups, total = os.sysconf("SC_CLK_TCK"), {p.pid for p in self.processes}, 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) in groups:
                    total += int(fields[11]) + int(fields[12])
                    if int(stat.parent.name) in groups:
                        total += int(fields[13]) + int(fields[14])
        return total / ticks

    def alive(self) -> int:
        return sum(p.poll() is None for p in self.processes)

    def stop(self) -> None:
        """SIGTERM each group, note how long each leader takes to exit, SIGKILL what is left."""
        started = time.monotonic()
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, STOP_GRACE_SECONDS - (time.monotonic() - started)))
                self.exit_s.append(time.monotonic() - started)
            except subprocess.TimeoutExpired:
                self.exit_s.append(float("inf"))
        self.kill()

    def kill(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)

    def last_words(self) -> str:
        """The end of the error output of each worker that has exited."""
        return "\n".join(
            f"worker {n} (exit {p.returncode}): "
            + self.outputs[2 * n + 1].read_text(errors="replace")[-3000:]
            for n, p in enumerate(self.processes)
            if p.poll() is not None
        )

    def text(self, suffix: str) -> list[str]:
        return [p.read_text(errors="replace") for p in self.outputs if p.suffix == suffix]


def worker_env(url: str, feeds_file: Path, interval: int, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TALKWATCH_"))}
    for name in ("DATABASE_URL", "STORIES_DIR", "CORPUS_DIR", "TOPIC_FILE"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=url,
        FEEDS_FILE=str(feeds_file),
        FETCH_ALLOW_PRIVATE="true",
        POLL_INTERVAL_SECONDS=str(interval),
        FEED_HINT_MAX_SECONDS="0",
        TICK_SECONDS=str(TICK_SECONDS),
        LOG_LEVEL="WARNING",
        HEALTH_PORT="0",
        XDG_DATA_HOME=str(folder),
        PYTHONUNBUFFERED="1",
    )
    return env


def write_feeds_file(path: Path, base: str, feeds: int, demo: list[tuple[str, str]]) -> None:
    entries = [(f"bench {n}", f"{base}/feed/{n}") for n in range(feeds)] + demo
    path.write_text(
        "".join(f'[[feeds]]\nname = "{name}"\nurl = "{url}"\n\n' for name, url in entries)
    )


# --- one run ----------


@dataclass
class Round:
    requests: int  # bench feeds plus demo feeds
    cycle_s: float
    refetched: int  # bench feeds requested more than once in the round
    missed: int  # bench feeds not requested in the round


@dataclass
class Outcome:
    workers: int
    warmup_s: float = 0.0
    rounds: list[Round] = field(default_factory=list)
    cpu_per_interval: float = 0.0
    alerts: int = 0
    alerting: tuple[str, ...] = ()
    dups: dict[str, int] = field(default_factory=dict)
    exit_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> float:
        return statistics.mean(r.requests for r in self.rounds)

    @property
    def cycle_s(self) -> float:
        return statistics.median(r.cycle_s for r in self.rounds)


def wait_for(what: str, check: Callable[[], bool], timeout: float, every: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)


def warm_up(log: RequestLog, url: str, feeds: int, workers: Workers, quiet: float) -> None:
    """Every bench feed fetched once with a 200, the backlog assessed, the round over."""
    seen: set[int] = set()

    def done() -> bool:
        if workers.alive() < len(workers.processes):
            raise RuntimeError(f"a worker exited during the warm-up:\n{workers.last_words()}")
        seen.update(f for _t, f, s in log.refresh() if s == "200")
        idle = not log.entries or time.time() - log.entries[-1][0] > quiet
        return len(seen) == feeds and idle and scalar(url, PENDING) == 0

    wait_for("the first round and its backlog", done, timeout=1800, every=2)


def release_sizes(total: int, batches: int) -> list[int]:
    return [total * (k + 1) // batches - total * k // batches for k in range(batches)]


def steady(
    log: RequestLog, replay: Any, feeds: int, workers: Workers, interval: int, count: int
) -> tuple[list[Round], float]:
    """K rounds, a batch of demo articles released before each; the rounds, CPU per interval.

    Round k is counted from its start (k intervals after the first steady request)
    to RELEASE_AT of the interval later, when the demo stream releases its next batch.
    """
    sizes = release_sizes(len(replay.articles), count)
    cpu, since = workers.cpu_seconds(), time.monotonic()
    replay.release_next(sizes[0])
    hits = [replay_feed_hits(replay)]
    before = len(log.entries)
    wait_for("the first steady round", lambda: bool(log.refresh()), interval * 2 + 60, 0.2)
    start = log.entries[before][0]
    for k in range(1, count + 1):
        time.sleep(max(0.0, start + (k - 1 + RELEASE_AT) * interval - time.time()))
        hits.append(replay_feed_hits(replay))
        if k < count:
            replay.release_next(sizes[k])
    cpu = (workers.cpu_seconds() - cpu) / ((time.monotonic() - since) / interval)
    log.refresh()
    rounds = []
    for k in range(count):
        opens = start + (k - 1 + RELEASE_AT) * interval if k else start
        window = log.between(opens, start + (k + RELEASE_AT) * interval)
        per_feed = Counter(f for _t, f, _s in window)
        times = [t for t, _f, _s in window] or [0.0]
        rounds.append(
            Round(
                requests=len(window) + hits[k + 1] - hits[k],
                cycle_s=max(times) - min(times),
                refetched=sum(1 for n in per_feed.values() if n > 1),
                missed=feeds - len(per_feed),
            )
        )
    return rounds, cpu


def replay_feed_hits(replay: Any) -> int:
    return sum(n for path, n in list(replay.hits.items()) if path.startswith("/feeds/"))


def run_workers(
    count: int,
    log: RequestLog,
    feeds: int,
    interval: int,
    intervals: int,
    roles: str,
    stagger: bool,
) -> Outcome:
    from bot.replay import ReplayServer
    from bot.replay.stream import default_stream_dir

    outcome, workers = Outcome(count), Workers()
    name = f"talkwatch_wbench_{os.getpid()}_{count}"
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(name) as url,
        ReplayServer(default_stream_dir()) as replay,
    ):
        folder = Path(tmp)
        write_feeds_file(folder / "feeds.toml", log.base, feeds, replay.feed_urls)
        try:
            started = time.monotonic()
            log.refresh()
            env = worker_env(url, folder / "feeds.toml", interval, folder)
            workers.start(1 if stagger else count, env, roles, folder)
            if stagger and count > 1:  # the others start once the first is polling
                wait_for("the first worker's first request", lambda: bool(log.refresh()), 300)
                workers.start(count - 1, env, roles, folder, first=1)
            warm_up(log, url, feeds, workers, quiet=QUIET_SECONDS)
            outcome.warmup_s = time.monotonic() - started
            outcome.rounds, outcome.cpu_per_interval = steady(
                log, replay, feeds, workers, interval, intervals
            )
            wait_for(
                "the last articles assessed and sent",
                lambda: scalar(url, PENDING) == 0 and scalar(url, UNSENT) == 0,
                timeout=300,
            )
            time.sleep(TICK_SECONDS * 2)  # a last delivery tick, if any
            workers.stop()
        finally:
            workers.kill()
        outcome.exit_s = workers.exit_s
        count_alerts(outcome, url, replay, workers.text(".out"))
        outcome.problems = problems(workers.text(".err"))
    return outcome


# --- counting alerts and duplicates ----------


def count_alerts(outcome: Outcome, url: str, replay: Any, stdout: list[str]) -> None:
    """Alerts, and duplicates counted the same way whatever the number of workers.

    - same_article: developments recorded twice for one (story, article);
    - same_original: developments whose stream articles share an original
      (the stream's `dup_of` labels, followed to their root);
    - outbox_rows: outbox rows twice for one (development, chat);
    - resent: messages printed (dry-run sends, all workers) beyond one per sent outbox row.
    """
    developments = query(
        url,
        "SELECT d.story_id, d.article_id, a.url FROM developments d "
        "JOIN articles a ON a.id = d.article_id WHERE NOT d.backlog",
    )
    keys = [(row[0], row[1]) for row in developments]
    stream = {a.url_path: a for a in replay.articles}
    by_id = {a.id: a for a in replay.articles}
    ids = [
        next((a.id for p, a in stream.items() if p in (row[2] or "")), str(row[2]))
        for row in developments
    ]

    def root(article_id: str) -> str:
        while article_id in by_id and by_id[article_id].labels.dup_of:
            article_id = by_id[article_id].labels.dup_of or article_id
        return article_id

    roots = Counter(root(i) for i in ids)
    sent = scalar(url, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    printed = sum(text.count("--- dry run: message ") for text in stdout)
    outcome.alerts, outcome.alerting = len(developments), tuple(sorted(ids))
    outcome.dups = {
        "same_article": len(keys) - len(set(keys)),
        "same_original": sum(n - 1 for n in roots.values()),
        "outbox_rows": scalar(
            url, "SELECT count(*) - count(DISTINCT (development_id, chat_id)) FROM outbox"
        ),
        "resent": max(0, printed - sent),
    }
    outcome.dups["edits"] = sum(text.count("--- dry run: edit of message ") for text in stdout)


def problems(stderr: list[str]) -> list[str]:
    """Warnings, errors and tracebacks the workers logged (LOG_LEVEL=WARNING), counted by line."""
    lines = Counter(
        re.sub(r"\d{4}-\d\d-\d\d[T ][\d:.]+(Z|\+00:00| UTC)?", "<time>", line.strip())[:200]
        for text in stderr
        for line in text.splitlines()
        if any(word in line for word in ("WARNING", "ERROR", "Traceback", "Error:"))
    )
    return [f"{n} x {line}" for line, n in lines.most_common(8)]


# --- per-operation database costs ----------


async def _timed(
    repeat: int,
    call: Callable[[], Awaitable[object]],
    before: Callable[[], Awaitable[object]] | None = None,
) -> float:
    """Median milliseconds of `call` over `repeat` runs (after one warm-up run);
    `before` runs ahead of each, untimed (subtracting its own median instead can
    leave a cheap statement's cost below zero)."""
    samples = []
    for run in range(repeat + 1):
        if before is not None:
            await before()
        started = time.perf_counter()
        await call()
        if run:
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


async def operation_costs(url: str, feeds: int, sizes: list[int]) -> dict[str, float]:
    """Median ms of each coordination statement on a table of `feeds` due feeds."""
    from sqlalchemy import update

    from bot.domain import FeedSpec, FeedStatus
    from bot.store import Database
    from bot.store.feeds import PollRecord, claim_due_feeds, list_feeds, record_polls, sync_feeds
    from bot.store.leases import heartbeat, register_worker, take_lease
    from bot.store.models import FeedRow

    db = Database(url)
    await db.migrate()
    await sync_feeds(db, [FeedSpec(f"bench {n}", f"http://bench.test/{n}") for n in range(feeds)])
    ids = [feed.id for feed in await list_feeds(db)]
    now = datetime.now(UTC) + timedelta(seconds=1)
    for holder in ("w1", "w2"):
        await register_worker(db, holder, host="bench", pid=0, roles=["poll"], now=now)

    async def free() -> None:
        async with db.session() as session:
            await session.execute(update(FeedRow).values(lease_holder=None, lease_expires_at=None))

    def claim(limit: int | None) -> Callable[[], Awaitable[object]]:
        return lambda: claim_due_feeds(db, now, "w1", ttl=10, limit=limit)

    def record(size: int) -> Callable[[], Awaitable[object]]:
        done = PollRecord(FeedStatus.NOT_MODIFIED, now, now, etag='"x"', last_modified="y")
        batches, turn = [ids[i : i + size] for i in range(0, len(ids), size)], iter(range(10**9))
        return lambda: record_polls(db, [(i, done) for i in batches[next(turn) % len(batches)]])

    def beat() -> Awaitable[object]:
        return heartbeat(db, "w1", now=now, ttl=10)

    costs = {f"claim_due_feeds, all {feeds:,} due": await _timed(5, claim(None), free)}
    costs[f"  the same, all {feeds:,} already ours (each tick)"] = await _timed(5, claim(None))
    for size in sizes:
        costs[f"claim_due_feeds, a batch of {size}"] = await _timed(10, claim(size), free)
        costs[f"record_polls, a batch of {size} 304s"] = await _timed(10, record(size))
    await free()
    costs["heartbeat, no feed claims"] = await _timed(20, beat)
    await take_lease(db, "assess:1", "w1", now=now, ttl=10)
    costs["take_lease, a renewal"] = await _timed(
        20, lambda: take_lease(db, "assess:1", "w1", now=now, ttl=10)
    )
    costs["take_lease, held by another"] = await _timed(
        20, lambda: take_lease(db, "assess:1", "w2", now=now, ttl=10)
    )
    await claim_due_feeds(db, now, "w1", ttl=10)
    costs[f"heartbeat, {feeds:,} feed claims"] = await _timed(10, beat)
    await db.dispose()
    return costs


def measure_operations(feeds: int, sizes: list[int]) -> dict[str, float]:
    with fresh_database(f"talkwatch_wbench_{os.getpid()}_ops") as url:
        return asyncio.run(operation_costs(url, feeds, sizes))


# --- main ----------


def show(outcome: Outcome) -> None:
    rounds = " ".join(
        f"{r.requests}/{r.cycle_s:.1f}s"
        + (f"(+{r.refetched} twice, {r.missed} missed)" if r.refetched or r.missed else "")
        for r in outcome.rounds
    )
    exits = ", ".join(f"{s:.1f}" for s in outcome.exit_s)
    print(
        f"  {outcome.workers} worker(s): warm-up {outcome.warmup_s:.0f} s | rounds "
        f"(requests/cycle) {rounds} | alerts {outcome.alerts} {','.join(outcome.alerting)} | "
        f"duplicates {outcome.dups} | exit after SIGTERM {exits} s",
        flush=True,
    )
    for line in outcome.problems:
        print(f"    worker log: {line}", flush=True)


def table(outcomes: list[Outcome]) -> None:
    print(
        f"\n{'workers':>7} {'requests/interval':>18} {'cycle s':>8} {'CPU s':>7} "
        f"{'alerts':>7} {'dup alerts':>10}"
    )
    for o in outcomes:
        dups = sum(v for k, v in o.dups.items() if k != "edits")
        print(
            f"{o.workers:>7} {o.requests:>18.1f} {o.cycle_s:>8.2f} "
            f"{o.cpu_per_interval:>7.1f} {o.alerts:>7} {dups:>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--items", type=int, default=1, help="items per bench feed (backlog)")
    parser.add_argument(
        "--workers", default="1,2,3", help="worker counts, comma-separated (0: none)"
    )
    parser.add_argument("--intervals", type=int, default=3, help="steady intervals measured")
    parser.add_argument(
        "--interval", type=int, default=300, help="POLL_INTERVAL_SECONDS (the default's 5 min)"
    )
    parser.add_argument("--roles", default="poll,assess,deliver,bot")
    parser.add_argument("--batches", default="16,500", help="batch sizes for the --ops figures")
    parser.add_argument("--ops-feeds", type=int, help="feeds for the --ops figures (--feeds)")
    parser.add_argument("--ops", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--stagger", action="store_true", help="start the others once the first is polling"
    )
    parser.add_argument("--quick", action="store_true", help="500 feeds, 2 intervals of 60 s")
    args = parser.parse_args()
    # `timeout`, a closed terminal or kill: unwind, so the workers and databases go too.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, _frame: sys.exit(128 + number))
    if args.quick:
        args.feeds, args.intervals, args.interval = 500, 2, 60

    ports: mp.Queue[int] = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(
        target=serve, args=(ports, args.feeds, args.items), daemon=True
    )
    server.start()
    outcomes: list[Outcome] = []
    try:
        log = RequestLog(f"http://127.0.0.1:{ports.get(timeout=30)}")
        print(
            f"{args.feeds:,} bench feeds ({args.items} items each) + 4 demo feeds, interval "
            f"{args.interval} s, tick {TICK_SECONDS} s, {args.intervals} steady intervals, "
            f"roles {args.roles}",
            flush=True,
        )
        for count in (int(n) for n in args.workers.split(",") if n.strip() not in ("", "0")):
            outcomes.append(
                run_workers(
                    count,
                    log,
                    args.feeds,
                    args.interval,
                    args.intervals,
                    args.roles,
                    stagger=args.stagger,
                )
            )
            show(outcomes[-1])
    finally:
        server.terminate()
        server.join()
    table(outcomes)
    if args.ops:
        sizes, feeds = [int(n) for n in args.batches.split(",")], args.ops_feeds or args.feeds
        print(f"\ndatabase operations on {feeds:,} feeds (median ms):")
        for name, ms in measure_operations(feeds, sizes).items():
            print(f"  {name:<48} {ms:8.2f}")
    one = next((o for o in outcomes if o.workers == 1), None)
    three = next((o for o in outcomes if o.workers == 3), None)
    nan = float("nan")
    dups = sum(v for o in outcomes if o.workers > 1 for k, v in o.dups.items() if k != "edits")
    print(
        f"RESULT requests_ratio_3w="
        f"{three.requests / one.requests if one and three else nan:.3f} "
        f"dup_alerts={dups} "
        f"cycle_ratio_3w={three.cycle_s / one.cycle_s if one and three else nan:.2f}"
    )


if __name__ == "__main__":
    main()
