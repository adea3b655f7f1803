"""Comment without a label: analysis, explainers and features recognised by their prose.

Real analysis rarely carries an "Analysis:" kicker, but it reads differently
from a news report: its sentences quote analysts, think tanks and scholars
rather than parties; it hedges ("could", "might", "whether"); it reaches
back to history (years long before publication); its lead sets a scene or an
argument instead of attributing a development to an official source; its
headline often asks a question. Each property is measured as a share of the
article's sentences (or a flag for the lead and headline), and their sum is
the comment score. A comment piece then needs strong evidence to alert (see
novelty), so analysts' names, think tanks and history never count as news.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# A sentence that gives the floor to a commentator: the trade nouns of comment, a think
# tank or academic body ("Institute for ...", "Centre of ..."), or a verb of opinion.
_COMMENTATOR = re.compile(
    r"\b(?:analysts?|experts?|professors?|researchers?|scholars?|fellows?|commentators?|"
    r"columnists?|historians?|economists?|strategists?|observers?|think[- ]tanks?|retired|"
    r"lawyers?|consultants?)\b"
    r"|\b(?:Institute|Centre|Center|Forum|Foundation|School|Academy|University) (?:for|of)\b"
    r"|\b(?:thinks|believes|argues|reads it|suspects|doubts)\b",
    re.I,
)
# Hedging and speculation: the writer weighing possibilities, not reporting a fact
# (only in sentences attributed to nobody: see _writer_hedges).
_HEDGE = re.compile(
    r"\b(?:could|might|perhaps|likely|unlikely|probably|possibly|arguably|whether|"
    r"seems?|appears? to|rarely|either way)\b",
    re.I,
)
# An official-source attribution: how a news lead says who made the development.
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|announced|told|confirmed|declared|stated|according to|urged|warned|"
    r"insisted|reported)\b",
    re.I,
)
# A sentence that only hands the floor back to the last speaker: a quote, or "he said".
_CONTINUED = re.compile(r"^[\"“‘']|\b(?:he|she|they) (?:said|added|says)\b", re.I)
_PRONOUN_SAID = re.compile(r"\b(?:he|she|they) (?:said|added|says)\b", re.I)
_OPENS_QUOTE = re.compile(r"^[\"“‘]")
_QUOTE_MARK = re.compile(r"[\"“”]")
# A quote attributed at its end runs back at most this many sentences.
QUOTE_BACK = 3
_QUESTION_HEADLINE = re.compile(r"^(?:why|what|how|who|where|when|is|can|will|does)\b|\?\s*$", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
# A year this many years or more before publication is history, not this story's news.
HISTORY_YEARS = 4
# The weight of the lead and headline flags against the sentence shares.
FLAG_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class CommentSigns:
    """The measured properties of an article's prose and their sum."""

    commentators: float
    hedges: float
    history: float
    unattributed_lead: bool
    question_headline: bool

    @property
    def score(self) -> float:
        flags = FLAG_WEIGHT * (self.unattributed_lead + self.question_headline)
        return round(self.commentators + self.hedges + self.history + flags, 3)

    def describe(self) -> str:
        parts = [
            f"{self.commentators:.0%} of sentences quote commentators",
            f"{self.hedges:.0%} hedge",
            f"{self.history:.0%} recall history",
        ]
        if self.unattributed_lead:
            parts.append("lead attributes nothing to a source")
        if self.question_headline:
            parts.append("headline asks a question")
        return ", ".join(parts)


def comment_signs(
    headline: str, sentences: Sequence[str], published: datetime | None
) -> CommentSigns:
    """Measure how much an article reads as comment rather than a report."""
    count = max(len(sentences), 1)
    now_year = published.year if published else _latest_year(sentences)
    history = sum(1 for s in sentences if recalls_history(s, now_year))
    lead = " ".join(sentences[:2])
    return CommentSigns(
        commentators=len(_commentators_floor(sentences)) / count,
        hedges=sum(1 for s in sentences if _writer_hedges(s)) / count,
        history=history / count,
        unattributed_lead=bool(sentences) and not _ATTRIBUTION.search(lead),
        question_headline=bool(_QUESTION_HEADLINE.search(headline.strip())),
    )


def commentary_positions(sentences: Sequence[str], published: datetime | None) -> frozenset[int]:
    """Sentences of a comment piece that are its argument, not news it reports.

    A commentator's sentence and the quotes that follow it (the floor stays
    with the last speaker), the writer's hedges, and history: what remains are
    the sentences where a comment piece may still report a development.
    """
    now_year = published.year if published else _latest_year(sentences)
    found = set(_commentators_floor(sentences))
    for position, sentence in enumerate(sentences):
        if _writer_hedges(sentence) or recalls_history(sentence, now_year):
            found.add(position)
    return frozenset(found)


def _commentators_floor(sentences: Sequence[str]) -> set[int]:
    """Sentences where a commentator speaks: theirs, and the quote running into or out of them.

    A quote of several sentences is attributed once, at its end or its start;
    the floor stays with that speaker for the whole quote.
    """
    found: set[int] = set()
    for position, sentence in enumerate(sentences):
        if not _COMMENTATOR.search(sentence):
            continue
        found.add(position)
        after = position + 1
        while after < len(sentences) and _continues(sentences[after]):
            found.add(after)
            after += 1
        found.update(_quote_opening_before(sentences, position))
    return found


def _continues(sentence: str) -> bool:
    """A sentence that keeps the floor with the last speaker (not one naming a new one)."""
    if _PRONOUN_SAID.search(sentence):
        return True
    return bool(_CONTINUED.search(sentence)) and not _ATTRIBUTION.search(sentence)


def _quote_opening_before(sentences: Sequence[str], position: int) -> list[int]:
    """The sentences of a quote that opened before its attribution at `position`."""
    if not _QUOTE_MARK.search(sentences[position]):
        return []
    run: list[int] = []
    for before in range(position - 1, max(position - 1 - QUOTE_BACK, -1), -1):
        text = sentences[before]
        if _OPENS_QUOTE.match(text) and len(_QUOTE_MARK.findall(text)) == 1:
            return [*run, before]
        if _QUOTE_MARK.search(text):
            return []
        run.append(before)
    return []


def _writer_hedges(sentence: str) -> bool:
    """Hedging in the writer's own voice; a party's "could" in reported speech is news."""
    return bool(_HEDGE.search(sentence)) and not _ATTRIBUTION.search(sentence)


def recalls_history(sentence: str, now_year: int | None) -> bool:
    if now_year is None:
        return False
    return any(int(y) <= now_year - HISTORY_YEARS for y in _YEAR.findall(sentence))


def _latest_year(sentences: Sequence[str]) -> int | None:
    years = [int(y) for s in sentences for y in _YEAR.findall(s)]
    return max(years, default=None)
