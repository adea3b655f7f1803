"""Feed bytes to clean `ParsedItem`s, with feedparser.

Parsing does no I/O: the fetcher hands over the bytes and the response
headers (for the declared encoding). Whatever feedparser recovers from a
malformed document is used; a document that is not a feed at all is a
`NotAFeed` error the poller records on the feed.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from bot.domain import ParsedItem
from bot.ingest.identity import (
    StoredPrints,
    article_url,
    canonical_url,
    cheap_identity,
    identity_key,
    resolve_redirect,
)
from bot.ingest.markup import html_to_text, one_line

MAX_TTL_SECONDS = 24 * 3600
MAX_OUTLET_CHARS = 80  # longer suffixes are part of the headline, not an outlet name
# Share of items with redirect links or <source> that marks a feed as an aggregator.
AGGREGATOR_SHARE = 0.5
# Character references feedparser's loose parser turns into an exception for the
# whole document (lone surrogates, NUL, beyond U+10FFFF): one such title lost every item.
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_ENTRY_START = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:item|entry)[\s>/]")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z0-9_]+:)?(?:item|entry)\s*>")
MAX_SKIP_NOTES = 5  # reasons kept per document; the count covers the rest


class NotAFeed(ValueError):
    """The document is not RSS/Atom (an HTML page, an error page, garbage)."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """One parsed feed document."""

    title: str
    ttl_seconds: int | None
    items: tuple[ParsedItem, ...]
    bozo: str | None = None
    skipped: int = 0  # entries that could not be read (each costs only itself)
    skip_reasons: tuple[str, ...] = ()
    # Entries left unconverted because `parse_feed` was told they are stored.
    already: StoredPrints = field(default_factory=StoredPrints)


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str],
    now: datetime | None = None,
    stored: Container[str] = (),
) -> ParsedFeed:
    """Parse feed bytes; raise NotAFeed when nothing feed-like is in them.

    An entry that cannot be read is skipped with its reason in `skip_reasons`;
    the rest of the feed is kept. An entry whose guid or link gives an identity
    in `stored` is not converted (its text cleaning is most of a parse) and is
    counted in `already` instead of `items`: a steady poll of a 50-item feed
    with 5 new entries converts 5.
    """
    fetched_at = now or datetime.now(UTC)
    lowered = {k.lower(): v for k, v in headers.items()}
    lowered.setdefault("content-location", url)
    body = _CHARREF.sub(_safe_charref, body)
    try:
        result = _feedparser(body, lowered)
        entries: list[Any] = list(result.get("entries") or [])
        skips: list[str] = []
    except Exception as exc:  # feedparser failing on one entry fails the document
        result, entries, skips = _parse_entry_by_entry(body, lowered, exc)
    if not result.get("version") and not entries:
        raise NotAFeed(_not_a_feed_reason(body, result))
    feed = result.get("feed") or {}
    title = one_line(str(feed.get("title") or "")) or urlsplit(url).netloc
    aggregator = _looks_aggregated(entries)
    items: list[ParsedItem] = []
    already: list[str] = []
    for index, entry in enumerate(entries):
        try:
            guid, link = _guid(entry), _link(entry)
            key = cheap_identity(guid, link)
            if key is not None and key in stored:
                already.append(key)
                continue
            items.append(_item(entry, title, aggregator, fetched_at, (guid, link, key)))
        except Exception as exc:  # one odd entry costs one item
            skips.append(f"entry {index + 1}: {type(exc).__name__}: {exc}"[:200])
    return ParsedFeed(
        title,
        _ttl_seconds(feed),
        tuple(items),
        _bozo_note(result),
        len(skips),
        tuple(skips[:MAX_SKIP_NOTES]),
        StoredPrints.of(already),
    )


def _feedparser(body: bytes, headers: Mapping[str, str]) -> Any:
    # Markup is stripped to plain text afterwards, so feedparser's sanitising and URI
    # rewriting inside HTML would be wasted work (about a third of its parse time).
    return feedparser.parse(
        body, response_headers=dict(headers), sanitize_html=False, resolve_relative_uris=False
    )


def _safe_charref(match: re.Match[bytes]) -> bytes:
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"  # dropped later by valid_unicode, like any invalid character
    return match.group(0)


def _parse_entry_by_entry(
    body: bytes, headers: Mapping[str, str], error: Exception
) -> tuple[Any, list[Any], list[str]]:
    """Parse each entry in the feed's own envelope, so a bad one costs only itself."""
    starts = [m.start() for m in _ENTRY_START.finditer(body)]
    ends = [m.end() for m in _ENTRY_END.finditer(body)]
    if not starts or not ends:
        raise NotAFeed(f"not a feed: unreadable ({type(error).__name__}: {error})"[:200])
    head, tail = body[: starts[0]], body[ends[-1] :]
    result = _feedparser(head + tail, headers)
    entries: list[Any] = []
    skips: list[str] = []
    for index, start in enumerate(starts):
        end = next((e for e in ends if e > start), len(body))
        try:
            entries += _feedparser(head + body[start:end] + tail, headers).get("entries") or []
        except Exception as exc:
            skips.append(f"entry {index + 1}: {type(exc).__name__}: {exc}"[:200])
    return result, entries, skips


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


def _item(
    entry: Mapping[str, Any],
    feed_title: str,
    aggregator: bool,
    now: datetime,
    names: tuple[str | None, str | None, str | None],
) -> ParsedItem:
    """The clean item; `names` is (guid, canonical link, identity if they decide it)."""
    guid, url, key = names
    title = one_line(str(entry.get("title") or ""))
    outlet: str | None = None
    if aggregator:
        title, outlet = split_outlet(title, known=_source_title(entry))
    summary = html_to_text(str(entry.get("summary") or ""))
    text = _full_text(entry) or summary
    if not title:
        title = " ".join(text.split()[:12])
    return ParsedItem(
        identity=key or identity_key(guid, url, title, text),
        guid=guid,
        url=url,
        title=title,
        text=text,
        summary=summary,
        published_at=_published(entry, now),
        outlet=outlet or feed_title,
    )


def _link(entry: Mapping[str, Any]) -> str | None:
    """The canonical article URL behind the entry's link."""
    link = entry.get("link")
    return article_url(link) if isinstance(link, str) else None


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
