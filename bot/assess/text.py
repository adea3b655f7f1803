"""Turning raw article text into clean sentences and comparable terms.

Everything downstream (relevance, copies, novelty) compares words, so this is
the one place that decides what a sentence and a term are. Wire boilerplate
(datelines, bylines, "Reporting by" lines, REFILE markers, all-caps
sub-headings) is removed here because it carries names and dates that are
about the outlet, not the story.
"""

from __future__ import annotations

import html
import re
import unicodedata

# A 5 MB article is not news; the first 200k characters hold any development.
MAX_CHARS = 200_000

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.S | re.I)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|article|section)\b[^>]*>", re.I)
# "BEIJING, May 12 (Wire) - ", "GUANGZHOU, 24 Jul, 2024 - ", "JEDDAH, Saudi Arabia - ": the
# place and day of publication, which restate the publication time.
_DATELINE_DAY = (
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?|\d{1,2}\.? [A-Z][a-z]{2,8}\.?)(?:,?\s*\d{4})?"
)
_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'/-]{{2,40}}(?:,\s*{_DATELINE_DAY}|,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?\s*"
    r"(?:\([^)]{1,40}\))?\s*[-–—]+\s+"
)
# "Warsaw, 19. May 2023 – ": a title-case place counts as a dateline only with a day.
_TITLE_DATELINE = re.compile(
    rf"^[A-Z][a-z]+(?:[ /-][A-Z][a-z]+)?,\s*{_DATELINE_DAY}\s*(?:\([^)]{{1,40}}\))?\s*[-–—]+\s+"
)
# "Beijing: Li Hui met ...": a place and a colon opening the lead.
_COLON_DATELINE = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}:\s+(?=[A-Z])")
# "19." before a month name is a day, not the end of a sentence.
_DAY_DOT = re.compile(r"\b\d{1,2}\.$")
_MONTH_START = re.compile(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# "Quote: “...”": a layout label above a pull quote, not a word of the article.
_QUOTE_LABEL = re.compile(r"^(?:quote|quotation)\s*:\s*(?=[\"“„«])", re.I)
_OUTLET_LEAD = re.compile(r"^\([A-Z][\w .&-]{1,30}\)\s*[-–—]+\s*")
_BOILERPLATE = re.compile(
    r"^(?:by [A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*$"
    r"|\(?(?:reporting|writing|additional reporting|editing) by\b.*"
    r"|refile\b.*|update \d+\b.*|corrected\b.*|copyright\b.*|all rights reserved.*"
    r"|(?:read|see) (?:more|also)\b.*|\[source\]\s*$)",
    re.I,
)
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sen|Rep|St|Jr|Sr|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|E\.U|a\.m|p\.m|vs|etc|Inc|Corp|Co)\.$"
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]|\d[\d,.]*\d|\d")

_STOPWORDS_TEXT = """
a about above after again against all also although am an and any are as at be because
been before being below between both but by can could did do does doing down during each
either even ever every few for from further had has have having he her here hers herself
him himself his how however i if in into is it its itself just last least less let like
made make many may me might more most much must my myself neither no nor not now of off
often on once one only or other others our ours ourselves out over own per quite rather
said same say says see seen she should since so some still such than that the their theirs
them themselves then there these they this those though through thus to too under until up
upon us very via was we were what when where whether which while who whom whose why will
with within without would yet you your yours yourself mr mrs ms according told tell tells
added adding also another around away back became become becomes come comes going got get
gets like well way ways
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def clean_text(raw: str) -> str:
    """Plain text from whatever arrived: HTML soup, entities, odd spacing, huge bodies."""
    text = raw[:MAX_CHARS]
    if "<" in text and ">" in text:
        text = _BLOCK_TAG.sub("\n\n", text)
        text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", html.unescape(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Paragraphs with wire boilerplate removed; single newlines also split (corpus style)."""
    result: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        para = block.strip()
        if not para or _BOILERPLATE.match(para) or _is_heading(para):
            continue
        para = _TITLE_DATELINE.sub("", _DATELINE.sub("", para))
        para = _OUTLET_LEAD.sub("", para).strip()
        if not result:
            para = _COLON_DATELINE.sub("", para)
        para = _QUOTE_LABEL.sub("", para)
        if para:
            result.append(para)
    return result


def _is_heading(para: str) -> bool:
    """All-caps sub-headings ("WHAT DID XI SAY?") are layout, not content."""
    if len(para) >= 120 or para.upper() != para:
        return False
    return sum(1 for c in para if c.isalpha()) >= 4


def split_sentences(text: str) -> list[str]:
    """Sentences of the cleaned text, keeping abbreviations such as "Feb." or "U.S." intact."""
    return sentences_of(paragraphs(text))


def sentences_of(paras: list[str]) -> list[str]:
    """Sentences of paragraphs already cleaned by `paragraphs`."""
    sentences: list[str] = []
    for para in paras:
        pending = ""
        pieces = _SENT_END.split(para)
        for index, piece in enumerate(pieces):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            if not _continues(pending, following):
                sentences.append(pending)
                pending = ""
        if pending:
            sentences.append(pending)
    return [s for s in sentences if _has_words(s)]


def _continues(pending: str, following: str) -> bool:
    """An abbreviation ("Feb.", "U.S.") or a day before its month ("19. May") ends no sentence."""
    if _ABBREV.search(pending[-10:]):  # abbreviations are at most 6 characters long
        return True
    return bool(_DAY_DOT.search(pending) and _MONTH_START.match(following))


def _has_words(sentence: str) -> bool:
    return sum(1 for _ in _WORD.finditer(sentence)) >= 2


def words(text: str) -> list[str]:
    """Surface word tokens, possessives stripped, case kept (for entities and shingles)."""
    result = []
    for match in _WORD.finditer(text):
        token = match.group().rstrip(".")
        if token.endswith(("'s", "’s")):
            token = token[:-2]
        token = token.rstrip("'’")
        if token:
            result.append(token)
    return result


def stem(word: str) -> str:
    """A deliberately crude plural folding: 'talks'/'talk', 'countries'/'country'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Content terms: lowercased, stemmed, stopwords and one-letter tokens dropped."""
    return terms_of(words(text))


def terms_of(tokens: list[str]) -> list[str]:
    """Content terms of tokens already split by `words`."""
    result = []
    for token in tokens:
        for part in token.lower().replace("’", "'").split("-"):
            if len(part) > 1 and part not in STOPWORDS:
                result.append(stem(part))
    return result


def lower_words(text: str) -> list[str]:
    """All lowercased tokens, stopwords kept: the material for copy fingerprints."""
    return [w.lower() for w in words(text)]
