"""`talkwatch run` as an operator runs it: a real process, real feeds, a Bot API, SIGTERM.

The process polls a local replay server, assesses, posts alerts to a channel
through the fake Bot API, answers /subscribe, serves /healthz and /metrics,
logs JSON without the token, and stops cleanly within 10 s of SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config.feeds_file import feeds_toml
from bot.replay import ReplayServer, default_stream_dir
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.service_runs import collect, free_port, get, metric, start_run, wait_for

CHANNEL = -1001234567890
USER = 4242
ADMIN = 1


def _replies(telegram: FakeBotAPI, chat_id: int) -> list[str]:
    return [str(m["text"]) for m in telegram.sent(chat_id)]


ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@dataclass
class Running:
    process: asyncio.subprocess.Process
    health: str
    feeds: ReplayServer
    telegram: FakeBotAPI
    stderr: list[str]


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async with ReplayServer(default_stream_dir()) as feeds:
        with FakeBotAPI(private_per_second=5) as telegram:
            telegram.chat(CHANNEL, "channel")
            feeds_file = tmp_path / "feeds.toml"
            feeds_file.write_text(feeds_toml(feeds.feed_urls))
            port = free_port()
            process = await start_run(
                tmp_path,
                FEEDS_FILE=str(feeds_file),
                POLL_INTERVAL_SECONDS="1",
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE_URL=telegram.base_url,
                TELEGRAM_CHANNEL=str(CHANNEL),
                TELEGRAM_ADMIN_IDS=str(ADMIN),
                HEALTH_PORT=str(port),
                LOG_FORMAT="json",
                LOG_LEVEL="INFO",
            )
            stderr: list[str] = []
            assert process.stderr is not None
            reader = asyncio.create_task(collect(process.stderr, stderr))
            try:
                yield Running(process, f"http://127.0.0.1:{port}", feeds, telegram, stderr)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # nothing may outlive the test
                await asyncio.wait_for(reader, timeout=10)


async def test_run_polls_alerts_answers_and_stops_cleanly(running: Running) -> None:
    async def healthy() -> bool:
        response = await get(f"{running.health}/healthz")
        return response is not None and response.status_code == 200

    await wait_for(healthy, 30, "healthz answers 200")

    async def first_poll_done() -> bool:
        response = await get(f"{running.health}/metrics")
        return response is not None and metric(response.text, "talkwatch_feed_polls_total") >= 4

    await wait_for(first_poll_done, 20, "the first poll of the four feeds")

    running.telegram.type_text(USER, "/subscribe")
    await wait_for(lambda: running.telegram.sent(USER), 10, "an answer to /subscribe")
    # s01-s04 of the demo stream: a rehash, an unrelated story, two developments.
    running.feeds.release_next(4)
    await wait_for(lambda: len(running.telegram.sent(CHANNEL)) >= 2, 40, "two channel alerts")
    # s05 is a near-copy of s04 from another outlet: the alert is edited, not posted again.
    running.feeds.release_next(1)
    await wait_for(
        lambda: any("Also:" in m["text"] for m in running.telegram.sent(CHANNEL)),
        20,
        "the channel alert edited to add the second outlet",
    )

    channel = running.telegram.sent(CHANNEL)
    assert len(channel) == 2
    assert sum("Also:" in m["text"] for m in channel) == 1
    await wait_for(lambda: len(running.telegram.sent(USER)) >= 3, 20, "alerts to the subscriber")
    assert running.telegram.count("sendMessage", 429) == 0
    assert running.telegram.count("editMessageText", 400) == 0  # no edit that changes nothing

    # An admin adds a feed through the real wiring: probed over HTTP, stored, then removed.
    extra = running.feeds.feed_urls[0][1] + "?via=admin"
    running.telegram.type_text(ADMIN, f"/addfeed {extra}")
    added = await wait_for(lambda: _replies(running.telegram, ADMIN), 15, "an /addfeed answer")
    assert added[-1].startswith("Added")
    running.telegram.type_text(ADMIN, "/addfeed http://127.0.0.1:9/not-there")
    await wait_for(lambda: len(_replies(running.telegram, ADMIN)) >= 2, 15, "a refusal")
    assert _replies(running.telegram, ADMIN)[-1].startswith("Not added")
    running.telegram.type_text(ADMIN, f"/removefeed {extra}")
    await wait_for(lambda: len(_replies(running.telegram, ADMIN)) >= 3, 15, "a removal")
    assert "Removed" in _replies(running.telegram, ADMIN)[-1]
    running.telegram.type_text(USER, "/pause")
    await wait_for(lambda: len(_replies(running.telegram, USER)) >= 4, 15, "a refusal")
    assert "admin" in _replies(running.telegram, USER)[-1].lower()

    metrics = await get(f"{running.health}/metrics")
    assert metrics is not None
    assert metric(metrics.text, "talkwatch_alerts_total") == 2
    assert "talkwatch_outbox_pending" in metrics.text
    assert metric(metrics.text, "talkwatch_messages_delivered_total") == 4  # 2 posts, 2 DMs
    assert metric(metrics.text, "talkwatch_delivery_latency_seconds_count") == 4

    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(running.process.wait(), timeout=15)
    assert code == 0
    assert time.monotonic() - started < 10

    await asyncio.sleep(0.2)
    log = "\n".join(running.stderr)
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    events = [json.loads(line) for line in running.stderr if line.startswith("{")]
    assert len(events) == len([line for line in running.stderr if line.strip()])
    names = {e["event"] for e in events}
    assert {"talkwatch running", "poll cycle done", "stopped cleanly"} <= names


async def test_a_rejected_token_stops_run_with_a_clear_error(tmp_path: Path) -> None:
    wrong = "123456:AAwrongWRONGwrongWRONGwrong0000000"
    with FakeBotAPI() as telegram:
        (tmp_path / "feeds.toml").write_text("")
        process = await start_run(
            tmp_path,
            FEEDS_FILE=str(tmp_path / "feeds.toml"),
            TELEGRAM_BOT_TOKEN=wrong,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            HEALTH_PORT="0",
        )
        _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    stderr = err.decode()
    assert process.returncode == 2
    assert "TELEGRAM_BOT_TOKEN: Telegram rejected this token" in stderr
    assert "Traceback" not in stderr
    assert wrong not in stderr
    assert wrong.split(":")[1] not in stderr


async def test_sigterm_during_a_hanging_poll_exits_within_ten_seconds(tmp_path: Path) -> None:
    connected, release, closed = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        await release.wait()  # a feed server that never answers while the test runs
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
        closed.set()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    (tmp_path / "feeds.toml").write_text(
        f'[[feeds]]\nname = "Hanging"\nurl = "http://127.0.0.1:{port}/rss"\n'
    )
    process = await start_run(
        tmp_path, FEEDS_FILE=str(tmp_path / "feeds.toml"), HEALTH_PORT="0", LOG_FORMAT="json"
    )
    try:
        await asyncio.wait_for(connected.wait(), timeout=30)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=15)
        elapsed = time.monotonic() - started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        release.set()
        server.close()
        await server.wait_closed()
        await asyncio.wait_for(closed.wait(), timeout=5)
    assert process.returncode == 0
    assert elapsed < 10
    # The poll job itself returned within half a tick; the hanging feed polls on its own.
    assert "cancelled feeds still in flight" in err.decode()
    assert "stopped cleanly" in err.decode()


async def _statuses_until_gone(url: str, process: asyncio.subprocess.Process) -> list[int]:
    """/healthz status codes, polled fast, until the endpoint is gone or the process exited."""
    seen: list[int] = []
    async with httpx.AsyncClient(timeout=1) as client:
        while process.returncode is None:
            try:
                seen.append((await client.get(url)).status_code)
            except httpx.HTTPError:
                break
            await asyncio.sleep(0.01)
    return seen


@contextlib.asynccontextmanager
async def _hanging_feed() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A feed server that accepts and never answers: a poll stays in flight meanwhile."""
    connected, release = asyncio.Event(), asyncio.Event()
    handlers: set[asyncio.Task[Any]] = set()

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            handlers.add(task)
        connected.set()
        await release.wait()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/rss", connected
    finally:
        release.set()
        server.close()
        await server.wait_closed()
        if handlers:  # every connection closed before the loop ends
            await asyncio.wait(handlers, timeout=5)


