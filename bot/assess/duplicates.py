"""Near-duplicate detection: syndicated, trimmed, reordered or re-headlined copies.

Each body is cut into overlapping five-word shingles; a fixed 1-in-4 sample
of their hashes (chosen by hash value, so two copies sample the same
shingles) is the document's fingerprint. This is the sampling used by copy detectors
such as MOSS: a shared passage shares sampled shingles wherever it sits, so
reordering paragraphs or changing the headline does not matter, and trimming
only shrinks the fingerprint. Containment (shared / smaller fingerprint)
rather than Jaccard is compared, so a trimmed copy still matches its
original. Fingerprints sit in an inverted index; nothing scans all documents.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass

SHINGLE_WORDS = 5
SAMPLE_MODULUS = 4
# Posting entries read per sampled hash (newest first): copies follow originals closely.
POSTING_SCAN = 200
# Below this many samples the text is too short to sample; its whole-text hash is used.
MIN_SAMPLES = 4


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """The earlier document a text copies, with the share of the smaller text they share."""

    doc_key: str
    containment: float
    shared: int


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

    def __init__(self) -> None:
        self._postings: dict[int, list[int]] = {}
        self._sizes: list[int] = []
        self._keys: list[str] = []

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, doc_key: str, prints: frozenset[int]) -> None:
        ordinal = len(self._keys)
        self._keys.append(doc_key)
        self._sizes.append(len(prints))
        for value in prints:
            self._postings.setdefault(value, []).append(ordinal)

    def best_match(self, prints: frozenset[int]) -> CopyMatch | None:
        """The seen document sharing the largest part of the smaller fingerprint."""
        shared: Counter[int] = Counter()
        for value in prints:
            shared.update(self._postings.get(value, ())[-POSTING_SCAN:])
        best: CopyMatch | None = None
        for ordinal, count in shared.items():
            smaller = min(len(prints), self._sizes[ordinal]) or 1
            match = CopyMatch(self._keys[ordinal], count / smaller, count)
            if best is None or (match.containment, match.shared) > (best.containment, best.shared):
                best = match
        return best
