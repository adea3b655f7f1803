"""A story's own vocabulary, learned from its corpus: subject words, phrases and names.

A story is what its texts keep returning to. A word that most corpus texts
use, and use repeatedly, is the story's; written in lowercase it is the
story's subject ("grain", "ship", "call", "envoy"), capitalised it is one of
its names ("Odesa", "Guterres"). A word pair several texts share is one of
its phrases ("grain deal", "phone call"). Names count for less than subject
words: the people and places of a story also appear in other stories (a
president has other business), while its subject is what makes it this one.

Words any news story uses ("official", "week", "said") are background and
never part of a story's vocabulary: they are a property of news prose, not
of any one story.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.assess.analysis import Analysis
from bot.assess.text import terms

# A word in at least this share of corpus texts is core to the story. With the
# five-text corpora of both shipped stories this means three texts of five.
CORE_DOC_SHARE = 0.6
# ...and it must come back within those texts: on average this many times per text
# that uses it. Subject words of both shipped corpora occur 2-13 times per text;
# incidental words once.
BURST_MIN = 2.0
# A phrase must occur at least this often in the corpus, in at least two texts.
PHRASE_MIN = 2
# A name is half the evidence of a subject word (see the module docstring)...
NAME_WEIGHT = 0.5
# ...unless (nearly) every corpus text names it: then it is central to the story (its
# main party, place or person) and counts as much as a subject word.
CENTRAL_MISSING = 1

# Vocabulary of news prose in general: dates and times, counts, the people who speak
# in every story, the verbs of attribution and reporting. Never evidence of a story.
_BACKGROUND_TEXT = """
official officials minister ministry president government country countries state states
world people person day days week weeks weekend month months year years time times today
yesterday tomorrow morning evening night first second third last next new old early late
two three four five six seven eight nine ten dozen hundred thousand million billion percent
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december statement spokesman spokeswoman
spokesperson news report reports reported reporter reporters agency press conference
briefing interview source sources told said says announced added called asked want wanted
make made take took put set work part number issue matter way end start began need say
saying think thought know known go went including include included however told
"""
NEWS_BACKGROUND = frozenset(terms(_BACKGROUND_TEXT))


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much of the story's vocabulary a stretch of text carries, and which words."""

    weight: float
    found: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryVocabulary:
    """The story's subject words, phrases (two terms joined by a space) and names."""

    subject: frozenset[str]
    phrases: frozenset[str]
    names: frozenset[str]
    central: frozenset[str] = frozenset()

    @classmethod
    def derive(cls, corpus: Sequence[Analysis], extra_terms: Iterable[str] = ()) -> StoryVocabulary:
        """Learn the vocabulary from the corpus; `extra_terms` (a topic file's) join the subject."""
        doc_freq: Counter[str] = Counter()
        term_freq: Counter[str] = Counter()
        phrase_docs: Counter[str] = Counter()
        phrase_freq: Counter[str] = Counter()
        lowercase: set[str] = set()
        for analysis in corpus:
            doc_freq.update(analysis.doc_terms)
            pairs = [p for s in analysis.sentences for p in _pairs(s.terms)]
            term_freq.update(t for s in analysis.sentences for t in s.terms)
            phrase_freq.update(pairs)
            phrase_docs.update(set(pairs))
            lowercase.update(terms(" ".join(analysis.lowercase)))
        needed = CORE_DOC_SHARE * len(corpus)
        core = {
            t
            for t, docs in doc_freq.items()
            if docs >= needed and term_freq[t] >= BURST_MIN * docs and _content(t)
        }
        subject = {t for t in core if t in lowercase} | {t for t in extra_terms if _content(t)}
        phrases = {
            p
            for p, docs in phrase_docs.items()
            if docs >= min(2, len(corpus))
            and phrase_freq[p] >= PHRASE_MIN
            and any(w in lowercase and _content(w) for w in p.split())
        }
        names = core - subject
        central = {n for n in names if doc_freq[n] >= len(corpus) - CENTRAL_MISSING}
        return cls(frozenset(subject), frozenset(phrases), frozenset(names), frozenset(central))

    def evidence(self, segments: Sequence[Sequence[str]]) -> Evidence:
        """Distinct subject words, phrases and central names (1 each), other names (0.5)."""
        found = dict.fromkeys(t for seg in segments for t in seg)
        pairs = dict.fromkeys(p for seg in segments for p in _pairs(seg) if p in self.phrases)
        subject = [t for t in found if t in self.subject]
        names = [t for t in found if t in self.names]
        central = sum(1 for t in names if t in self.central)
        weight = len(subject) + len(pairs) + central + NAME_WEIGHT * (len(names) - central)
        return Evidence(weight, (*subject, *pairs, *names))

    def describe(self) -> str:
        """A name for a story nobody named: its phrases, else its subject words."""
        return ", ".join(sorted(self.phrases)[:3] or sorted(self.subject)[:3]) or "the story"


def lead_bar(corpus: Sequence[Analysis], sentences: int, share: float, floor: float) -> float:
    """How much story vocabulary an on-story lead carries, learned from the corpus itself.

    Each corpus text's headline and lead are weighed against the vocabulary of
    the OTHER texts (leave one out), as a new article's lead would be; the bar
    is a share of the median. A story told through a few names, or one with a
    small vocabulary, gets a lower bar than one with a rich vocabulary, instead
    of one count for every story. A corpus of one text gives only the floor.
    """
    if len(corpus) < 2:
        return floor
    weights = []
    for i, analysis in enumerate(corpus):
        others = StoryVocabulary.derive([*corpus[:i], *corpus[i + 1 :]])
        lead = [terms(analysis.headline)] + [s.terms for s in analysis.sentences[1 : 1 + sentences]]
        weights.append(others.evidence(lead).weight)
    return max(floor, share * statistics.median(weights))


def lead_terms(analysis: Analysis, sentences: int) -> list[list[str]]:
    """The headline's and the first sentences' terms, one list each (phrases stay within one)."""
    return [terms(analysis.headline)] + [s.terms for s in analysis.sentences[:sentences]]


def _pairs(sequence: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(sequence)]


def _content(term: str) -> bool:
    return term not in NEWS_BACKGROUND and not term[:1].isdigit()
