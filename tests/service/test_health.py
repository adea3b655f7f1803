"""/healthz tells an orchestrator whether to restart us; /metrics feeds Prometheus."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from bot.health import HealthServer


async def _serve(checks: dict[str, Any]) -> HealthServer:
    async def check() -> dict[str, Any]:
        return checks

    async def metrics() -> bytes:
        return b"talkwatch_articles_stored_total 3.0\n"

    server = HealthServer(check, metrics, host="127.0.0.1", port=0)
    await server.start()
    return server


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        pytest.param({"scheduler_ok": True, "database_ok": True}, 200, id="all-up"),
        pytest.param({"scheduler_ok": True, "database_ok": False}, 503, id="database-down"),
        pytest.param({"scheduler_ok": False, "database_ok": True}, 503, id="scheduler-down"),
        pytest.param(
            {"scheduler_ok": False, "database_ok": False, "ready": False}, 503, id="starting"
        ),
    ],
)
async def test_healthz_is_200_only_when_every_check_passes(
    checks: dict[str, Any], status: int
) -> None:
    server = await _serve(checks)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
    assert response.status_code == status
    assert response.json()["database_ok"] is checks["database_ok"]


async def test_metrics_and_unknown_paths() -> None:
    server = await _serve({"scheduler_ok": True, "database_ok": True})
    try:
        async with httpx.AsyncClient() as client:
            metrics = await client.get(f"http://127.0.0.1:{server.port}/metrics")
            missing = await client.get(f"http://127.0.0.1:{server.port}/admin")
            posted = await client.post(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
    assert metrics.status_code == 200
    assert "talkwatch_articles_stored_total" in metrics.text
    assert missing.status_code == 404
    assert posted.status_code == 405


def test_a_probe_still_open_at_shutdown_ends_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The process stops while a client has sent half a request: nothing is logged as an error."""

    async def stop_with_a_probe_open() -> None:
        server = await _serve({"scheduler_ok": True})
        _reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\n")  # and never the blank line
        await writer.drain()
        await asyncio.sleep(0.05)  # the server's handler is now waiting for the rest
        await server.stop()
        # asyncio.run cancels the handler still waiting, as at a real shutdown, and with it
        # this task, which then closes the client's side.
        asyncio.get_running_loop().create_task(_close_when_cancelled(writer))

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        asyncio.run(stop_with_a_probe_open())
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def _close_when_cancelled(writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.sleep(3600)
    finally:
        writer.close()
