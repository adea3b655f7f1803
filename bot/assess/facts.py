"""Concrete facts in a sentence: dates, numbers, named entities, what parties said.

TREC Novelty found new named entities, dates and numbers the strongest signal
that a sentence says something new. A fact has a `key` that is the same
however it is written, so the knowledge base can answer "was this ever
said?" with a set lookup: dates are resolved days ("May 15", "15 May" and,
in an article of May 12, "on Monday" are one day), names are folded
spelling-independent keys (Zelenskyy / Zelensky, Kiev / Kyiv, a typo of a
known name), numbers are a value and a unit class ("106 nations" is "106
countries").
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from bot.assess.dates import DateKind, find_dates
from bot.assess.gazetteer import (
    COMMON_CAPS,
    MONTHS,
    MULTIPLIERS,
    NUMBER_WORDS,
    STATE_FORMS,
    TITLES,
    UNIT_CLASSES,
    WEEKDAYS,
    canonical_place,
)
from bot.assess.mentions import NameVocabulary, fold_letters, name_key
from bot.assess.speech import is_commentator, utterances
from bot.assess.text import STOPWORDS, stem

_NUMBER = re.compile(
    r"(?<![\w.:/])[$€£]?(\d+(?:[.,]\d+)*)(?![:/]\d)(?:\s*(%|percent|per cent))?"
    r"(?:\s*(million|billion|trillion|thousand|mn|bn|m|k)\b)?(?:\s+([a-z][a-z-]+))?"
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_APPOSITION = re.compile(r"^,\s+(?:the|a|an|its|his|her|their)\s+((?:[\w-]+\s+){0,3}[\w-]+)")
_DESCRIPTION = re.compile(r",\s+(?:a|an|the)\s+[^,.;:“”\"]{2,80}")
_ENTITY = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|de|la|al|bin|van|von|der)\s+)?[A-Z][\w'’.-]*)*")


class FactKind(StrEnum):
    """What a fact is; values equal the old strings so `kind == "person"` still holds."""

    DATE = "date"
    DAY = "day"
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
    # A weekday or 'next week' resolved against publication: the event's day, but news
    # names the days around its own so freely (a rehash dates the event it retells by its
    # weekday) that it is weak evidence alone. At 1.0 the three streams gained 2-3 false
    # alerts on rehashes and no development; at 0.5 no development was lost.
    FactKind.DAY: KindRule(0.5, comment_evidence=False),
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
    # A party's words reported without quotation marks ("X said that ..."). Every rehash
    # paraphrases reported speech, so one such claim weighs less than a quote; it takes
    # two of them and another fact to make a development.
    FactKind.STATEMENT: KindRule(0.5, comment_evidence=True),
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
        """What the knowledge base looks the fact up by.

        Names word by word ('Kuleba' is known once 'Dmytro Kuleba' is); days without
        their year, so a corpus text with no publication time still knows them.
        """
        body = self.key.split(":", 1)[1]
        if KIND_RULES[self.kind].by_word:
            return tuple(body.split())
        if self.kind in (FactKind.DATE, FactKind.DAY):
            return ("date:" + _YEAR_PREFIX.sub("", body),)
        return (self.key,)


# A person's age stands in apposition after their name ("Li, 70, is...", "Ms Moss, 41,
# a teacher"): biography, not a figure of the story.
_AGE = re.compile(
    r"\b[A-Z][\w'’.-]*,\s+(\d{1,3}),\s|\b(?:turned|turns|aged|age of)\s+(\d{1,3})\b|"
    r"\b(\d{1,3})-year-old\b"
)
_YEAR_PREFIX = re.compile(r"\b\d{4}-")
_DATE_KINDS = {
    DateKind.DAY: FactKind.DATE,
    DateKind.RELATIVE: FactKind.DAY,
    DateKind.MONTH: FactKind.MONTH,
    DateKind.YEAR: FactKind.YEAR,
}


def extract_facts(
    sentence: str,
    common_words: Container[str] = frozenset(),
    context: str = "",
    published: date | None = None,
    names: NameVocabulary | None = None,
) -> list[Fact]:
    """All facts of one sentence; `common_words` are lowercase words seen in lowercase.

    `context` (the neighbouring sentences) tells who speaks when a quote runs on
    past the sentence that attributes it; `published` resolves relative and
    year-less dates; `names` (known name keys) folds light typos of known names.
    """
    found: list[Fact] = []
    spans = [m.span() for m in _CLOCK.finditer(sentence)]
    spans.extend(m.span(m.lastindex or 0) for m in _AGE.finditer(sentence))
    for mention in find_dates(sentence, published):
        found.append(Fact(_DATE_KINDS[mention.kind], mention.key, mention.text))
        spans.append(mention.span)
    found.extend(_numbers(sentence, spans))
    found.extend(_entities(sentence, common_words, names))
    found.extend(_said(sentence, context))
    return _unique(found)


def _unique(facts: list[Fact]) -> list[Fact]:
    by_key: dict[str, Fact] = {}
    for fact in facts:
        by_key.setdefault(fact.key, fact)
    return list(by_key.values())


def _numbers(sentence: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """Numbers keyed by value and unit class: '106 nations' is '106 countries', '1.5 million
    tonnes' is '1,500,000 tons'."""
    result = []
    for m in _NUMBER.finditer(sentence):
        if any(a <= m.start(1) < b for a, b in taken):
            continue
        value = float(m.group(1).replace(",", "")) * MULTIPLIERS.get(m.group(3) or "", 1)
        unit = "%" if m.group(2) else _unit_class(m.group(4) or "")
        if unit in STOPWORDS:
            unit = ""
        shown = f"{value:.6g}" if value < 1e6 else f"{value:.0f}"
        result.append(Fact(FactKind.NUMBER, f"number:{shown} {unit}".strip(), m.group().strip()))
    return result


