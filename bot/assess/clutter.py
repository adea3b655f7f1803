"""Page clutter: the lines of a scraped news page that are about the page, not the story.

Bylines with timestamps, view counters, "ALSO READ:" lines and related-story
lists, advertisements, photo captions, share and newsletter prompts, stock
tickers, copyright lines, audio-player notices and cookie text carry names,
dates and numbers that belong to other stories or to the outlet. Read as
article text they make a rehash look new and end up in the alert. Each rule
below states a property of page text (a short line that is a counter, a
prompt whose verb is an imperative aimed at a platform, ...), never a word of
one story; headlines and one-line wire sentences match none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum


class Clutter(StrEnum):
    """Why a line is page clutter."""

    BYLINE = "byline"
    TIMESTAMP = "timestamp"
    COUNTER = "counter"
    CROSSLINK = "crosslink"
    LINK_LIST = "link list"
    ADVERT = "advert"
    CAPTION = "caption"
    PROMPT = "prompt"
    TICKER = "ticker"
    COPYRIGHT = "copyright"
    AUDIO = "audio"
    COOKIE = "cookie"
    EDITOR_NOTE = "editor note"
    CHROME = "chrome"


# A line longer than this is prose, whatever words it holds: page furniture is short.
SHORT_LINE_WORDS = 30
# Segments of a " | "-separated line at most this long are labels, not sentences.
LABEL_WORDS = 8

_NAME = r"[A-Z][\w.'’-]*"
# "By Jane Roe", "By Staff Reporter | Updated: ...", "By Jane Roe, Shipping Correspondent".
_BYLINE = re.compile(
    rf"^by\s+{_NAME}(?:\s+(?:and\s+)?{_NAME}){{0,5}}\s*(?:$|[|•·]|,\s*{_NAME}(?:\s+[\w-]+){{0,4}}$)",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\.\d{2}\s*(?:[ap]\.?m\b|GMT|UTC|[A-Z]{3}\b)")
_PUBLISH_LABEL = re.compile(
    r"^(?:.*\|\s*)?(?:last\s+)?(?:updated|published|posted|first published|modified)\b"
    r"\s*(?::|on\b|at\b|\d)",
    re.I,
)
_COUNTER = re.compile(
    r"(?:^|\|)\s*(?:(?:views?|reads?|comments?|shares?)\s*:\s*[\d,.]+[km]?"
    r"|[\d,.]+[km]?\s+(?:views?|reads?|comments?|shares?|likes?)"
    r"|\d+\s*min(?:ute)?s?\s+(?:read|listen|watch))\s*(?:$|\|)",
    re.I,
)
_CROSSLINK = re.compile(
    r"^(?:also read|read more|read also|see also|also see|more on this|more from\b[^:]*|must read|"
    r"further reading|what to read next|related(?:\s+(?:stories|articles|coverage|content|news|"
    r"links|reading|topics))?|most (?:read|popular|viewed|shared)|trending(?: now)?|"
    r"recommended(?: for you)?|you (?:may|might) also like|top stories|latest news|editor'?s picks)"
    r"\s*(?:$|[:|»›>–—•·-]|\d{1,2}[.)]\s)",
    re.I,
)
# Separators of headlines run together on one line: "Related • A • B", "Most read 1. A 2. B".
_RUN_TOGETHER = re.compile(r"\s(?:[•·|–—-]|\d{1,2}\.)\s")
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪►*–—-]|\d{1,2}[.)])\s+")
_ADVERT = re.compile(
    r"^\(?(?:advertisement|advertising|sponsored(?: content)?|ad|promoted|"
    r"story continues below(?: advertisement)?|continue reading(?: below)?|scroll to continue"
    r"(?: with content)?)\)?\s*$",
    re.I,
)
_CAPTION = re.compile(
    r"^(?:file\s+)?(?:photo(?:graph)?|image|picture|pic|video|caption|credit|illustration|graphic)s?"
    r"\s*(?::|\||/|-\s|–|—|credit\b|by\b)"
    r"|\b(?:photo(?:graph)?|image)\s*(?:credit)?\s*:\s*\S"
    r"|\(\s*(?:AP|AFP|Reuters|EPA|Getty|Xinhua|File)\b[^)]{0,40}(?:photo|images?|file)?\)\s*$",
    re.I,
)
_PROMPT_VERB = re.compile(
    r"(?:^|[.:|–—-]\s*)(?:please\s+)?(?:follow|subscribe|sign\s+up|signup|download|get|join|"
    r"share|click|tap|turn\s+on|install|like|don'?t\s+miss|never\s+miss|stay\s+(?:up|informed)|"
    r"read|watch|listen|copy\s+link)\b",
    re.I,
)
_PLATFORM = re.compile(
    r"\b(?:telegram|whatsapp|facebook|twitter|x|instagram|youtube|tiktok|linkedin|viber|"
    r"google news|app|apps|newsletters?|notifications?|inbox|briefing|brief|podcast|alerts?|"
    r"updates?|channel|email|link|here)\b",
    re.I,
)
_ARROWS = re.compile(r"[▲▼△▽↑↓]")
_TICKER_PAIR = re.compile(r"\b[A-Z][A-Z0-9/&.]{2,}\s+[$€£₹]?\d[\d,]*\.\d+")
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|all rights reserved|reproduction (?:is )?prohibited", re.I
)
_AUDIO = re.compile(
    r"^listen to (?:this|the) (?:article|story)|\baudio (?:is|was) (?:created|generated)|"
    r"\b(?:created|generated|voiced) (?:with|by) (?:ai|artificial intelligence)\b",
    re.I,
)
_COOKIE = re.compile(
    r"\bcookies?\b.*\b(?:use|accept|consent|policy|preferences|settings|agree)", re.I
)
_EDITOR_NOTE = re.compile(
    r"^\((?:[^().]{0,90})\)$|^(?:more to follow|developing story|this is a developing story|"
    r"this story (?:is developing|will be updated|has been updated)[^.]*)\.?$",
    re.I,
)


def clutter_kind(line: str) -> Clutter | None:
    """Which kind of page clutter a single line is, or None for article text."""
    text = line.strip()
    if _CROSSLINK.match(text) and len(_RUN_TOGETHER.findall(text)) >= 2:
        return Clutter.LINK_LIST
    if not text or len(text.split()) > SHORT_LINE_WORDS:
        return None
    for kind, test in _RULES:
        if test(text):
            return kind
    return None


def _is_timestamp(text: str) -> bool:
    """A dateline stamp: a publish label, or a clock time in a line that is no sentence."""
    if _PUBLISH_LABEL.match(text):
        return True
    return bool(_CLOCK.search(text)) and not _is_sentence(text)


def _is_sentence(text: str) -> bool:
    """Ends like a sentence and holds lowercase words: prose, not a label."""
    lowercase = sum(1 for w in text.split() if w[:1].islower())
    return text.rstrip("\"'”’)").endswith((".", "!", "?")) and lowercase >= 3


def _is_prompt(text: str) -> bool:
    """An imperative aimed at a platform ('Follow us on ...', 'Sign up for our newsletter').

    News prose has a subject; a clause that opens with one of these verbs and names a
    channel, app or newsletter is the page talking to its reader.
    """
    return bool(_PROMPT_VERB.search(text) and _PLATFORM.search(text))


def _is_ticker(text: str) -> bool:
    """Market prices: up/down arrows or two 'INDEX 123.45' pairs on one line."""
    return bool(_ARROWS.search(text)) or len(_TICKER_PAIR.findall(text)) >= 2


def _is_chrome(text: str) -> bool:
    """A row of short labels separated by pipes: navigation, share bars, outlet stamps."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2:
        return False
    return all(len(p.split()) <= LABEL_WORDS and not _is_sentence(p) for p in parts)


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: bool(pattern.search(text))


