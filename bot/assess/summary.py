"""The words of an alert: a headline, one to three sentences of new facts, and "before".

The summary is extractive: the sentences carrying the most new facts, in
article order, so every new fact it names is quoted as the article wrote it.
"Before" is what the knowledge base held on the same point, which turns an
alert into "Before: no timetable. Now: from May 15." The same point means the
same who: a known sentence qualifies only when it names the people, places
or bodies of the summary sentence (two of them when the summary names two),
so a sentence that merely shares words (the envoy's years in Moscow under an
alert about his trip's dates) is never shown; with no such sentence, "Before"
is left out. History (years long before publication) is not a "before".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assess.analysis import Analysis, Sentence
from bot.assess.comment import recalls_history
from bot.assess.facts import KIND_RULES
from bot.assess.knowledge import KnowledgeIndex, Match
from bot.assess.novelty import Novelty, SentenceNovelty
from bot.assess.thresholds import Thresholds

HEADLINE_MAX = 140


@dataclass(frozen=True, slots=True)
class Summary:
    headline: str
    text: str
    before: str | None
    before_key: str | None = None


def sentence_names(sentence: Sentence) -> frozenset[str]:
    """The names a sentence mentions (people, places, organisations): who it is about.

    Each is its name key's words joined by spaces ("li hui"), so two mentions of
    one person count once, and a surname alone still matches the full name.
    """
    return frozenset(
        " ".join(f.tokens) for f in sentence.facts if KIND_RULES[f.kind].by_word and f.tokens
    )


def summarise(
    analysis: Analysis, novelty: Novelty, thresholds: Thresholds, index: KnowledgeIndex
) -> Summary:
    """Headline, new-fact sentences and the closest earlier statement on the same point."""
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
    year = analysis.published.year if analysis.published else None
    before = _before(chosen, thresholds, index, year)
    if before is None:
        return Summary(headline, text, None)
    return Summary(
        headline, text, _shorten(before.text, thresholds.summary_max_chars), before.doc_key
    )


def _before(
    chosen: list[SentenceNovelty], limits: Thresholds, index: KnowledgeIndex, year: int | None
) -> Match | None:
    """The known sentence closest to a summary sentence among those on the same point.

    The sentence carrying the most new facts (the development) is searched in
    depth; for the others their closest known sentence, found by novelty, is
    enough (each search costs a posting-list scan).
    """
    main = max(chosen, key=lambda c: c.weight)
    pairs = [(main, match) for match in index.similar(main.sentence.terms)]
    pairs += [(c, c.nearest) for c in chosen if c is not main and c.nearest is not None]
    candidates = [
        match
        for carrier, match in pairs
        if _same_point(sentence_names(carrier.sentence), match, limits, year)
    ]
    return max(candidates, key=lambda m: m.similarity, default=None)


def _same_point(names: frozenset[str], match: Match, limits: Thresholds, year: int | None) -> bool:
    """Same who, close enough, a statement rather than a fragment, and not history."""
    known_words = {w for name in match.names for w in name.split()}
    shared = sum(1 for name in names if known_words.intersection(name.split()))
    words = sum(1 for w in match.text.split() if any(c.isalpha() for c in w))
    return (
        bool(names)
        and shared >= min(2, len(names))
        and match.similarity >= limits.before_min
        and words >= limits.before_min_words
        and not recalls_history(match.text, year)
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
