"""Logs and metrics: one line per event, JSON on request, secrets scrubbed.

Every handler gets a `RedactingFilter` holding the secrets the process knows
(the bot token above all), so no library that logs a request URL can leak it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.domain import Assessment, FeedStatus, PollReport, VerdictKind

_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


class RedactingFilter(logging.Filter):
    """Replaces every known secret in a record's final message and extras."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = self._scrub(record.getMessage())
        record.msg, record.args = message, None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, self._scrub(value))
        if record.exc_info:
            record.exc_text = self._scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS and k != "message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **_extras(record),
        }
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        extras = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line} {extras}" if extras else line
        return f"{line}\n{record.exc_text}" if record.exc_text else line


def configure_logging(
    level: str,
    fmt: str,
    secrets: Iterable[str] = (),
    drop: Iterable[Callable[[logging.LogRecord], bool]] = (),
) -> None:
    """Route all logs to stderr, one line per event, secrets scrubbed: once, at start-up.

    `drop` names records the process reports better itself (a library's
    traceback for an error the service already logged in one line). The one
    environment change is here too: PTB 22 warns on every 429 unless its time
    periods are timedeltas, which is what bot/publish/channel.py expects.
    """
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    for predicate in drop:
        handler.addFilter(lambda record, p=predicate: not p(record))  # type: ignore[misc]
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_request_logs(root.level)


def quiet_request_logs(level: int = logging.INFO) -> None:
    """Silence loggers that write every request URL: Bot API URLs carry the token."""
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, level))
    # A tick still running when the next is due is skipped by design (max_instances=1,
    # coalesce): APScheduler's warning about it would be one line per tick of a busy worker.
    logging.getLogger("apscheduler.scheduler").setLevel(max(logging.ERROR, level))


class Metrics:
    """Prometheus counters for one process; a registry of its own so tests stay isolated."""

    LATENCY_BUCKETS: ClassVar[tuple[float, ...]] = (0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.started = time.monotonic()
        self.polls = Counter(
            "talkwatch_feed_polls", "Feed polls by outcome", ["status"], registry=self.registry
        )
        self.articles = Counter(
            "talkwatch_articles_stored", "New articles stored", registry=self.registry
        )
        self.assessed = Counter(
            "talkwatch_articles_assessed",
            "Articles assessed by verdict",
            ["verdict"],
            registry=self.registry,
        )
        self.alerts = Counter(
            "talkwatch_alerts", "Developments recorded", ["kind"], registry=self.registry
        )
        self.delivered = Counter(
            "talkwatch_messages_delivered", "Outbox messages delivered", registry=self.registry
        )
        self.delivery_latency = Histogram(
            "talkwatch_delivery_latency_seconds",
            "Time from development recorded to message sent",
            buckets=self.LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.queue_length = Gauge(
            "talkwatch_outbox_pending", "Messages waiting in the outbox", registry=self.registry
        )
        self.last_poll = Gauge(
            "talkwatch_last_poll_timestamp_seconds",
            "When the last poll cycle ended",
            registry=self.registry,
        )

        self.workers_alive = Gauge(
            "talkwatch_workers_alive",
            "Workers with a fresh heartbeat on this database, by role",
            ["role"],
            registry=self.registry,
        )
        self.leases_held = Gauge(
            "talkwatch_worker_leases_held",
            "Leases this worker holds (1) or not (0): assess:<story id>, updates",
            ["lease"],
            registry=self.registry,
        )

    def record_workers(
        self, roles_alive: dict[str, int], held: set[str], known: Iterable[str]
    ) -> None:
        """The registry as seen from this worker (rendered at each scrape)."""
        for role, count in roles_alive.items():
            self.workers_alive.labels(role).set(count)
        for lease in known:
            self.leases_held.labels(lease).set(1 if lease in held else 0)

    def record_poll(self, report: PollReport) -> None:
        for status in (FeedStatus.OK, FeedStatus.NOT_MODIFIED, FeedStatus.FAILED):
            self.polls.labels(status.value).inc(report.count(status))
        self.articles.inc(report.new_articles)
        self.last_poll.set(time.time())

    def record_verdict(self, verdict: Assessment, *, backlog: bool) -> None:
        kind = verdict.kind.value
        if verdict.kind is VerdictKind.ALERT:
            self.alerts.labels("backlog" if backlog else "live").inc()
            kind = "alert_backlog" if backlog else kind
        self.assessed.labels(kind).inc()

    def record_delivery(self, latency_seconds: float) -> None:
        self.delivered.inc()
        self.delivery_latency.observe(max(0.0, latency_seconds))

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
