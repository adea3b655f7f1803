"""Main article text from a page, with trafilatura.

Teaser-only feeds give the assessor too little to judge, so the poller
fetches the page and extracts the article body here. Navigation, sidebars of
other stories' headlines, captions, share bars and footers are pruned before
extraction, and clutter lines that survive it (an "ALSO READ:" inside the
body, a "Follow us" line) are dropped by the core's own clutter rules. Pure: bytes in, text
out, no I/O. Hostile or huge HTML cannot stop a cycle: input is capped and
any extractor failure yields an empty result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from bot.assess.clutter import drop_clutter
from bot.ingest.markup import one_line, valid_unicode

# Article pages are rarely over 1 MB of HTML; beyond that is boilerplate or an attack.
MAX_HTML_BYTES = 2_000_000
# Page parts that are never the article, by element or by the class and id names news
# sites give them: sidebars of related and most-read stories (other stories' headlines),
# captions, share bars, newsletter boxes, cookie banners, advertisement slots.
_PAGE_PARTS = (
    "related", "most-read", "mostread", "most-popular", "trending", "recommend", "share",
    "social", "newsletter", "subscribe", "signup", "cookie", "consent", "advert", "ad-slot",
    "ad-container", "sponsored", "promo", "breadcrumb", "caption", "ticker", "audio",
)  # fmt: skip
PRUNE_XPATH = [
    "//aside",
    "//nav",
    "//footer",
    "//figcaption",
    "//form",
    *(f"//*[contains(@class, '{part}') or contains(@id, '{part}')]" for part in _PAGE_PARTS),
]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extracted:
    """The page's headline and main text ('' when nothing article-like was found)."""

    title: str
    text: str


def extract_article(html: str | bytes, url: str) -> Extracted:
    """Extract the main text of an article page; never raises on bad input."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    data = data[:MAX_HTML_BYTES]
    if not data.strip():
        return Extracted("", "")
    try:
        document = trafilatura.bare_extraction(
            data,
            url=url,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            deduplicate=False,
            prune_xpath=PRUNE_XPATH,
        )
    except Exception:  # the extractor is third-party parsing of hostile input
        log.warning("extraction failed for %s", url, exc_info=True)
        return Extracted("", "")
    if document is None:
        return Extracted("", "")
    title = getattr(document, "title", None) or ""
    text = getattr(document, "text", None) or ""
    headline = one_line(str(title))
    return Extracted(headline, _clean(str(text), headline))


def _clean(text: str, headline: str) -> str:
    """Paragraphs of the article without page clutter lines trafilatura kept."""
    paragraphs = [" ".join(p.split()) for p in valid_unicode(text).split("\n")]
    paragraphs = [p for p in drop_clutter("\n".join(paragraphs)).split("\n") if p]
    if paragraphs and paragraphs[0] == headline:
        paragraphs = paragraphs[1:]  # the page repeats its headline above the body
    return "\n\n".join(paragraphs)
