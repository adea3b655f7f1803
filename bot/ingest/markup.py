"""HTML to plain, valid Unicode text.

Feed titles and bodies arrive as HTML (sometimes escaped twice), with stray
control characters, NULs (which PostgreSQL rejects) and lone surrogates.
Everything we store and show passes through here so no markup is left.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never article text.
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "pre",
        "hr",
        "dd",
        "dt",
        "figure",
        "figcaption",
    }
)
_TAG_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_INVALID = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd]")
MAX_UNESCAPE_ROUNDS = 3


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def valid_unicode(text: str) -> str:
    """Drop lone surrogates, NULs, private-use and control characters (keeping newlines, tabs)."""
    return _INVALID.sub("", text.replace("\r\n", "\n"))


def _strip_once(markup: str) -> str:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return "".join(collector.parts)


def html_to_text(markup: str) -> str:
    """Plain text with paragraph breaks kept and every tag and entity resolved."""
    text = valid_unicode(markup)
    if "<" in text or "&" in text:
        text = valid_unicode(_strip_markup(text))  # entities may have decoded to controls
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _strip_markup(text: str) -> str:
    """Strip tags and resolve entities until stable (markup is sometimes escaped twice)."""
    for _ in range(MAX_UNESCAPE_ROUNDS):
        stripped = _strip_once(text)
        if "<" not in stripped and "&" not in stripped:
            return stripped
        if stripped == text and not _TAG_LIKE.search(stripped):
            break
        text = stripped
    return _TAG_LIKE.sub(" ", text)


def one_line(markup: str) -> str:
    """A title: plain text on a single line."""
    return " ".join(html_to_text(markup).split())


def word_count(text: str) -> int:
    return len(text.split())
