"""Concrete facts in a sentence: absolute dates, numbers, named entities, quoted statements.

TREC Novelty found new named entities, dates and numbers the strongest signal
that a sentence says something new. A fact has a `key` that is the same
however it is written ("May 15" and "15 May" are one date), so the knowledge
base can answer "was this ever said?" with a set lookup. Relative dates
("on Friday", "last week") are never facts: they only restate the
publication time.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from enum import StrEnum

from bot.assess.gazetteer import (
    COMMON_CAPS,
    MONTHS,
    NUMBER_WORDS,
    TITLES,
    WEEKDAYS,
    canonical_place,
)
from bot.assess.text import stem, terms

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_MD = re.compile(
    rf"\b({_MONTH})\s+(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?(?!\d)(?:,?\s+\d{{4}})?"
)
_DATE_DM = re.compile(rf"\b(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?\s+({_MONTH})(?:\s+\d{{4}})?")
_DATE_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
_MONTH_ONLY = re.compile(
    rf"\b(?:in|from|until|by|since|early|late|mid-?)\s+({_MONTH})(?:\s+\d{{4}})?\b"
)
_YEAR = re.compile(r"(?<![\d.,$-])\b(19\d\d|20\d\d)\b(?![\d.,%-])")
_NUMBER = re.compile(
    r"(?<![\w.])[$€£]?(\d+(?:[.,]\d+)*)(?:\s*(%|percent|per cent))?(?:\s+([a-z][a-z-]+))?"
)
_QUOTE = re.compile(r"[\"“]([^\"“”]{4,200})[\"”]")
# Who speaks in a sentence when it is comment: analysts, scholars, think tanks.
_COMMENTATOR = re.compile(
    r"\b(?:analysts?|experts?|professor|researchers?|scholars?|fellow|commentators?|columnist|"
    r"think[- ]tank|institute|university|academy|observers?|former)\b",
    re.I,
)
_APPOSITION = re.compile(r"^,\s+(?:the|a|an|its|his|her|their)\s+((?:[\w-]+\s+){0,3}[\w-]+)")
_ENTITY = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|de|la|al|bin|van|von|der)\s+)?[A-Z][\w'’.-]*)*")


class FactKind(StrEnum):
    """What a fact is; values equal the old strings so `kind == "person"` still holds."""

    DATE = "date"
    MONTH = "month"
    YEAR = "year"
    NUMBER = "number"
    PERSON = "person"
    PLACE = "place"
    ENTITY = "entity"
    WORD = "word"
    QUOTE = "quote"
    REMARK = "remark"
    STATEMENT = "statement"


@dataclass(frozen=True, slots=True)
class KindRule:
    """How a kind counts: its novelty `weight`, whether it is evidence in a comment piece,
    and whether it is known word by word (a name) rather than as a whole key."""

    weight: float
    comment_evidence: bool
    by_word: bool = False


# The one table of fact kinds. Weight: how much one new fact of the kind says "this is
# a development". A named official is the surest sign of a meeting or statement; a lone
# capitalised word ('Gulf', 'Crimea') is the weakest, as background pieces are full of
# them. Comment evidence: what can make a comment piece (opinion, analysis) news: a new
# date, a new named official, a new number or a party's own words; places and names it
# mentions are its argument, not news.
KIND_RULES: dict[FactKind, KindRule] = {
    FactKind.DATE: KindRule(2.0, comment_evidence=True),
    # A month or a year alone dates nothing new: timelines and background are full of them.
    FactKind.MONTH: KindRule(0.25, comment_evidence=False),
    FactKind.YEAR: KindRule(0.25, comment_evidence=False),
    FactKind.NUMBER: KindRule(1.0, comment_evidence=True),
    FactKind.PERSON: KindRule(2.0, comment_evidence=True, by_word=True),
    FactKind.PLACE: KindRule(1.0, comment_evidence=False, by_word=True),
    FactKind.ENTITY: KindRule(1.0, comment_evidence=False, by_word=True),
    FactKind.WORD: KindRule(0.6, comment_evidence=False, by_word=True),
    FactKind.QUOTE: KindRule(0.75, comment_evidence=True),
    # A quoted opinion of an analyst or commentator is comment, not a statement of a party.
    FactKind.REMARK: KindRule(0.0, comment_evidence=False),
    # A party's words reported without quotation marks ("X said that ...").
    FactKind.STATEMENT: KindRule(0.75, comment_evidence=True),
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact as found: `kind`, a spelling-independent `key`, and the text as written."""

    kind: FactKind
    key: str
    text: str

    @property
    def weight(self) -> float:
        return KIND_RULES[self.kind].weight

    @property
    def comment_evidence(self) -> bool:
        """Whether this fact can make a comment piece news (see KIND_RULES)."""
        return KIND_RULES[self.kind].comment_evidence

    @property
    def tokens(self) -> tuple[str, ...]:
        """Entity facts are known word by word: 'Kuleba' is known once 'Dmytro Kuleba' is."""
        if KIND_RULES[self.kind].by_word:
            return tuple(self.key.split(":", 1)[1].split())
        return (self.key,)


def extract_facts(
    sentence: str, common_words: Container[str] = frozenset(), context: str = ""
) -> list[Fact]:
    """All facts of one sentence; `common_words` are lowercase words seen in lowercase.

    `context` (the neighbouring sentences) tells who speaks when a quote runs on
    past the sentence that attributes it.
    """
    found: list[Fact] = []
    spans: list[tuple[int, int]] = []
    for fact, span in _dates(sentence):
        found.append(fact)
        spans.append(span)
    found.extend(_numbers(sentence, spans))
    found.extend(_entities(sentence, common_words))
    found.extend(_quotes(sentence, context))
    return _unique(found)


