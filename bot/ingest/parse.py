"""Feed bytes to clean `ParsedItem`s, with feedparser.

Parsing does no I/O: the fetcher hands over the bytes and the response
headers (for the declared encoding). Whatever feedparser recovers from a
malformed document is used; a document that is not a feed at all is a
`NotAFeed` error the poller records on the feed.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from bot.domain import ParsedItem
from bot.ingest.identity import article_url, canonical_url, identity_key, resolve_redirect
from bot.ingest.markup import html_to_text, one_line

MAX_TTL_SECONDS = 24 * 3600
MAX_OUTLET_CHARS = 80  # longer suffixes are part of the headline, not an outlet name
# Share of items with redirect links or <source> that marks a feed as an aggregator.
AGGREGATOR_SHARE = 0.5


class NotAFeed(ValueError):
    """The document is not RSS/Atom (an HTML page, an error page, garbage)."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """One parsed feed document."""

    title: str
    ttl_seconds: int | None
    items: tuple[ParsedItem, ...]
    bozo: str | None = None


def parse_feed(
    body: bytes, *, url: str, headers: Mapping[str, str], now: datetime | None = None
) -> ParsedFeed:
    """Parse feed bytes; raise NotAFeed when nothing feed-like is in them."""
    fetched_at = now or datetime.now(UTC)
    lowered = {k.lower(): v for k, v in headers.items()}
    lowered.setdefault("content-location", url)
    # Markup is stripped to plain text afterwards, so feedparser's sanitising and URI
    # rewriting inside HTML would be wasted work (about a third of its parse time).
    result = feedparser.parse(
        body, response_headers=lowered, sanitize_html=False, resolve_relative_uris=False
    )
    entries: Sequence[Any] = result.get("entries") or []
    if not result.get("version") and not entries:
        raise NotAFeed(_not_a_feed_reason(body, result))
    feed = result.get("feed") or {}
    title = one_line(str(feed.get("title") or "")) or urlsplit(url).netloc
    aggregator = _looks_aggregated(entries)
    items = tuple(_item(e, title, aggregator, fetched_at) for e in entries)
    return ParsedFeed(title, _ttl_seconds(feed), items, _bozo_note(result))


def _not_a_feed_reason(body: bytes, result: Any) -> str:
    head = body[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "not a feed: the server sent an HTML page"
    if not body.strip():
        return "not a feed: the response was empty"
    note = _bozo_note(result)
    return f"not a feed: {note}" if note else "not a feed: no RSS or Atom found"


def _bozo_note(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    message = str(exc).splitlines()[0] if exc and str(exc) else type(exc).__name__
    return message[:200]


def _ttl_seconds(feed: Mapping[str, Any]) -> int | None:
    try:
        minutes = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return min(minutes * 60, MAX_TTL_SECONDS) if minutes > 0 else None


def _looks_aggregated(entries: Sequence[Any]) -> bool:
    if not entries:
        return False
    marked = sum(1 for e in entries if _source_title(e) or _is_redirect(e.get("link")))
    return marked / len(entries) >= AGGREGATOR_SHARE


def _is_redirect(link: Any) -> bool:
    return isinstance(link, str) and bool(link) and resolve_redirect(link) != link.strip()


def _source_title(entry: Mapping[str, Any]) -> str:
    source = entry.get("source")
    return one_line(str(source.get("title") or "")) if isinstance(source, Mapping) else ""


def split_outlet(title: str, *, known: str = "") -> tuple[str, str | None]:
    """`Headline - Outlet` to (Headline, Outlet); (title, None) when there is no such suffix."""
    if known and title.endswith(f" - {known}"):
        return title[: -len(known) - 3].strip(), known
    head, sep, tail = title.rpartition(" - ")
    if sep and head.strip() and 0 < len(tail.strip()) <= MAX_OUTLET_CHARS:
        return head.strip(), tail.strip()
    return title, None


def _item(entry: Mapping[str, Any], feed_title: str, aggregator: bool, now: datetime) -> ParsedItem:
    title = one_line(str(entry.get("title") or ""))
    outlet: str | None = None
    if aggregator:
        title, outlet = split_outlet(title, known=_source_title(entry))
    summary = html_to_text(str(entry.get("summary") or ""))
    text = _full_text(entry) or summary
    if not title:
        title = " ".join(text.split()[:12])
    link = entry.get("link") if isinstance(entry.get("link"), str) else None
    url = article_url(link)
    guid = _guid(entry)
    return ParsedItem(
        identity=identity_key(guid, url, title, text),
        guid=guid,
        url=url,
        title=title,
        text=text,
        summary=summary,
        published_at=_published(entry, now),
        outlet=outlet or feed_title,
    )


def _guid(entry: Mapping[str, Any]) -> str | None:
    guid = entry.get("id")
    if not isinstance(guid, str) or not guid.strip():
        return None
    guid = guid.strip()
    # feedparser falls back to the link as id; a bare link is no guid of its own.
    as_url = canonical_url(guid)
    return (as_url or guid)[:1024]


def _full_text(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    texts = [html_to_text(str(c.get("value") or "")) for c in contents if isinstance(c, Mapping)]
    return max(texts, key=len, default="")


def _published(entry: Mapping[str, Any], now: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get skips feedparser's deprecated updated<->published aliasing (and its warning).
        parsed = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
        if isinstance(parsed, time.struct_time):
            try:
                when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return min(when, now)
    return None
