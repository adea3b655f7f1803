"""The knowledge base: what the corpus and earlier alerts already said, indexed.

Novelty asks two questions of every sentence: "has a sentence like this been
said?" and "were its dates, names and numbers ever mentioned?". Both must stay
fast at 100k documents, so sentences sit in an inverted index (term ->
sentence ids, newest last) and facts in a dict. Long posting lists are only
read at their newest end: a re-report is almost always of a recent
development, and this keeps the cost per query bounded as the base grows.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bot.assess.facts import KIND_RULES, Fact
from bot.assess.mentions import NameVocabulary
from bot.assess.pool import FeaturePool
from bot.assess.postings import Posting, post, posting, shared_posting

# Posting entries read per query term (newest first); bounds latency at any size.
POSTING_SCAN = 400
# Query terms used to find candidate sentences (rarest first).
QUERY_TERMS = 8
# A name this long may carry one given or middle name the base has not seen.
FULLER_NAME_WORDS = 3
# Candidates re-scored with the exact cosine.
RESCORE = 12


@dataclass(frozen=True, slots=True)
class Match:
    """The closest known sentence to a query, its cosine and the document it came from."""

    similarity: float
    text: str
    doc_key: str
    # Name keys (people, places, organisations) of the known sentence: who it is about.
    names: frozenset[str] = frozenset()


class KnowledgeIndex:
    """Sentences and facts of the corpus and of alerted articles, plus document frequencies."""

    def __init__(self, pool: FeaturePool | None = None) -> None:
        # Strings, term tuples and ordinals are the pool's copies, shared with every
        # other story that learned the same article (see `pool`).
        self._pool = pool if pool is not None else FeaturePool()
        self._df: Counter[str] = Counter()
        self._docs_seen = 0
        self._postings: dict[str, Posting] = {}
        self._sentences: list[str] = []
        self._sentence_terms: list[tuple[str, ...]] = []
        self._sentence_doc: array[int] = array("I")
        # Tuples, not sets: a tuple of strings drops out of the garbage collector's
        # tracking, and with half a million sentences set objects made GC pauses the
        # slowest part of assessing (benchmark p99 at 100k).
        self._sentence_names: list[tuple[str, ...]] = []
        self._doc_keys: list[str] = []
        self._doc_ordinal: dict[str, int] = {}
        # Each document's first sentence id: its sentences are contiguous.
        self._doc_first: array[int] = array("I")
        self._fact_doc: dict[str, int] = {}
        self._lowercase: set[str] = set()
        self._baseline: set[str] = set()
        self._published: dict[str, datetime] = {}
        self._names = NameVocabulary(pool=self._pool)

    @property
    def sentence_count(self) -> int:
        return len(self._sentences)

    @property
    def known_names(self) -> NameVocabulary:
        """Name words (of people, places, organisations) the corpus and alerts mentioned:
        the vocabulary spelling variants of a name are folded onto."""
        return self._names

    @property
    def lowercase_words(self) -> set[str]:
        """Words seen written in lowercase: a capital on them at a sentence start is grammar."""
        return self._lowercase

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency over every document seen so far."""
        return math.log((self._docs_seen + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def observe(self, doc_terms: set[str], lowercase: set[str]) -> None:
        """Count a seen document (any verdict) in the term statistics."""
        text = self._pool.text
        self._docs_seen += 1
        self._df.update(text(t) for t in doc_terms)
        self._lowercase.update(text(w) for w in lowercase - self._lowercase)

    def adopt(self, pool: FeaturePool) -> None:
        """Hold the pool's copies of every kept value: a loaded snapshot's are its own."""
        text, texts, number = pool.text, pool.texts, pool.number
        self._pool = pool
        self._df = Counter({text(t): n for t, n in self._df.items()})
        self._postings = {text(t): shared_posting(p, pool) for t, p in self._postings.items()}
        self._sentences = [text(s) for s in self._sentences]
        self._sentence_terms = [texts(t) for t in self._sentence_terms]
        self._sentence_names = [texts(n) for n in self._sentence_names]
        self._doc_keys = [text(k) for k in self._doc_keys]
        self._doc_ordinal = {text(k): number(o) for k, o in self._doc_ordinal.items()}
        self._fact_doc = {text(t): number(o) for t, o in self._fact_doc.items()}
        self._lowercase = {text(w) for w in self._lowercase}
        self._baseline = {text(k) for k in self._baseline}
        self._published = {text(k): when for k, when in self._published.items()}
        self._names.adopt(pool)

    def add(
        self,
        doc_key: str,
        sentences: list[tuple[str, list[str]]],
        facts: list[Fact],
        baseline: bool = False,
        names: list[frozenset[str]] | None = None,
        published: datetime | None = None,
    ) -> None:
        """Make a document's sentences and facts known; `baseline` marks corpus texts.

        `names` holds, per sentence, the name keys it mentions (for "same point" tests).
        """
        pool = self._pool
        doc_key, ordinal = pool.text(doc_key), pool.number(len(self._doc_keys))
        if baseline:
            self._baseline.add(doc_key)
        self._doc_keys.append(doc_key)
        self._doc_ordinal[doc_key] = ordinal
        self._doc_first.append(len(self._sentences))
        if published is not None:
            self._published[doc_key] = published
        for position, (text, sentence_terms) in enumerate(sentences):
            sid = len(self._sentences)
            self._sentence_names.append(pool.texts(tuple(names[position])) if names else ())
            unique = pool.texts(tuple(dict.fromkeys(sentence_terms)))
            self._sentences.append(pool.text(text))
            self._sentence_terms.append(unique)
            self._sentence_doc.append(ordinal)
            for term in unique:
                post(self._postings, term, pool.number(sid))
        for fact in facts:
            for token in fact.tokens:
                self._fact_doc.setdefault(pool.text(token), ordinal)
                if (month := _month_of(token)) is not None:
                    self._fact_doc.setdefault(pool.text(month), ordinal)
            if KIND_RULES[fact.kind].by_word:
                for token in fact.tokens:
                    self._names.add(token)

    def knows(self, fact: Fact) -> bool:
        """Whether every part of the fact has been mentioned before (names word by word).

        A span of days ("between May 15 and 26") is known when both its ends are:
        it only sums up dates already reported.
        """
        unknown = [
            token
            for token in fact.tokens
            if token not in self._fact_doc and not self._knows_both_ends(token)
        ]
        return not unknown or self._known_by_fuller_name(fact, unknown)

    def _known_by_fuller_name(self, fact: Fact, unknown: list[str]) -> bool:
        """'Recep Tayyip Erdogan' is known once 'Tayyip Erdogan' is: a name of three words
        or more whose surname (last word) is known may add one given or middle name."""
        tokens = fact.tokens
        return (
            KIND_RULES[fact.kind].by_word
            and len(tokens) >= FULLER_NAME_WORDS
            and len(unknown) == 1
            and unknown[0] != tokens[-1]
        )

    def _knows_both_ends(self, token: str) -> bool:
        kind, _, body = token.partition(":")
        if ".." not in body:
            return False
        return all(f"{kind}:{end}" in self._fact_doc for end in body.split("..", 1))

    def doc_names(self, doc_key: str) -> frozenset[str]:
        """The name words (people, places, organisations) a known document mentions:
        the participants of the development it reported."""
        ordinal = self._doc_ordinal.get(doc_key)
        if ordinal is None:
            return frozenset()
        first = self._doc_first[ordinal]
        last = (
            self._doc_first[ordinal + 1]
            if ordinal + 1 < len(self._doc_first)
            else len(self._sentences)
        )
        return frozenset(
            word
            for names in self._sentence_names[first:last]
            for name in names
            for word in name.split()
        )

    def published(self, doc_key: str) -> datetime | None:
        """When a known document was published (None for corpus texts)."""
        return self._published.get(doc_key)

    def is_baseline(self, doc_key: str) -> bool:
        return doc_key in self._baseline

    def fact_source(self, fact: Fact) -> str | None:
        """The document that first mentioned this fact, if any."""
        ordinal = self._fact_doc.get(fact.tokens[-1])
        return None if ordinal is None else self._doc_keys[ordinal]

    def nearest(self, query_terms: list[str]) -> Match | None:
        """The most similar known sentence by idf-weighted cosine, found via the index."""
        matches = self.similar(query_terms)
        return matches[0] if matches else None

    def similar(self, query_terms: list[str]) -> list[Match]:
        """The known sentences closest to a query, most similar first (a bounded few)."""
        weights = {t: self.idf(t) for t in set(query_terms)}
        if not weights:
            return []
        query_norm = math.sqrt(sum(w * w for w in weights.values()))
        found = [
            Match(
                self._cosine(weights, query_norm, sid),
                self._sentences[sid],
                self._doc_keys[self._sentence_doc[sid]],
                frozenset(self._sentence_names[sid]),
            )
            for sid in self._candidates(weights)
        ]
        return sorted(found, key=lambda m: -m.similarity)

    def contains_all(self, query_terms: list[str]) -> bool:
        """Whether one known sentence holds all these terms (a quote said before)."""
        wanted = set(query_terms)
        if not wanted:
            return True
        rarest = min(wanted, key=lambda t: len(posting(self._postings, t)))
        newest = posting(self._postings, rarest)[-POSTING_SCAN:]
        return any(wanted.issubset(self._sentence_terms[sid]) for sid in newest)

    def _candidates(self, weights: dict[str, float]) -> list[int]:
        scores: dict[int, float] = {}
        for term in sorted(weights, key=weights.__getitem__, reverse=True)[:QUERY_TERMS]:
            weight = weights[term]
            for sid in posting(self._postings, term)[-POSTING_SCAN:]:
                scores[sid] = scores.get(sid, 0.0) + weight
        return heapq.nlargest(RESCORE, scores, key=scores.__getitem__)

    def _cosine(self, weights: dict[str, float], query_norm: float, sid: int) -> float:
        terms = self._sentence_terms[sid]
        dot = sum(weights.get(t, 0.0) * self.idf(t) for t in terms)
        norm = math.sqrt(sum(self.idf(t) ** 2 for t in terms))
        return dot / (query_norm * norm) if norm and query_norm else 0.0


def _month_of(token: str) -> str | None:
    """The month token a known day implies: once 'April 26' is known, 'late April' is.

    Day tokens are 'date:MM-DD' (or a span 'date:MM-DD..MM-DD', whose first day counts)."""
    kind, _, body = token.partition(":")
    if kind != "date" or len(body) < 5 or not body[:2].isdigit() or body[2] != "-":
        return None
    return f"month:{int(body[:2])}"
