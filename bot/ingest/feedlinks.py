"""Feed discovery: the RSS/Atom feeds a page announces with `<link rel="alternate">`.

A news page names its own feeds in its head (the convention every reader honours);
`story new` offers those as feed suggestions instead of guessing URL patterns.
Parsing only, no I/O: odd markup yields fewer links, never an exception.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})


class _LinkParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {key: (value or "").strip() for key, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            url = urljoin(self.base_url, values["href"])
            self.found.append((values.get("title", ""), url))


def feed_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """(title, absolute URL) of each http(s) feed the page announces, in page order, once each."""
    parser = _LinkParser(base_url)
    parser.feed(html)
    parser.close()
    seen: set[str] = set()
    links = []
    for title, url in parser.found:
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            links.append((title, url))
    return links
