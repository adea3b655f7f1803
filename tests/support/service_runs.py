"""`talkwatch run` as real processes: start them, watch their health, read their logs, kill them.

Used by the service tests (one process) and the worker tests (several processes
on one PostgreSQL database).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_run(
    tmp_path: Path, *args: str, database_url: str | None = None, **settings: str
) -> asyncio.subprocess.Process:
    """`talkwatch run ARGS` in its own process group, on a fresh SQLite file unless told."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'tw.db'}",
        "FETCH_ALLOW_PRIVATE": "true",  # its feeds are served on 127.0.0.1
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group, parse workers included
    )


async def wait_for(check: Callable[[], Any], within: float, what: str) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what}: not within {within} s")


async def collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode("utf-8", "replace").rstrip("\n"))


async def get(url: str) -> httpx.Response | None:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return await client.get(url)
    except httpx.HTTPError:
        return None


def metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name):
            total += float(line.rsplit(" ", 1)[1])
    return total


@dataclass
class RunningProcess:
    """One `talkwatch run` with its health URL and everything it wrote to stderr."""

    process: asyncio.subprocess.Process
    health: str
    stderr: list[str] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    async def start(
        cls, tmp_path: Path, *args: str, database_url: str | None = None, **settings: str
    ) -> RunningProcess:
        port = free_port()
        process = await start_run(
            tmp_path, *args, database_url=database_url, HEALTH_PORT=str(port), **settings
        )
        running = cls(process, f"http://127.0.0.1:{port}")
        assert process.stderr is not None and process.stdout is not None
        running.readers = [
            asyncio.create_task(collect(process.stderr, running.stderr)),
            asyncio.create_task(collect(process.stdout, running.stdout)),
        ]
        return running

    async def healthy(self) -> bool:
        response = await get(f"{self.health}/healthz")
        return response is not None and response.status_code == 200

    def kill(self) -> None:
        """SIGKILL the whole process group: no goodbye, no released lease."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    async def close(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self.kill()  # nothing may outlive the test
        if self.readers:
            await asyncio.wait_for(asyncio.gather(*self.readers), timeout=10)
