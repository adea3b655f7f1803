"""Golden files: each fixture feed has its expected parsed items beside it (`*.expected.json`).

Regenerate after a deliberate parsing change with
`python -m tests.ingest.golden` from the repository root, then review the diff.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.ingest.parse import ParsedFeed, parse_feed
from tests.support.feed_server import FIXTURES, fixture_bytes

BASE = "http://feeds.test"
FETCHED_AT = datetime(2023, 6, 1, tzinfo=UTC)
GOLDEN = {
    "rss_full.xml": "application/rss+xml; charset=utf-8",
    "rss_teaser.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "rdf.xml": "application/rdf+xml",
    "aggregator.xml": "application/rss+xml",
    "no_links_dates.xml": "text/xml",
    "latin1_mislabeled.xml": "text/xml",
    "cp1251_undeclared.xml": "text/xml; charset=windows-1251",
    "malformed.xml": "application/xml",
}


def parse_fixture(name: str) -> ParsedFeed:
    body = fixture_bytes(name, BASE)
    headers = {"Content-Type": GOLDEN[name]}
    return parse_feed(body, url=f"{BASE}/{name}", headers=headers, now=FETCHED_AT)


def as_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "ttl_seconds": feed.ttl_seconds,
        "items": [
            {
                "identity": item.identity,
                "guid": item.guid,
                "url": item.url,
                "title": item.title,
                "outlet": item.outlet,
                "published_at": item.published_at.isoformat() if item.published_at else None,
                "summary": item.summary,
                "text": item.text,
            }
            for item in feed.items
        ],
    }


def expected(name: str) -> dict[str, Any]:
    path = FIXTURES / f"{name}.expected.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def regenerate() -> None:
    for name in GOLDEN:
        path = FIXTURES / f"{name}.expected.json"
        text = json.dumps(as_json(parse_fixture(name)), indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    regenerate()
