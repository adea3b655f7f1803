"""/healthz tells an orchestrator whether to restart us; /metrics feeds Prometheus."""

from __future__ import annotations

from typing import Any

import httpx

from bot.health import HealthServer


async def _serve(checks: dict[str, Any]) -> HealthServer:
    async def check() -> dict[str, Any]:
        return checks

    async def metrics() -> bytes:
        return b"talkwatch_articles_stored_total 3.0\n"

    server = HealthServer(check, metrics, host="127.0.0.1", port=0)
    await server.start()
    return server


async def test_healthy_when_scheduler_and_database_are_up() -> None:
    server = await _serve({"scheduler_ok": True, "database_ok": True, "last_poll_at": None})
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
    assert response.status_code == 200
    assert response.json()["database_ok"] is True


async def test_unhealthy_when_the_database_is_unreachable() -> None:
    server = await _serve({"scheduler_ok": True, "database_ok": False})
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
    assert response.status_code == 503


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
