"""The operator's feeds file (`config/feeds.toml`): which feeds to poll.

Read at start-up and synced into the feeds table. A mistake here should stop
the program with one line naming the file and the entry, not surface later
as a confusing poll error.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.domain import FeedSpec
from bot.errors import ConfigError
from bot.ingest.identity import is_web_url

_KEYS = frozenset({"name", "url", "interval_seconds"})
MIN_INTERVAL_SECONDS = 30  # faster than this is impolite to any publisher


def load_feeds_file(path: Path) -> list[FeedSpec]:
    """Parse `[[feeds]]` tables (name, url, optional interval_seconds); ConfigError on bad input."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read feeds file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"feeds file {path} is not valid TOML: {exc}") from None
    return feed_specs(f"feeds file {path}", data.get("feeds", []))


def feed_specs(source: str, entries: Any) -> list[FeedSpec]:
    """The `[[feeds]]` tables of a parsed file; `source` names the file in each error line."""
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: expected [[feeds]] tables")
    specs = [_spec(source, index, entry) for index, entry in enumerate(entries, start=1)]
    _reject_duplicates(source, specs)
    return specs


def _spec(source: str, index: int, entry: Any) -> FeedSpec:
    where = f"{source}, feed #{index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table with name and url")
    label = f"{where} ({entry.get('name') or entry.get('url') or 'unnamed'})"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ConfigError(f"{label}: unknown key(s) {', '.join(unknown)}")
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: 'name' must be a non-empty string")
    if not isinstance(url, str) or not is_web_url(url):
        raise ConfigError(f"{label}: 'url' must be an http:// or https:// URL (got {url!r})")
    interval = entry.get("interval_seconds")
    if interval is not None and (
        isinstance(interval, bool)
        or not isinstance(interval, int)
        or interval < MIN_INTERVAL_SECONDS
    ):
        raise ConfigError(
            f"{label}: 'interval_seconds' must be an integer >= {MIN_INTERVAL_SECONDS}"
        )
    return FeedSpec(name=name.strip(), url=url.strip(), interval_seconds=interval)


def _reject_duplicates(source: str, specs: list[FeedSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.url in seen:
            raise ConfigError(f"{source}: {spec.url} is listed twice")
        seen.add(spec.url)


def feeds_toml(feeds: Iterable[tuple[str, str]]) -> str:
    """(name, url) pairs as `[[feeds]]` tables, quoted so any name or URL reads back as given."""
    return "".join(
        f"[[feeds]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n\n" for name, url in feeds
    )
