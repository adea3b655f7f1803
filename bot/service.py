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
from functools import partial
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
    story_names,
)
from bot.chat.frontend import Chat
from bot.chat.services import StoryChoice
from bot.config.settings import Settings
from bot.domain import FeedStatus, PollReport
from bot.errors import ConfigError
from bot.health import HealthServer
from bot.observe import Metrics, configure_logging
from bot.pipeline.assess import AssessedArticle
from bot.pipeline.coordination import (
    ALL_ROLES,
    HEARTBEAT_SECONDS,
    LEASE_SECONDS,
    UPDATES_LEASE,
    Hold,
    Role,
    Worker,
    story_lease,
)
from bot.pipeline.deliver import DeliveryLimits
from bot.pipeline.fanout import StoryStages
from bot.publish.channel import TelegramLink, TokenGuard, is_token_rejection
from bot.store import Database
from bot.store.leases import WorkerInfo, live_workers
from bot.store.outbox import outbox_backlog

log = logging.getLogger(__name__)

DELIVERY_EVERY_SECONDS = 2
# Shutdown budget: in-flight jobs get this long while the command bot stops
# (at most 2 s, bot/chat/frontend.py); closing the rest takes well under a second.
# A snapshot of 100k learned articles is written in about a second.
SNAPSHOT_GRACE_SECONDS = 2.0
INFLIGHT_GRACE_SECONDS = 6.0
LEAVE_GRACE_SECONDS = 1.0
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
    roles: frozenset[Role] = ALL_ROLES
    metrics: Metrics = field(default_factory=Metrics)
    db: Database | None = None
    worker: Worker | None = None
    ingest: Ingest | None = None
    assessment: StoryStages | None = None
    jobs: Jobs | None = None
    guard: TokenGuard | None = None


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    roles: frozenset[Role] = ALL_ROLES,
) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set, or the token is rejected); the exit code.

    The health endpoint starts first and answers 503 "starting" while migrations run.
    `roles` are what this worker does; several workers share one database (README).
    """
    configure_logging(
        settings.log_level, settings.log_format, _secrets(settings), drop=[is_token_rejection]
    )
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    process = _Process(started_at=datetime.now(UTC), roles=roles)
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
    """Build what the roles need, schedule their jobs, wait for the stop.

    The exit stack unwinds in reverse: jobs and the command bot stop, the
    knowledge base is saved, Telegram closes, the worker releases its leases
    (the others take over at once), the database closes.
    """
    roles = process.roles
    async with contextlib.AsyncExitStack() as stack:
        db = process.db = await build_store(settings)
        stack.push_async_callback(db.dispose)
        worker = process.worker = Worker(db, roles)
        await worker.join(datetime.now(UTC))
        stack.push_async_callback(_leave, worker)
        ingest = await _start_ingest(settings, process, stack)
        assessment = None
        if Role.ASSESS in roles:
            # Each story's knowledge is learned when this worker takes its lease (first tick).
            assessment = await build_assessment(settings, db, process.metrics, learn=False)
            process.assessment = assessment
            stack.push_async_callback(_save_knowledge, assessment)
        limits = DeliveryLimits()
        link = build_telegram(settings, limits, db) if roles & {Role.DELIVER, Role.BOT} else None
        chat = await _start_chat(settings, process, stack, link, stop)
        jobs = process.jobs = Jobs()
        stack.push_async_callback(_stop_roles, jobs, chat)
        jobs.every(HEARTBEAT_SECONDS, "heartbeat", lambda: _beat(worker, chat))
        poller = ingest if Role.POLL in roles else None
        if poller is not None or assessment is not None:
            jobs.every(
                settings.ticker_seconds,
                "tick",
                lambda: _tick(poller, assessment, worker, process.metrics),
            )
        if Role.DELIVER in roles:
            delivery = build_delivery(db, link, process.metrics, limits, holder=worker.id)
            jobs.every(DELIVERY_EVERY_SECONDS, "deliver", delivery.run_once)
        jobs.start()
        log.info(
            "talkwatch running",
            extra={
                "dry_run": settings.dry_run,
                "ticker_s": settings.ticker_seconds,
                "worker": worker.id,
                "roles": ",".join(sorted(roles)),
            },
        )
        await stop.wait()
        log.info("shutting down")
    log.info("stopped cleanly")


async def _start_ingest(
    settings: Settings, process: _Process, stack: contextlib.AsyncExitStack
) -> Ingest | None:
    """The poller (role poll), or just its fetcher for /addfeed's probe (role bot)."""
    roles, db, worker = process.roles, process.db, process.worker
    if not roles & {Role.POLL, Role.BOT}:
        return None
    assert db is not None and worker is not None
    polls = Role.POLL in roles
    ingest = process.ingest = await build_ingest(
        settings,
        db,
        parse_pool=polls,
        cycle_wait=settings.ticker_seconds / 2,
        holder=worker.id,
        alive_within=worker.ttl,
    )
    stack.push_async_callback(ingest.close)
    return ingest


