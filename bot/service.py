"""`talkwatch run`: the long-running process, composed from the builders in bot/app.py.

One APScheduler ticker polls due feeds (ingest) and then assesses what is
new (assessment); a second job drains the outbox (delivery); the chat role
answers commands. SIGTERM/SIGINT stop the scheduler, give in-flight jobs a
few seconds to finish (every step commits per article or per message, so an
abandoned job leaves nothing half-written) while the command bot stops, then
close the rest, well inside the 10 s a container runtime allows, whatever
Telegram is doing. Telegram rejecting the token (401, on any request, at any
time) is fatal: one log line, /healthz 503, exit code 2.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import (
    Ingest,
    build_assessment,
    build_chat,
    build_delivery,
    build_ingest,
    build_store,
    build_telegram,
)
from bot.chat.frontend import Chat
from bot.chat.services import StoryChoice
from bot.config.settings import Settings
from bot.domain import FeedStatus, PollReport
from bot.health import HealthServer
from bot.observe import Metrics, configure_logging
from bot.pipeline.assess import AssessedArticle
from bot.pipeline.deliver import DeliveryLimits
from bot.pipeline.fanout import StoryStages
from bot.publish.channel import TelegramLink, TokenGuard, is_token_rejection
from bot.store import Database
from bot.store.outbox import outbox_backlog

log = logging.getLogger(__name__)

DELIVERY_EVERY_SECONDS = 2
# Shutdown budget: in-flight jobs get this long while the command bot stops
# (at most 2 s, bot/chat/frontend.py); closing the rest takes well under a second.
# A snapshot of 100k learned articles is written in about a second.
SNAPSHOT_GRACE_SECONDS = 2.0
INFLIGHT_GRACE_SECONDS = 6.0
EXIT_TOKEN_REJECTED = 2  # the CLI's exit code for configuration errors
# A message about the token, not a token:
REJECTED_TOKEN_MESSAGE = "TELEGRAM_BOT_TOKEN: Telegram rejected this token (401); stopping"  # noqa: S105


class Jobs:
    """The scheduler plus a record of which job coroutines are running right now."""

    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._inflight: set[asyncio.Task[Any]] = set()

    def every(self, seconds: float, name: str, job: Callable[[], Awaitable[Any]]) -> None:
        async def tracked() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                await job()
            except asyncio.CancelledError:
                return  # abandoned at shutdown; Jobs.stop says so once (no scheduler traceback)
            except Exception:
                log.exception("job failed; it runs again at its next tick", extra={"job": name})
            finally:
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

    started_at: datetime
    metrics: Metrics = field(default_factory=Metrics)
    db: Database | None = None
    ingest: Ingest | None = None
    jobs: Jobs | None = None
    guard: TokenGuard | None = None


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set, or the token is rejected); the exit code.

    The health endpoint starts first and answers 503 "starting" while migrations
    run and the knowledge base is rebuilt (about 1.3 ms per stored article).
    """
    configure_logging(
        settings.log_level, settings.log_format, _secrets(settings), drop=[is_token_rejection]
    )
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    process = _Process(started_at=datetime.now(UTC))
    health = _health_server(settings, process)
    if health is not None:
        await health.start()
    try:
        await _run(settings, process, stop)
    finally:
        if health is not None:
            await health.stop()
    rejected = process.guard is not None and process.guard.rejected.is_set()
    return EXIT_TOKEN_REJECTED if rejected else 0


async def _run(settings: Settings, process: _Process, stop: asyncio.Event) -> None:
    async with contextlib.AsyncExitStack() as stack:
        db = process.db = await build_store(settings)
        stack.push_async_callback(db.dispose)
        ingest = process.ingest = await build_ingest(
            settings, db, parse_pool=True, cycle_wait=settings.ticker_seconds / 2
        )
        stack.push_async_callback(ingest.close)
        assessment = await build_assessment(settings, db, process.metrics)
        stack.push_async_callback(_save_knowledge, assessment)
        limits = DeliveryLimits()
        link = build_telegram(settings, limits)
        chat = await _start_chat(settings, process, stack, link, assessment, stop)
        delivery = build_delivery(db, link, process.metrics, limits)
        jobs = process.jobs = Jobs()
        stack.push_async_callback(_stop_roles, jobs, chat)
        jobs.every(settings.ticker_seconds, "poll", lambda: _tick(ingest, assessment, process))
        jobs.every(DELIVERY_EVERY_SECONDS, "deliver", delivery.run_once)
        jobs.start()
        log.info(
            "talkwatch running",
            extra={"dry_run": settings.dry_run, "ticker_s": settings.ticker_seconds},
        )
        await stop.wait()
        log.info("shutting down")
    log.info("stopped cleanly")