def _unit_class(word: str) -> str:
    unit = stem(word)
    if unit in WEEKDAYS or unit in MONTHS:
        return ""
    return UNIT_CLASSES.get(unit, unit)


def _entities(
    sentence: str, common_words: Container[str], names: NameVocabulary | None
) -> list[Fact]:
    result = []
    described = _commentator_descriptions(sentence)
    for m in _ENTITY.finditer(sentence):
        tokens = [_clean_token(t) for t in m.group().split()]
        if m.start() == 0 or sentence[: m.start()].rstrip().endswith(("“", '"', ":")):
            tokens = _drop_common_start(tokens, common_words)
        titled = _titled_nearby(sentence[: m.start()], sentence[m.end() :])
        introduced = bool(tokens) and is_commentator(tokens[0])
        found = _split_on_titles(tokens[1:] if introduced else tokens, titled, names)
        if introduced or _is_described(m.span(), described, sentence):
            found = [_as_remark(f) for f in found]
        result.extend(found)
    return result


def _commentator_descriptions(sentence: str) -> list[tuple[int, int]]:
    """Spans of appositions that introduce an analyst or bystander: ', a shipping analyst in
    Oslo', ', a seafarer from the port'."""
    return [m.span() for m in _DESCRIPTION.finditer(sentence) if is_commentator(m.group())]


def _is_described(span: tuple[int, int], described: list[tuple[int, int]], text: str) -> bool:
    """A name introduced as an analyst or bystander, or named inside that introduction, or
    preceded by such a noun ('analyst Ola Berg'): comment and colour, not a party."""
    start, end = span
    if any(a <= start < b or end == a for a, b in described):
        return True
    before = text[:start].split()[-1:] or [""]
    return is_commentator(before[0])


def _as_remark(fact: Fact) -> Fact:
    if fact.kind in (FactKind.PERSON, FactKind.ENTITY, FactKind.WORD, FactKind.PLACE):
        return Fact(FactKind.REMARK, "remark:" + fact.key.split(":", 1)[1], fact.text)
    return fact


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


def _split_on_titles(tokens: list[str], titled: bool, names: NameVocabulary | None) -> list[Fact]:
    """'Foreign Minister Dmytro Kuleba' -> person 'Dmytro Kuleba'; titles are not names."""
    facts: list[Fact] = []
    current: list[str] = []
    for token in [*tokens, ""]:
        low = token.lower()
        if token and not _is_title(low) and not _is_noise(low):
            current.append(token)
            continue
        parts = _name_parts(current, names)
        if parts and not _is_state_form(current, parts):
            facts.append(_entity_fact(current, parts, titled))
        current = []
        titled = _is_title(low)
    return facts


def _is_title(low: str) -> bool:
    """A title word, or a hyphenated one made of titles ('secretary-general', 'vice-premier')."""
    return low in TITLES or ("-" in low and all(p in TITLES for p in low.split("-")))


def _is_state_form(tokens: list[str], parts: list[str]) -> bool:
    """'People's Republic', 'the Federation': a state's formal words, not a new name."""
    return all(p in STATE_FORMS for p in parts) and _place_of(" ".join(tokens)) is None


@lru_cache(maxsize=1 << 14)
def _place_of(name: str) -> str | None:
    return canonical_place(fold_letters(name))


def _is_noise(low: str) -> bool:
    return low in MONTHS or low in WEEKDAYS or low in NUMBER_WORDS or low in COMMON_CAPS


def _entity_fact(tokens: list[str], parts: list[str], titled: bool) -> Fact:
    name = " ".join(tokens)
    key_tokens = " ".join(parts)
    if _place_of(name):
        kind = FactKind.PLACE
    elif titled and tokens[-1].lower() not in STATE_FORMS:
        # "the former Soviet Union": a title word before a state's formal name is no person.
        kind = FactKind.PERSON
    elif len(tokens) == 1:
        kind = FactKind.WORD
    else:
        kind = FactKind.ENTITY
    return Fact(kind, f"{kind}:{key_tokens}", name)


def _name_parts(tokens: list[str], names: NameVocabulary | None = None) -> list[str]:
    """'U.N.-backed' -> 'un', 'Trzaska-Lind' -> 'trzaska lind': only the capitalised parts
    name; each part as its spelling-independent key, a light typo of a known name folded."""
    parts = []
    for token in tokens:
        for part in token.split("-"):
            if part[:1].isupper():
                key = name_key(part.replace(".", ""))
                parts.append(names.resolve(key) if names is not None else key)
    return parts


def _said(sentence: str, context: str) -> list[Fact]:
    """Quotations and reported speech; analysts' words are remarks, which weigh nothing."""
    result = []
    for said in utterances(sentence, context):
        if said.comment:
            kind = FactKind.REMARK
        else:
            kind = FactKind.QUOTE if said.quoted else FactKind.STATEMENT
        result.append(Fact(kind, said.key, said.text))
    return result
