"""What parties said: quotations (however long, however split) and reported speech.

A development is often only words: a denial, a refusal, a pledge. News prose
carries them three ways: a quotation in marks (which may run over two
sentences or 200 characters, or stand in a "Quote:" block), reported speech
with no marks at all ("Mao said it would be difficult for China to take
part", "according to the ministry, ..."), and a trailing attribution
("..., the ministry said."). Each yields one `Utterance`; words of analysts
and commentators are marked as comment, as they are not a party's statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.assess.text import terms

# Long quotes are keyed by their opening words: two outlets quoting the same
# statement at different lengths still share its start.
QUOTE_KEY_TERMS = 12
# Reported speech shorter than this many content terms is a verb of saying, not a claim.
STATEMENT_MIN_TERMS = 5
# A quotation longer than this is a document excerpt; its opening words key it anyway.
MAX_QUOTE_CHARS = 1200

_OPEN = '"“„«'
_CLOSE = '"”»'
_QUOTE = re.compile(rf"[\"“„«]([^\"“”„«»]{{4,{MAX_QUOTE_CHARS}}})(?:[\"”»]|$)")
# Who speaks in a sentence when it is comment: analysts, scholars, think tanks.
# Who speaks when words are comment or colour, not a party's statement: analysts and
# scholars, and the people a reporter meets (residents, traders, workers, relatives).
_COMMENTATOR = re.compile(
    r"\b(?:analysts?|experts?|professor|researchers?|scholars?|fellow|commentators?|columnist|"
    r"think[- ]tank|institute|university|academy|observers?|former|economists?|strategists?|"
    r"consultants?|residents?|locals?|villagers?|traders?|brokers?|farmers?|seafarers?|sailors?|"
    r"dockers?|dock workers?|workers?|shopkeepers?|drivers?|passengers?|neighbou?rs?|"
    r"relatives?|brother|sister|mother|father|son|daughter|wife|husband|pensioner|student)\b",
    re.I,
)


def is_commentator(text: str) -> bool:
    """Whether a phrase names an analyst, scholar or bystander ('a shipping analyst').

    'Former' marks a former official's quote as comment, but a former official named
    in a sentence may still be acting (an envoy), so it does not mark a name."""
    return any(m.group().lower() != "former" for m in _COMMENTATOR.finditer(text))


# Verbs of saying that take a clause, with or without "that": "Mao said it would ...".
_SAY = (
    r"(?:said|says|told\s+(?:\w+\s+){0,3}?|added|stressed|noted|warned|insisted|argued|"
    r"promised|pledged|signalled|signaled|maintained|reiterated|repeated|acknowledged|admitted|"
    r"claimed|vowed|assured\s+\S+(?:\s+\S+)?)"
)
# Verbs that also take a plain object ("announced its return", "denied the report"): they
# report speech only with "that".
_SAY_THAT = (
    r"(?:announced|confirmed|stated|declared|denied|rejected|dismissed|"
    r"accused\s+\S+(?:\s+\S+)?\s+of)"
)
_SPEAKER_WORDS = r"(?P<speaker>(?:[\w'’.-]+\s+){0,8}?[\w'’.-]+)"
_LEADING = re.compile(
    rf"^{_SPEAKER_WORDS}\s+(?:{_SAY}(?:\s+on\s+\w+)?,?\s+(?:that\s+)?|"
    rf"{_SAY_THAT}(?:\s+on\s+\w+)?,?\s+that\s+)(?P<content>.+)$"
)
# A trailing attribution sits this close to the end: ", the ministry said on Friday."
TRAILING_TAIL_CHARS = 60
# ... and its speaker is at most this long: ", Ukraine's deputy foreign minister said".
SPEAKER_CHARS = 80
# A cheap test run first: most sentences report no speech at all.
_SAY_WORD = re.compile(
    r"\b(?:said|says|told|added|stressed|noted|warned|insisted|denied|announced|confirmed|"
    r"stated|declared|pledged|urged|argued|accused|promised|signall?ed|maintained|reiterated|"
    r"repeated|acknowledged|admitted|claimed|rejected|dismissed|vowed|assured|according)\b",
    re.I,
)
_SPEAKER = re.compile(
    r"[A-Z]|\b(?:ministry|ministers?|spokes\w+|government|officials?|office|embassy|"
    r"president|presidency|kremlin|foreign|department|agency|council|statement|he|she|they|it)\b",
    re.I,
)
_LABEL = re.compile(r"^\s*quote\s*:\s*", re.I)


@dataclass(frozen=True, slots=True)
class Utterance:
    """Words said: `quoted` in marks or reported; `comment` when an analyst said them."""

    key: str
    text: str
    quoted: bool
    comment: bool


def utterances(sentence: str, context: str = "") -> list[Utterance]:
    """Quotations and reported speech of one sentence; `context` (its neighbours) tells who
    speaks when a quotation runs on past the sentence that attributes it."""
    sentence = _LABEL.sub("", sentence)
    if not any(c in sentence for c in _OPEN + _CLOSE):
        reported = _reported(sentence)
        return [reported] if reported is not None else []
    found = _quotations(sentence)
    if found and (_COMMENTATOR.search(sentence) or _COMMENTATOR.search(context)):
        found = [Utterance(u.key, u.text, u.quoted, True) for u in found]
    return found


def _quotations(sentence: str) -> list[Utterance]:
    """Quotes in marks, and the unclosed or unopened piece of one that spans sentences."""
    pieces = []
    rest = sentence
    first = _first_mark(sentence)
    if first is not None and _closes(sentence, first):
        pieces.append(sentence[:first])
        rest = sentence[first + 1 :]
    pieces.extend(m.group(1) for m in _QUOTE.finditer(rest))
    result = []
    for piece in pieces:
        key_terms = terms(piece)[:QUOTE_KEY_TERMS]
        if key_terms and len(piece.split()) >= 2:
            result.append(Utterance("quote:" + " ".join(key_terms), piece.strip(), True, False))
    return result


def _first_mark(sentence: str) -> int | None:
    return next((i for i, c in enumerate(sentence) if c in _OPEN + _CLOSE), None)


def _closes(sentence: str, index: int) -> bool:
    """Whether the first quotation mark ends a quote the previous sentence opened."""
    mark = sentence[index]
    if mark in "”»":
        return True
    return mark == '"' and index > 0 and not sentence[index - 1].isspace()


def _reported(sentence: str) -> Utterance | None:
    """'X said (that) ...', '..., X said.', 'according to X, ...': a claim with its speaker.

    A claim is marked as comment when its speaker is an analyst or bystander."""
    says = list(_SAY_WORD.finditer(sentence))
    if not says:
        return None
    text = sentence.rstrip(".")
    for speaker, content in _attributions(text, says):
        if not _SPEAKER.search(speaker):
            continue
        content_terms = terms(content)
        if len(content_terms) >= STATEMENT_MIN_TERMS:
            key = "statement:" + " ".join(content_terms[:QUOTE_KEY_TERMS])
            comment = bool(_COMMENTATOR.search(speaker))
            return Utterance(key, content.strip(), False, comment)
    return None


def _attributions(text: str, says: list[re.Match[str]]) -> list[tuple[str, str]]:
    """(speaker, content) readings of a sentence, most specific first."""
    found = []
    lowered = text.lower()
    at = lowered.find("according to ")
    if at == 0 and "," in text:
        speaker, content = text[len("according to ") :].split(",", 1)
        found.append((speaker, content))
    elif at > 0:
        found.append((text[at + len("according to ") :], text[:at].rstrip(", ")))
    last = says[-1]
    comma = text.rfind(",", 0, last.start())
    near_end = len(text) - last.end() <= TRAILING_TAIL_CHARS
    if near_end and comma > 0 and last.start() - comma <= SPEAKER_CHARS:
        found.append((text[comma + 1 : last.start()], text[:comma]))
    leading = _LEADING.match(text)
    if leading is not None:
        found.append((leading.group("speaker"), leading.group("content")))
    return found