async def test_a_token_revoked_while_running_is_one_line_healthz_503_and_exit_2(
    tmp_path: Path,
) -> None:
    async with _hanging_feed() as (feed_url, polling):
        with FakeBotAPI() as telegram:
            (tmp_path / "feeds.toml").write_text(f'[[feeds]]\nname = "Slow"\nurl = "{feed_url}"\n')
            port = free_port()
            process = await start_run(
                tmp_path,
                FEEDS_FILE=str(tmp_path / "feeds.toml"),
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE_URL=telegram.base_url,
                HEALTH_PORT=str(port),
            )
            try:
                healthz = f"http://127.0.0.1:{port}/healthz"

                async def healthy() -> bool:
                    response = await get(healthz)
                    return response is not None and response.status_code == 200

                await wait_for(healthy, 30, "healthz answers 200")
                await asyncio.wait_for(polling.wait(), timeout=30)  # a poll is in flight
                telegram.revoke()
                seen = await asyncio.wait_for(_statuses_until_gone(healthz, process), timeout=30)
                _out, err = await asyncio.wait_for(process.communicate(), timeout=15)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
    stderr = err.decode()
    assert process.returncode == 2
    assert 503 in seen  # while the in-flight poll gets its grace period
    rejected = [line for line in stderr.splitlines() if "rejected" in line.lower()]
    assert len(rejected) == 1
    assert "TELEGRAM_BOT_TOKEN" in rejected[0]
    assert "Traceback" not in stderr
    assert TOKEN not in stderr


async def test_a_busy_health_port_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text("")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = await start_run(
            tmp_path, FEEDS_FILE=str(tmp_path / "feeds.toml"), HEALTH_PORT=str(port)
        )
        _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert process.returncode == 2
    assert len(lines) == 1, lines
    assert "HEALTH_PORT" in lines[0]
    assert f"127.0.0.1:{port}" in lines[0]
