"""Copies by shared passages: syndicated, trimmed, reordered or re-headlined copies.

Each body is cut into overlapping five-word shingles; a fixed 1-in-4 sample
of their hashes (chosen by hash value, so two copies sample the same
shingles) is the document's fingerprint. This is the sampling used by copy detectors
such as MOSS: a shared passage shares sampled shingles wherever it sits, so
reordering paragraphs or changing the headline does not matter, and trimming
only shrinks the fingerprint. Containment (shared / smaller fingerprint)
rather than Jaccard is compared, so a trimmed copy still matches its
original. Fingerprints sit in an inverted index; nothing scans all documents.

Shingles do not survive paraphrase: a machine-spun copy ("no panacea" / "no
remedy", "said" / "stated") or a write-through with a new lead shares few
five-word runs with its original. What such a copy keeps is its skeleton: the
same names, places, numbers and dates in the same order. The second signal is
therefore the longest common subsequence of the two documents' anchors (their
canonical fact keys in reading order), over the longer of the two sequences:
an independent report of the same event names the same people but in its own
order, with its own extra details, and aligns far less.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.assess.pool import FeaturePool
from bot.assess.postings import Posting, post, posting, shared_posting

SHINGLE_WORDS = 5
SAMPLE_MODULUS = 4
# Posting entries read per sampled hash (newest first): copies follow originals closely.
POSTING_SCAN = 200
# Below this many samples the text is too short to sample; its whole-text hash is used.
MIN_SAMPLES = 4


# Earlier documents whose anchors are aligned with a new text: those sharing most anchors.
ALIGN_CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """The earlier document a text copies, with the share of the smaller text they share."""

    doc_key: str
    containment: float
    shared: int


@dataclass(frozen=True, slots=True)
class Alignment:
    """The earlier document whose anchors a text repeats in order, and how much of them."""

    doc_key: str
    aligned: float
    anchors: int


def align(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence (anchors kept in the same order)."""
    if not first or not second:
        return 0
    previous = [0] * (len(second) + 1)
    for item in first:
        current = [0]
        for j, other in enumerate(second):
            current.append(previous[j] + 1 if item == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def fingerprint(body_words: list[str]) -> frozenset[int]:
    """Sampled shingle hashes of a body (lowercased words, boilerplate already removed)."""
    hashes = set()
    for i in range(max(len(body_words) - SHINGLE_WORDS + 1, 0)):
        value = zlib.crc32(" ".join(body_words[i : i + SHINGLE_WORDS]).encode())
        if value % SAMPLE_MODULUS == 0:
            hashes.add(value)
    if len(hashes) < MIN_SAMPLES and body_words:
        hashes.add(zlib.crc32(" ".join(body_words).encode()) | 1)
    return frozenset(hashes)


class CopyIndex:
    """Fingerprints of every document seen, for finding the one a new text copies."""

    def __init__(self, pool: FeaturePool | None = None) -> None:
        # Hashes, keys, anchors and ordinals are the pool's copies (see `pool`).
        self._pool = pool if pool is not None else FeaturePool()
        self._postings: dict[int, Posting] = {}
        self._sizes: list[int] = []
        self._keys: list[str] = []
        self._anchors: list[tuple[str, ...]] = []
        self._anchor_postings: dict[str, Posting] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, doc_key: str, prints: frozenset[int], anchors: Sequence[str] = ()) -> None:
        pool = self._pool
        ordinal = pool.number(len(self._keys))
        self._keys.append(pool.text(doc_key))
        self._sizes.append(len(prints))
        kept = pool.texts(tuple(anchors))
        self._anchors.append(kept)
        for value in prints:
            post(self._postings, pool.number(value), ordinal)
        for anchor in set(kept):
            post(self._anchor_postings, anchor, ordinal)

    def adopt(self, pool: FeaturePool) -> None:
        """Hold the pool's copies of every kept value: a loaded snapshot's are its own."""
        self._pool = pool
        self._keys = [pool.text(k) for k in self._keys]
        self._anchors = [pool.texts(a) for a in self._anchors]
        self._postings = {
            pool.number(v): shared_posting(p, pool) for v, p in self._postings.items()
        }
        self._anchor_postings = {
            pool.text(a): shared_posting(p, pool) for a, p in self._anchor_postings.items()
        }

    def best_alignment(self, anchors: Sequence[str]) -> Alignment | None:
        """The seen document whose anchors this text repeats in the same order the most."""
        shared: Counter[int] = Counter()
        for anchor in set(anchors):
            shared.update(posting(self._anchor_postings, anchor)[-POSTING_SCAN:])
        best: Alignment | None = None
        for ordinal, _ in shared.most_common(ALIGN_CANDIDATES):
            theirs = self._anchors[ordinal]
            longer = max(len(anchors), len(theirs)) or 1
            found = Alignment(self._keys[ordinal], align(anchors, theirs) / longer, len(theirs))
            if best is None or found.aligned > best.aligned:
                best = found
        return best

    def best_match(self, prints: frozenset[int]) -> CopyMatch | None:
        """The seen document sharing the largest part of the smaller fingerprint."""
        shared: Counter[int] = Counter()
        for value in prints:
            shared.update(posting(self._postings, value)[-POSTING_SCAN:])
        best: CopyMatch | None = None
        for ordinal, count in shared.items():
            smaller = min(len(prints), self._sizes[ordinal]) or 1
            match = CopyMatch(self._keys[ordinal], count / smaller, count)
            if best is None or (match.containment, match.shared) > (best.containment, best.shared):
                best = match
        return best
