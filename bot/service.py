"""`talkwatch run`: the long-running process and its clean shutdown.

One APScheduler ticker polls due feeds and assesses what is new; a second job
drains the outbox. SIGTERM/SIGINT stop the scheduler, give in-flight jobs a
few seconds to finish (every step commits per article or per message, so an
abandoned job leaves nothing half-written), then close the bot, the health
endpoint and the database, well inside the 10 s a container runtime allows.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Core, build_core, chat_services
from bot.chat.frontend import SilentFrontend, TelegramFrontend, build_delivery_bot
from bot.config.settings import Settings
from bot.domain import FeedStatus
from bot.health import HealthServer
from bot.observe import configure_logging
from bot.pipeline.deliver import Delivery, DeliveryLimits
from bot.publish.channel import DryRunPublisher, TelegramPublisher

log = logging.getLogger(__name__)

DELIVERY_EVERY_SECONDS = 2
# Shutdown budget: in-flight jobs get this long, the rest of the 10 s is for closing.
INFLIGHT_GRACE_SECONDS = 6.0


class Frontend(Protocol):
    """The part that talks to people: the Telegram bot, or nothing in dry-run."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class Deliverer(Protocol):
    async def run_once(self) -> int: ...


class Jobs:
    """The scheduler plus a record of which job coroutines are running right now."""

    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._inflight: set[asyncio.Task[Any]] = set()
        self.last_tick: dict[str, datetime] = {}

    def every(self, seconds: float, name: str, job: Callable[[], Awaitable[Any]]) -> None:
        async def tracked() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                await job()
            except Exception:
                log.exception("job failed; it runs again at its next tick", extra={"job": name})
            finally:
                self.last_tick[name] = datetime.now(UTC)
                if task is not None:
                    self._inflight.discard(task)

        self.scheduler.add_job(
            tracked,
            "interval",
            seconds=seconds,
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
        )

    def start(self) -> None:
        self.scheduler.start()

    @property
    def alive(self) -> bool:
        return bool(self.scheduler.running)

    async def stop(self, grace: float) -> None:
        """No new runs; running jobs get `grace` seconds, then are cancelled.

        The scheduler is paused, not shut down, first: APScheduler's shutdown
        cancels running coroutine jobs at once, with no grace at all.
        """
        if self.scheduler.running:
            self.scheduler.pause()
        pending = {t for t in self._inflight if not t.done()}
        if pending:
            _done, late = await asyncio.wait(pending, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=1)
                log.warning("abandoned in-flight jobs at shutdown", extra={"count": len(late)})
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


@dataclass
class _Process:
    """What is up so far; the health endpoint answers from it while the rest starts."""

    core: Core | None = None
    jobs: Jobs | None = None


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    frontend_factory: Callable[[Core], Awaitable[tuple[Frontend, Deliverer]]] | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set); returns the exit code.

    The health endpoint starts first and answers 503 "starting" while migrations
    run and the knowledge base is rebuilt (about 1.3 ms per stored article).
    """
    configure_logging(settings.log_level, settings.log_format, _secrets(settings))
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    process = _Process()
    health = _health_server(settings, process)
    if health is not None:
        await health.start()
    try:
        await _run(settings, process, stop, frontend_factory or _default_frontend)
    finally:
        if health is not None:
            await health.stop()
    return 0


async def _run(
    settings: Settings,
    process: _Process,
    stop: asyncio.Event,
    make_frontend: Callable[[Core], Awaitable[tuple[Frontend, Deliverer]]],
) -> None:
    core = process.core = await build_core(settings, parse_pool=True)
    jobs = process.jobs = Jobs()
    try:
        frontend, delivery = await make_frontend(core)
        try:
            await frontend.start()
            jobs.every(settings.ticker_seconds, "poll", lambda: _poll(core))
            jobs.every(DELIVERY_EVERY_SECONDS, "deliver", delivery.run_once)
            jobs.start()
            log.info(
                "talkwatch running",
                extra={"dry_run": settings.dry_run, "ticker_s": settings.ticker_seconds},
            )
            await stop.wait()
            log.info("shutting down")
        finally:
            await jobs.stop(INFLIGHT_GRACE_SECONDS)
            await frontend.stop()
    finally:
        await core.close()
        log.info("stopped cleanly")


def _health_server(settings: Settings, process: _Process) -> HealthServer | None:
    if not settings.health_port:
        return None

    async def metrics() -> bytes:
        return await process.core.metrics_snapshot() if process.core else b""

    return HealthServer(
        lambda: _health(process),
        metrics,
        host="0.0.0.0",  # noqa: S104 - probes come from outside the container
        port=settings.health_port,
    )


async def _poll(core: Core) -> None:
    report, assessed = await core.pipeline.run_cycle()
    for outcome in report.outcomes:
        level = logging.WARNING if outcome.status is FeedStatus.FAILED else logging.INFO
        log.log(
            level,
            "feed polled",
            extra={
                "feed": outcome.feed_url,
                "status": outcome.status.value,
                "new_articles": outcome.new_articles,
                "error": outcome.error or "",
            },
        )
    alerts = sum(1 for a in assessed if a.verdict.is_alert and not a.article.backlog)
    log.log(
        logging.INFO if report.outcomes or assessed else logging.DEBUG,
        "poll cycle done",
        extra={
            "feeds": len(report.outcomes),
            "new_articles": report.new_articles,
            "assessed": len(assessed),
            "alerts": alerts,
        },
    )


async def _health(process: _Process) -> dict[str, Any]:
    core, jobs = process.core, process.jobs
    if core is None or jobs is None or not jobs.alive:
        return {"scheduler_ok": False, "database_ok": core is not None, "ready": False}
    last_poll = core.pipeline.last_poll_at
    return {
        "scheduler_ok": jobs.alive,
        "database_ok": await core.db.ping(),
        "last_poll_at": last_poll.isoformat() if last_poll else None,
        "uptime_s": round((datetime.now(UTC) - core.started_at).total_seconds()),
    }


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not POSIX
            return


def _secrets(settings: Settings) -> list[str]:
    token = settings.telegram_bot_token
    return [token.get_secret_value()] if token is not None else []


async def _default_frontend(core: Core) -> tuple[Frontend, Deliverer]:
    """The Telegram bot and a delivery through it; with no token, stdout and no bot."""
    settings = core.settings
    if settings.telegram_bot_token is None:
        return SilentFrontend(), Delivery(
            core.db, DryRunPublisher(), on_sent=core.metrics.record_delivery
        )
    token = settings.telegram_bot_token.get_secret_value()
    limits = DeliveryLimits()
    bot = build_delivery_bot(token, settings.telegram_api_base_url, limits.concurrency)
    frontend = TelegramFrontend(token, settings.telegram_api_base_url, chat_services(core), bot)
    delivery = Delivery(
        core.db, TelegramPublisher(bot), limits, on_sent=core.metrics.record_delivery
    )
    return frontend, delivery
