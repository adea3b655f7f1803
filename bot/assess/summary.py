"""The words of an alert: a headline, one to three sentences of new facts, and "before".

The summary is extractive: the sentences carrying the most new facts, in
article order, so every new fact it names is quoted as the article wrote it.
"Before" is the closest sentence the knowledge base held on the same point,
which turns an alert into "Before: no timetable. Now: from May 15."
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assess.analysis import Analysis
from bot.assess.knowledge import Match
from bot.assess.novelty import Novelty, SentenceNovelty
from bot.assess.thresholds import Thresholds

HEADLINE_MAX = 140


@dataclass(frozen=True, slots=True)
class Summary:
    headline: str
    text: str
    before: str | None
    before_key: str | None = None


def summarise(analysis: Analysis, novelty: Novelty, thresholds: Thresholds) -> Summary:
    """Headline, new-fact sentences and the closest earlier statement."""
    headline = _shorten(analysis.headline, HEADLINE_MAX)
    ranked = sorted(novelty.carriers, key=lambda c: (-c.weight, c.sentence.position))
    chosen: list[SentenceNovelty] = []
    length = 0
    for carrier in ranked[: thresholds.summary_max_sentences]:
        if chosen and length + len(carrier.sentence.text) > thresholds.summary_max_chars:
            continue
        chosen.append(carrier)
        length += len(carrier.sentence.text) + 1
    if not chosen:
        lead = analysis.sentences[0].text if analysis.sentences else ""
        return Summary(headline, _shorten(lead, thresholds.summary_max_chars), None)
    chosen.sort(key=lambda c: c.sentence.position)
    text = _shorten(" ".join(c.sentence.text for c in chosen), thresholds.summary_max_chars)
    before = _before(chosen, thresholds)
    if before is None:
        return Summary(headline, text, None)
    return Summary(
        headline, text, _shorten(before.text, thresholds.summary_max_chars), before.doc_key
    )


def _before(chosen: list[SentenceNovelty], thresholds: Thresholds) -> Match | None:
    """The known sentence closest to any summary sentence, if it is on the same point."""
    statements = (
        c.nearest
        for c in chosen
        if c.nearest and len(c.nearest.text.split()) >= thresholds.before_min_words
    )
    best = max(statements, key=lambda m: m.similarity, default=None)
    if best is None or best.similarity < thresholds.before_min:
        return None
    return best


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