def _unique(facts: list[Fact]) -> list[Fact]:
    by_key: dict[str, Fact] = {}
    for fact in facts:
        by_key.setdefault(fact.key, fact)
    return list(by_key.values())


def _dates(sentence: str) -> list[tuple[Fact, tuple[int, int]]]:
    result = []
    for m in _DATE_MD.finditer(sentence):
        month = MONTHS[m.group(1).rstrip(".").lower()]
        result.append((_day_fact(month, m.group(2), m.group(3), m.group()), m.span()))
    for m in _DATE_DM.finditer(sentence):
        month = MONTHS[m.group(3).rstrip(".").lower()]
        result.append((_day_fact(month, m.group(1), m.group(2), m.group()), m.span()))
    for m in _DATE_ISO.finditer(sentence):
        result.append((_day_fact(int(m.group(2)), m.group(3), None, m.group()), m.span()))
    for m in _MONTH_ONLY.finditer(sentence):
        month = MONTHS[m.group(1).rstrip(".").lower()]
        result.append((Fact(FactKind.MONTH, f"month:{month}", m.group(1)), m.span()))
    for m in _YEAR.finditer(sentence):
        result.append((Fact(FactKind.YEAR, f"year:{m.group(1)}", m.group(1)), m.span()))
    return [(f, span) for f, span in result if f.key != "skip"]


def _day_fact(month: int, day: str, end: str | None, text: str) -> Fact:
    first = int(day)
    if not 1 <= first <= 31:
        return Fact(FactKind.DATE, "skip", text)
    suffix = f"..{int(end)}" if end else ""
    return Fact(FactKind.DATE, f"date:{month}-{first}{suffix}", text.strip().rstrip("."))


def _numbers(sentence: str, taken: list[tuple[int, int]]) -> list[Fact]:
    result = []
    for m in _NUMBER.finditer(sentence):
        if any(a <= m.start(1) < b for a, b in taken):
            continue
        value = m.group(1).replace(",", "")
        unit = "%" if m.group(2) else stem(m.group(3) or "")
        if unit in WEEKDAYS or unit in MONTHS:
            unit = ""
        result.append(Fact(FactKind.NUMBER, f"number:{value} {unit}".strip(), m.group().strip()))
    return result


def _entities(sentence: str, common_words: Container[str]) -> list[Fact]:
    result = []
    for m in _ENTITY.finditer(sentence):
        tokens = [_clean_token(t) for t in m.group().split()]
        if m.start() == 0 or sentence[: m.start()].rstrip().endswith(("“", '"', ":")):
            tokens = _drop_common_start(tokens, common_words)
        titled = _titled_nearby(sentence[: m.start()], sentence[m.end() :])
        result.extend(_split_on_titles(tokens, titled))
    return result


def _titled_nearby(before: str, after: str) -> bool:
    """'spokeswoman Mao Ning' or 'Andreas Michaelis, the state secretary': a person's title."""
    previous = before.split()[-1:] or [""]
    if previous[0].lower().strip(",") in TITLES:
        return True
    apposition = _APPOSITION.match(after)
    if apposition is None:
        return False
    return any(w.lower() in TITLES for w in apposition.group(1).split())


def _clean_token(token: str) -> str:
    token = token.rstrip(".,;:")
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    return token.rstrip("'’")


def _drop_common_start(tokens: list[str], common_words: Container[str]) -> list[str]:
    """A capital at the start of a sentence is usually just grammar."""
    if tokens and (tokens[0].lower() in COMMON_CAPS or tokens[0].lower() in common_words):
        return tokens[1:]
    return tokens


def _split_on_titles(tokens: list[str], titled: bool) -> list[Fact]:
    """'Foreign Minister Dmytro Kuleba' -> person 'Dmytro Kuleba'; titles are not names."""
    facts: list[Fact] = []
    current: list[str] = []
    for token in [*tokens, ""]:
        low = token.lower()
        if token and low not in TITLES and not _is_noise(low):
            current.append(token)
            continue
        if current and _name_parts(current):
            facts.append(_entity_fact(current, titled))
        current = []
        titled = low in TITLES
    return facts


def _is_noise(low: str) -> bool:
    return low in MONTHS or low in WEEKDAYS or low in NUMBER_WORDS or low in COMMON_CAPS


def _entity_fact(tokens: list[str], titled: bool) -> Fact:
    name = " ".join(tokens)
    key_tokens = " ".join(_name_parts(tokens))
    if canonical_place(name):
        kind = FactKind.PLACE
    elif titled:
        kind = FactKind.PERSON
    elif len(tokens) == 1:
        kind = FactKind.WORD
    else:
        kind = FactKind.ENTITY
    return Fact(kind, f"{kind}:{key_tokens}", name)


def _name_parts(tokens: list[str]) -> list[str]:
    """'U.N.-backed' -> 'un', 'Trzaska-Lind' -> 'trzaska lind': only the capitalised parts name."""
    parts = []
    for token in tokens:
        for part in token.split("-"):
            if part[:1].isupper():
                parts.append(part.replace(".", "").lower())
    return parts


def _quotes(sentence: str, context: str) -> list[Fact]:
    """Quoted words; those attributed to commentators are remarks, which weigh nothing."""
    commented = _COMMENTATOR.search(sentence) or _COMMENTATOR.search(context)
    kind = FactKind.REMARK if commented else FactKind.QUOTE
    result = []
    for m in _QUOTE.finditer(sentence):
        quote_terms = terms(m.group(1))
        if quote_terms and len(m.group(1).split()) >= 2:
            result.append(Fact(kind, "quote:" + " ".join(quote_terms), m.group(1)))
    return result
