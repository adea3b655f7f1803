"""The report tables of `talkwatch poll-once` and `talkwatch feeds`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import FeedStatus, PollReport
from bot.store.feeds import FeedState


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
        f"  failed {o.feed_url}: {o.error}"
        for o in report.outcomes
        if o.status is FeedStatus.FAILED
    ]
    return "\n".join(lines)


_COLUMNS = (("name", 24), ("url", 48), ("status", 12), ("last success", 16), ("errors", 6))


def format_feeds_table(feeds: Sequence[FeedState]) -> str:
    """`talkwatch feeds`: name, url, status, last success, errors, last error."""
    if not feeds:
        return "No feeds."
    header = [*(_cell(title, width) for title, width in _COLUMNS), "last error"]
    rows = [" ".join(header).rstrip()]
    for feed in feeds:
        success = feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "-"
        values = (feed.name, feed.url, feed.last_status, success, str(feed.error_count))
        cells = [_cell(v, w) for v, (_, w) in zip(values, _COLUMNS, strict=True)]
        rows.append(" ".join([*cells, _clip(feed.last_error or "-", 80)]).rstrip())
    return "\n".join(rows)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(text: str, width: int) -> str:
    return _clip(text, width).ljust(width)
