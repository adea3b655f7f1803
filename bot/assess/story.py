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
# A name is half the evidence of a subject word (see the module docstring).
NAME_WEIGHT = 0.5

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
        return cls(frozenset(subject), frozenset(phrases), frozenset(core - subject))

    def evidence(self, segments: Sequence[Sequence[str]]) -> Evidence:
        """Distinct subject words (1 each), phrases (1 each) and names (0.5 each) found."""
        found = dict.fromkeys(t for seg in segments for t in seg)
        pairs = dict.fromkeys(p for seg in segments for p in _pairs(seg) if p in self.phrases)
        subject = [t for t in found if t in self.subject]
        names = [t for t in found if t in self.names]
        weight = len(subject) + len(pairs) + NAME_WEIGHT * len(names)
        return Evidence(weight, (*subject, *pairs, *names))

    def describe(self) -> str:
        """A name for a story nobody named: its phrases, else its subject words."""
        return ", ".join(sorted(self.phrases)[:3] or sorted(self.subject)[:3]) or "the story"


def lead_terms(analysis: Analysis, sentences: int) -> list[list[str]]:
    """The headline's and the first sentences' terms, one list each (phrases stay within one)."""
    return [terms(analysis.headline)] + [s.terms for s in analysis.sentences[:sentences]]


def _pairs(sequence: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(sequence)]


def _content(term: str) -> bool:
    return term not in NEWS_BACKGROUND and not term[:1].isdigit()