_RULES: tuple[tuple[Clutter, Callable[[str], bool]], ...] = (
    (Clutter.ADVERT, _matches(_ADVERT)),
    (Clutter.COPYRIGHT, _matches(_COPYRIGHT)),
    (Clutter.BYLINE, _matches(_BYLINE)),
    (Clutter.COUNTER, _matches(_COUNTER)),
    (Clutter.TICKER, _is_ticker),
    (Clutter.CROSSLINK, _matches(_CROSSLINK)),
    (Clutter.CAPTION, _matches(_CAPTION)),
    (Clutter.AUDIO, _matches(_AUDIO)),
    (Clutter.COOKIE, _matches(_COOKIE)),
    (Clutter.PROMPT, _is_prompt),
    (Clutter.TIMESTAMP, _is_timestamp),
    (Clutter.EDITOR_NOTE, _matches(_EDITOR_NOTE)),
    (Clutter.CHROME, _is_chrome),
)


def drop_clutter(text: str) -> str:
    """The text without clutter lines, and without the list a "Related"/"Most read" heading opens.

    Blank lines are kept so paragraphs stay apart. A heading with nothing after it
    opens a list: the bulleted, numbered or unpunctuated short lines below it are
    other stories' headlines, up to the first line that reads as prose.
    """
    kept: list[str] = []
    in_list = False
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if in_list and _is_list_item(stripped):
            continue
        kind = clutter_kind(stripped)
        in_list = kind is Clutter.CROSSLINK and _is_heading_only(stripped)
        if kind is None:
            kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _is_list_item(text: str) -> bool:
    """A bulleted or numbered line, or a short headline-like line that is no sentence."""
    if _LIST_ITEM.match(text):
        return True
    return len(text.split()) <= SHORT_LINE_WORDS and not _is_sentence(text)


def _is_heading_only(text: str) -> bool:
    """'Related', 'READ MORE:', 'Most read': a heading whose items follow on their own lines."""
    match = _CROSSLINK.match(text)
    return match is not None and not text[match.end() :].strip()
