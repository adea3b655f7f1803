"""/healthz tells an orchestrator whether to restart us; /metrics feeds Prometheus."""

from __future__ import annotations

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
