"""Alerts as Telegram HTML: pure functions, no I/O.

Everything that came from outside (feeds, the assessor, users) passes through
`esc` before it meets markup, and only http(s) links become `<a href>`.
Messages must fit Telegram's 4096-character limit *after* entity parsing, so
lengths are measured on the visible text in UTF-16 code units (how Telegram
counts). Shortening happens on the raw text before escaping, at word
boundaries, so a cut can never land inside a tag or an entity.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain import Alert, Source

TELEGRAM_LIMIT = 4096
HEADLINE_LIMIT = 300  # a headline longer than this is a paragraph, not a headline
OUTLET_LIMIT = 80
URL_LIMIT = 2048
MAX_ALSO = 12  # "Also:" lists beyond this end in "and n more"
ELLIPSIS = "…"


def esc(text: str) -> str:
    """Escape outside text for Telegram HTML (only <, > and & are special there)."""
    return html.escape(text, quote=False)


def visible_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the visible text."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` visible units, at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if visible_length(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text
    while visible_length(cut) > limit - 1:
        cut = cut[: max(len(cut) - max(1, (visible_length(cut) - limit + 1) // 2), 0)]
    head, _, _ = cut.rpartition(" ")
    if len(head) >= len(cut) * 0.6:  # keep whole words unless that loses too much
        cut = head
    return cut.rstrip(" ,;:-") + ELLIPSIS


def link(label: str, url: str) -> str:
    """An escaped label, linked when the URL is a plain http(s) URL."""
    label = esc(label)
    if url.startswith(("http://", "https://")) and len(url) <= URL_LIMIT and "\n" not in url:
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
    return label


def format_time(moment: datetime | None) -> str:
    """A compact UTC time stamp, or an empty string when unknown."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _sources(sources: Sequence[Source]) -> list[str]:
    """The first outlet as "Source:", later ones on one "Also:" line (distinct outlets)."""
    distinct: dict[str, Source] = {}
    for source in sources:
        distinct.setdefault(source.outlet.strip().lower() or source.url, source)
    items = [link(shorten(s.outlet or "link", OUTLET_LIMIT), s.url) for s in distinct.values()]
    if not items:
        return []
    lines = [f"Source: {items[0]}"]
    also = items[1 : 1 + MAX_ALSO]
    if also:
        more = len(items) - 1 - len(also)
        lines.append("Also: " + ", ".join(also) + (f" and {more} more" if more else ""))
    return lines


def render_alert(alert: Alert) -> str:
    """One development as a Telegram HTML message of at most 4096 visible characters."""
    headline = f"<b>{esc(shorten(alert.headline or 'New development', HEADLINE_LIMIT))}</b>"
    tail = _sources(alert.sources)
    stamp = format_time(alert.published_at)
    if stamp:
        tail.append(f"<i>{esc(stamp)}</i>")
    fixed = visible_length(_strip(headline)) + sum(visible_length(_strip(t)) + 1 for t in tail)
    budget = TELEGRAM_LIMIT - fixed - 8  # blank lines between blocks
    body = _body(alert, budget)
    return "\n\n".join(p for p in (headline, *body, "\n".join(tail)) if p)


def _body(alert: Alert, budget: int) -> list[str]:
    """The summary (or the new facts) and the "Before:" line, sharing what room is left."""
    summary = alert.summary.strip() or "\n".join(f"• {f}" for f in alert.new_facts[:5])
    before = (alert.before or "").strip()
    before_room = min(visible_length(before), max(budget // 3, budget - visible_length(summary)))
    parts = []
    summary_room = budget - (before_room + len("Before: ") + 2 if before else 0)
    if summary:
        parts.append(esc(_shorten_lines(summary, summary_room)))
    if before:
        parts.append(f"<i>Before:</i> {esc(shorten(before, before_room))}")
    return parts


def _shorten_lines(text: str, limit: int) -> str:
    """Like `shorten`, but keeps line breaks (bulleted facts)."""
    if visible_length(text) <= limit:
        return text
    return shorten(text, limit)


def _strip(markup: str) -> str:
    """Visible text of markup we built ourselves (used only for budgeting)."""
    out, in_tag = [], False
    for ch in markup:
        if ch == "<":
            in_tag = True
        elif ch == ">":
            in_tag = False
        elif not in_tag:
            out.append(ch)
    return html.unescape("".join(out))