async def _start_chat(
    settings: Settings,
    process: _Process,
    stack: contextlib.AsyncExitStack,
    link: TelegramLink | None,
    stop: asyncio.Event,
) -> Chat | None:
    """Connect the token and start the command bot (role bot); None in dry-run.

    The bot answers updates only while this worker holds the updates lease
    (`_beat`): one consumer of the token's updates whatever the workers.
    """
    if link is None:
        if settings.dry_run and process.roles & {Role.DELIVER, Role.BOT}:
            log.info("no TELEGRAM_BOT_TOKEN: dry-run, alerts are printed to stdout")
        return None
    process.guard = link.guard
    await link.start()
    stack.push_async_callback(link.close)
    watcher = asyncio.create_task(_stop_on_rejection(link.guard, stop))
    stack.callback(watcher.cancel)
    if Role.BOT not in process.roles:
        return None
    assert process.db is not None and process.ingest is not None
    ingest, assessment = process.ingest, process.assessment
    named = assessment.named if assessment else await story_names(settings, process.db)
    chat = build_chat(
        settings,
        process.db,
        link,
        probe=ingest.probe,
        knowledge_size=lambda: assessment.knowledge_size if assessment else 0,
        last_poll=lambda: ingest.last_poll_at,
        started_at=process.started_at,
        stories=[StoryChoice(*story) for story in named],
        workers=partial(_live_workers, process.db),
    )
    await chat.start(lead=False)
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
            await _record_workers(process)
        return process.metrics.render()

    return HealthServer(
        lambda: _health(process), metrics, host=settings.health_host, port=settings.health_port
    )


async def _tick(
    ingest: Ingest | None, assessment: StoryStages | None, worker: Worker, metrics: Metrics
) -> None:
    """The ticker job: claim and poll due feeds, then assess the stories whose lease we hold."""
    report = PollReport(())
    if ingest is not None:
        report = await ingest.poll(datetime.now(UTC))
        metrics.record_poll(report)
    assessed = await assessment.run(worker) if assessment is not None else []
    _log_cycle(report, assessed)


async def _beat(worker: Worker, chat: Chat | None) -> None:
    """Renew this worker's leases; the bot role answers updates only while it leads.

    A database that cannot be reached costs one warning line per beat; the
    leases then lapse and another worker carries on.
    """
    now = datetime.now(UTC)
    try:
        await worker.beat(now)
        if chat is not None:
            leads = await worker.take(UPDATES_LEASE, now) is not Hold.NOT_OURS
            await (chat.lead() if leads else chat.follow())
    except ConfigError:
        return  # Telegram rejected the token: the token guard says so once and stops us
    except Exception as exc:  # the database unreachable, most likely: one line, not a traceback
        log.warning("heartbeat failed: %s", str(exc).splitlines()[0][:200] if str(exc) else exc)
        if chat is not None and not worker.holds(UPDATES_LEASE, now):
            await chat.follow()  # our lease lapses: another worker will lead, never two


async def _leave(worker: Worker) -> None:
    try:
        await asyncio.wait_for(worker.leave(datetime.now(UTC)), LEAVE_GRACE_SECONDS)
    except Exception as exc:  # the leases then lapse on their own, a few seconds later
        log.warning("could not release leases at shutdown: %s", type(exc).__name__)


async def _live_workers(db: Database) -> list[WorkerInfo]:
    return await live_workers(db, now=datetime.now(UTC), ttl=LEASE_SECONDS)


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


async def _record_workers(process: _Process) -> None:
    """Workers alive by role and the leases this one holds, for /metrics."""
    if process.db is None or process.worker is None:
        return
    alive = await _live_workers(process.db)
    by_role = {role.value: sum(role.value in w.roles for w in alive) for role in Role}
    known = {UPDATES_LEASE} if Role.BOT in process.roles else set()
    if process.assessment is not None:
        known |= {story_lease(story_id) for _slug, _name, story_id in process.assessment.named}
    process.metrics.record_workers(by_role, process.worker.held, sorted(known))


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
    if process.worker is not None:
        checks["worker"] = process.worker.id
        checks["roles"] = sorted(process.roles)
        checks["leases"] = sorted(process.worker.held)
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
