"""Command answers as Telegram HTML: pure functions over plain store dataclasses.

Every answer is short, escaped, and fitted under Telegram's 4096-character
limit by dropping whole lines (never cutting markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.publish.render import TELEGRAM_LIMIT, esc, format_time, link, shorten, visible_length
from bot.store.leases import WorkerInfo
from bot.store.queries import DevelopmentView, FeedView, OutletStats, StatusFigures
from bot.store.search import SearchHit

TITLE_LIMIT = 160
# /status stays a glance: past this many, workers are counted, not listed.
MAX_WORKERS_SHOWN = 10


def fit(header: str, lines: Sequence[str], footer: str = "") -> str:
    """Header, as many whole lines as fit, and a note when some were left out."""
    room = TELEGRAM_LIMIT - visible_length(_plain(header)) - visible_length(_plain(footer)) - 40
    kept: list[str] = []
    for line in lines:
        cost = visible_length(_plain(line)) + 1
        if cost > room:
            break
        kept.append(line)
        room -= cost
    if len(kept) < len(lines):
        footer = f"{footer}\n<i>… and {len(lines) - len(kept)} more</i>".strip()
    return "\n".join(part for part in (header, "\n".join(kept), footer) if part)


def _plain(markup: str) -> str:
    """Rough visible text of our own markup (tags dropped) for budgeting."""
    out, depth = [], 0
    for ch in markup:
        depth += ch == "<"
        if depth == 0:
            out.append(ch)
        depth -= ch == ">" and depth > 0
    return "".join(out)


def help_text(commands: Sequence[tuple[str, str]]) -> str:
    """/help: one line per (name, description) the asking user may run."""
    lines = [f"/{name} — {esc(text)}" for name, text in commands]
    return "<b>Talkwatch commands</b>\n" + "\n".join(lines)


def start_text() -> str:
    return (
        "<b>Talkwatch</b> follows the coverage of one story and speaks only when something "
        "is actually new: a fresh development, not another copy of the same report.\n\n"
        "/subscribe to get alerts here, /latest to catch up, /help for everything else."
    )


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "????-??-??"


def _dev_line(dev: DevelopmentView) -> str:
    title = esc(shorten(dev.headline or "(untitled)", TITLE_LIMIT))
    source = f" — {link(shorten(dev.outlet, 60), dev.url)}" if dev.outlet or dev.url else ""
    also = f" (+{dev.sources - 1})" if dev.sources > 1 else ""
    # Learned from a feed's first poll, never posted: say so, so nobody hunts for the alert.
    backlog = " <i>(backlog)</i>" if dev.backlog else ""
    return f"• {_day(dev.moment)} <b>{title}</b>{source}{also}{backlog}"


def latest_text(developments: Sequence[DevelopmentView]) -> str:
    if not developments:
        return "No developments yet."
    return fit("<b>Latest developments</b>", [_dev_line(d) for d in developments])


def timeline_text(developments: Sequence[DevelopmentView], total: int) -> str:
    if not developments:
        return "The timeline is empty so far."
    lines = [_dev_line(d) for d in developments]
    while len(lines) > 1 and visible_length(_plain("\n".join(lines))) > TELEGRAM_LIMIT - 200:
        lines.pop(0)  # keep the most recent end of the story
    older = total - len(lines)
    header = "<b>Timeline</b>" + (f" (the last {len(lines)} of {total})" if older > 0 else "")
    return fit(header, lines)


def search_text(words: str, hits: Sequence[SearchHit]) -> str:
    shown = esc(shorten(words, 100))
    if not hits:
        return f"Nothing found for <i>{shown}</i>."
    lines = []
    for hit in hits:
        title = esc(shorten(hit.title or "(untitled)", TITLE_LIMIT))
        where = link(shorten(hit.outlet or "link", 60), hit.url) if hit.url else esc(hit.outlet)
        mark = "★ " if hit.kind == "development" else ""
        lines.append(f"• {mark}{title} — {where} {_day(hit.published_at)}")
    return fit(f"<b>Results for</b> <i>{shown}</i>", lines)


def sources_text(stats: Sequence[OutletStats]) -> str:
    if not stats:
        return "No outlets seen yet."
    lines = [
        f"• {esc(shorten(s.outlet, 80))}: {s.articles} articles, {s.alerts} alerts" for s in stats
    ]
    return fit("<b>Sources</b>", lines)


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


def status_text(
    figures: StatusFigures,
    *,
    last_poll: datetime | None,
    knowledge: int,
    uptime: timedelta,
    paused: bool,
    workers: Sequence[WorkerInfo] | None = None,
) -> str:
    """/status; `workers` (None: one process, nothing to list) are the live ones."""
    poll = last_poll or figures.last_poll
    lines = [
        "<b>Status</b>",
        f"Feeds: {figures.feeds} ({figures.failing_feeds} failing)",
        f"Last poll: {esc(format_time(poll)) if poll else 'not yet'}",
        f"Today: {figures.articles_today} articles, {figures.alerts_today} alerts",
        f"Knowledge base: {knowledge} known sentences, {figures.developments} developments",
        f"Uptime: {_age(uptime)}",
    ]
    if paused:
        lines.append("<b>Alerts are paused</b> (/resume to send them)")
    if workers is not None:
        lines.extend(_workers_lines(workers))
    return "\n".join(lines)


def _workers_lines(workers: Sequence[WorkerInfo]) -> list[str]:
    """How many workers are alive, and per worker its roles, leases and feeds in hand."""
    lines = [f"Workers: {len(workers)} alive"]
    for worker in workers[:MAX_WORKERS_SHOWN]:
        roles = esc(", ".join(worker.roles) or "no roles")
        leases = esc(shorten(", ".join(worker.leases), 120)) if worker.leases else "no leases"
        feeds = f"{worker.feeds_polling} feed{'' if worker.feeds_polling == 1 else 's'}"
        ident = esc(shorten(worker.id, 60))
        lines.append(f"• <code>{ident}</code> ({roles}): {leases}; polling {feeds}")
    if len(workers) > MAX_WORKERS_SHOWN:
        lines.append(f"<i>… and {len(workers) - MAX_WORKERS_SHOWN} more</i>")
    return lines


def feeds_text(feeds: Sequence[FeedView]) -> str:
    if not feeds:
        return "No feeds configured."
    lines = []
    for feed in feeds:
        state = esc(feed.status) + (f", {feed.error_count} errors" if feed.error_count else "")
        error = f"\n   <i>{esc(shorten(feed.last_error, 120))}</i>" if feed.last_error else ""
        lines.append(f"• {link(shorten(feed.name or feed.url, 80), feed.url)} — {state}{error}")
    return fit(f"<b>Feeds</b> ({len(feeds)})", lines)