async def _start_chat(
    settings: Settings,
    process: _Process,
    stack: contextlib.AsyncExitStack,
    link: TelegramLink | None,
    assessment: StoryStages,
    stop: asyncio.Event,
) -> Chat | None:
    """Connect the token and start the command bot; None in dry-run."""
    if link is None:
        log.info("no TELEGRAM_BOT_TOKEN: dry-run, alerts are printed to stdout")
        return None
    process.guard = link.guard
    await link.start()
    stack.push_async_callback(link.close)
    watcher = asyncio.create_task(_stop_on_rejection(link.guard, stop))
    stack.callback(watcher.cancel)
    assert process.db is not None and process.ingest is not None
    ingest = process.ingest
    chat = build_chat(
        settings,
        process.db,
        link,
        probe=ingest.probe,
        knowledge_size=lambda: assessment.knowledge_size,
        last_poll=lambda: ingest.last_poll_at,
        started_at=process.started_at,
        stories=[StoryChoice(*named) for named in assessment.named],
    )
    await chat.start()
    return chat


async def _stop_on_rejection(guard: TokenGuard, stop: asyncio.Event) -> None:
    await guard.rejected.wait()
    log.error(REJECTED_TOKEN_MESSAGE)
    stop.set()


async def _stop_roles(jobs: Jobs, chat: Chat | None) -> None:
    """In-flight jobs finish (or are abandoned) while the command bot stops."""
    await asyncio.gather(jobs.stop(INFLIGHT_GRACE_SECONDS), chat.stop() if chat else _nothing())


async def _nothing() -> None:
    return None


async def _save_knowledge(assessment: StoryStages) -> None:
    """Snapshot the knowledge base after the jobs stopped, so the next start loads it."""
    try:
        await asyncio.wait_for(assessment.save_knowledge(), SNAPSHOT_GRACE_SECONDS)
    except Exception as exc:  # a snapshot is an optimisation: the next start replays instead
        log.warning("no knowledge snapshot at shutdown: %s", type(exc).__name__)


def _health_server(settings: Settings, process: _Process) -> HealthServer | None:
    if not settings.health_port:
        return None

    async def metrics() -> bytes:
        if process.db is not None:
            process.metrics.queue_length.set(await outbox_backlog(process.db))
        return process.metrics.render()

    return HealthServer(
        lambda: _health(process), metrics, host=settings.health_host, port=settings.health_port
    )


async def _tick(ingest: Ingest, assessment: StoryStages, process: _Process) -> None:
    """The ticker job: ingest what is due, then assess what is new."""
    report = await ingest.poll(datetime.now(UTC))
    process.metrics.record_poll(report)
    assessed = await assessment.run()
    _log_cycle(report, assessed)


def _log_cycle(report: PollReport, assessed: list[AssessedArticle]) -> None:
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
    db, jobs, ingest = process.db, process.jobs, process.ingest
    if db is None or jobs is None or not jobs.alive:
        return {"scheduler_ok": False, "database_ok": db is not None, "ready": False}
    last_poll = ingest.last_poll_at if ingest is not None else None
    checks: dict[str, Any] = {
        "scheduler_ok": jobs.alive,
        "database_ok": await db.ping(),
        "last_poll_at": last_poll.isoformat() if last_poll else None,
        "uptime_s": round((datetime.now(UTC) - process.started_at).total_seconds()),
    }
    if process.guard is not None:
        checks["telegram_ok"] = not process.guard.rejected.is_set()
    return checks


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
