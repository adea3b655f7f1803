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
    """One development as a Telegram HTML message of at most 4096 visible UTF-16 units.

    The headline and the tail (sources, time) are bounded on their own; the
    summary and the "Before:" line share what is left, and if the measured
    message is still over (it cannot be, but the limit is a promise for any
    input) the least important text goes first: "Before:", then the summary.
    """
    headline = f"<b>{esc(shorten(alert.headline or 'New development', HEADLINE_LIMIT))}</b>"
    tail = _sources(alert.sources)
    stamp = format_time(alert.published_at)
    if stamp:
        tail.append(f"<i>{esc(stamp)}</i>")
    summary = alert.summary.strip() or "\n".join(f"• {f}" for f in alert.new_facts[:5])
    before = (alert.before or "").strip()
    room = TELEGRAM_LIMIT - _shown_length(_compose(headline, "", "", tail))
    room -= (len(BLOCK_GAP) if summary else 0) + (len(BLOCK_GAP + BEFORE) if before else 0)
    before_room = min(visible_length(before), max(room // 3, room - visible_length(summary)))
    summary_room = room - before_room if before else room
    while True:
        message = _compose(
            headline, _shorten_lines(summary, summary_room), shorten(before, before_room), tail
        )
        excess = _shown_length(message) - TELEGRAM_LIMIT
        if excess <= 0 or not (before_room or summary_room):
            return message  # (headline and tail alone are bounded far below the limit)
        if before and before_room > 0:
            before_room = max(0, before_room - excess)
        else:
            summary_room = max(0, summary_room - excess)


BLOCK_GAP = "\n\n"
BEFORE = "Before: "


def _compose(headline: str, summary: str, before: str, tail: list[str]) -> str:
    """The blocks of an alert, blank lines between them, empty blocks left out."""
    before_line = f"<i>{BEFORE.strip()}</i> {esc(before)}" if before else ""
    blocks = (headline, esc(summary), before_line, "\n".join(tail))
    return BLOCK_GAP.join(b for b in blocks if b)


def _shown_length(markup: str) -> int:
    """Visible length as Telegram measures it: entities parsed, outer whitespace trimmed."""
    return visible_length(_strip(markup).strip())


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
