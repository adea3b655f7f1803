"""The report tables of `talkwatch poll-once`, `talkwatch feeds` and `talkwatch stories`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.config.stories import StoryConfig
from bot.config.story_files import load_corpus
from bot.domain import FeedStatus, PollReport
from bot.ingest.identity import mask_url
from bot.ingest.schedule import base_interval, duration, explain_wait
from bot.store.feeds import FeedState
from bot.store.queries import AlertFigures


def format_poll_report(report: PollReport) -> str:
    """A short human report of one cycle: counts, new articles, and each failure."""
    if not report.outcomes:
        return "No feeds were due."
    lines = [
        f"Polled {len(report.outcomes)} feeds: {report.count(FeedStatus.OK)} ok, "
        f"{report.count(FeedStatus.NOT_MODIFIED)} not modified, "
        f"{report.count(FeedStatus.FAILED)} failed; {report.new_articles} new articles."
    ]
    lines += [
        f"  failed {mask_url(o.feed_url)}: {o.error}"
        for o in report.outcomes
        if o.status is FeedStatus.FAILED
    ]
    return "\n".join(lines)


def format_next_due(next_due: datetime | None, now: datetime) -> str:
    """When the next feed is due, and how to poll every feed now."""
    if next_due is None:
        return "No feeds are watched."
    wait = (next_due - now).total_seconds()
    when = "now" if wait <= 0 else f"in {duration(wait)}"
    stamp = next_due.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"Next feed due {when} ({stamp}); `talkwatch poll-once --all` polls every feed now."


_COLUMNS = (
    ("name", 24),
    ("url", 48),
    ("status", 12),
    ("last success", 16),
    ("errors", 6),
    ("every", 10),
    ("why", 32),
)


def format_feeds_table(feeds: Sequence[FeedState], *, default_interval: int, hint_max: int) -> str:
    """`talkwatch feeds`: name, url (secrets masked), status, errors, effective interval and why."""
    if not feeds:
        return "No feeds."
    header = [*(_cell(title, width) for title, width in _COLUMNS), "last error"]
    rows = [" ".join(header).rstrip()]
    for feed in feeds:
        success = feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "-"
        normal = base_interval(
            feed.interval_seconds, feed.ttl_seconds, default=default_interval, hint_max=hint_max
        )
        wait = explain_wait(
            normal,
            errors=feed.error_count,
            checked_at=feed.last_checked_at,
            due_at=feed.next_check_at,
        )
        values = (
            feed.name,
            mask_url(feed.url),
            feed.last_status,
            success,
            str(feed.error_count),
            duration(wait.seconds),
            wait.describe(),
        )
        cells = [_cell(v, w) for v, (_, w) in zip(values, _COLUMNS, strict=True)]
        rows.append(" ".join([*cells, _clip(feed.last_error or "-", 80)]).rstrip())
    return "\n".join(rows)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(text: str, width: int) -> str:
    return _clip(text, width).ljust(width)


_HEADER = ("STORY", "NAME", "CORPUS", "FEEDS", "CHANNEL", "ALERTS", "LAST ALERT")
# A long story name would push the table off an 80-column terminal.
MAX_NAME_CHARS = 40


def format_stories_table(
    stories: Sequence[StoryConfig],
    figures: Mapping[str, AlertFigures],
    removed: Sequence[tuple[str, str]] = (),
) -> str:
    """One row per story, with its alerts so far (by slug) and the last one's time.

    `removed` (slug, name) are stories whose folders are gone; their history stays listed.
    """
    empty = AlertFigures(0, None)
    rows = [_HEADER] + [_row(story, figures.get(story.slug, empty)) for story in stories]
    rows += [_removed_row(slug, name, figures.get(slug, empty)) for slug, name in removed]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _row(story: StoryConfig, figures: AlertFigures) -> tuple[str, ...]:
    return (
        story.slug,
        _short(story.name),
        f"{len(load_corpus(story.corpus_dir))} articles",
        str(len(story.feeds)),
        story.channel or "(none)",
        str(figures.alerts),
        _when(figures.last_alert_at),
    )


def _removed_row(slug: str, name: str, figures: AlertFigures) -> tuple[str, ...]:
    shown = _short(name)
    return (slug, shown, "(removed)", "-", "-", str(figures.alerts), _when(figures.last_alert_at))


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
