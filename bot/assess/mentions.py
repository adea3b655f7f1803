"""Canonical mentions: one key for every spelling of a name; words split where scraping glued them.

Names reach us transliterated (Zelensky / Zelenskyy / Zelenskiy, Kyiv / Kiev,
Sergey / Sergei), with accents or without (Erdoğan / Erdogan), with a
look-alike letter from another alphabet (a Cyrillic "і" in "Chіna"), with a
typo ("Kuleva"), or glued to the next word by a scraper ("Zelenskysaid",
"MinisterDmytro"). `name_key` folds the spelling variants by a general
phonetic-ish key; `NameVocabulary` folds light typos of longer names onto
names already known from the corpus and knowledge base (never a list of one
story's names: the vocabulary is whatever has been read); `unglue` splits
glued words. Nothing here reads a clock or a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable
from functools import lru_cache

from bot.assess.pool import FeaturePool

# Latin look-alikes in Cyrillic and Greek: a scraped headline mixing alphabets
# inside one word means one of these letters stood in for a Latin one.
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁһӏвкмнтАВЕКМНОРСТУХІЈЅαεορτυχνικΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdhlbkmhtABEKMHOPCTYXIJSaeoptuxvikABEHIKMNOPTYXZ",
)
# Letters that Unicode decomposition does not reduce to a Latin base letter.
_SPECIAL_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae"})
_LATIN = re.compile(r"[A-Za-z]")
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
# Only names at least this long are folded onto a known name one edit away: short
# names one letter apart (Mora / Nora, Li / Le) are as often different people.
TYPO_MIN_LENGTH = 6
# Function words a scraper glues to the name before them ("Zelenskysaid").
_GLUE_WORDS = (
    "said", "says", "told", "added", "and", "as", "on", "in", "at", "to", "of", "was", "is",
    "has", "had", "who", "with", "for", "from", "the", "also",
)  # fmt: skip
_CAMEL = re.compile(r"\b([A-Z][a-z]{3,})([A-Z][a-z]{2,})\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{4,}[a-z]*\b")


def latin_lookalikes(text: str) -> str:
    """Text with the look-alike letters of mixed-alphabet words made Latin ('Chіna')."""
    return re.sub(r"\w+", _fold_mixed_word, text) if _FOREIGN.search(text) else text


def fold_letters(text: str) -> str:
    """Look-alike letters of mixed-alphabet words made Latin, accents removed."""
    if _FOREIGN.search(text):
        text = re.sub(r"\w+", _fold_mixed_word, text)
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


def _fold_mixed_word(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_HOMOGLYPHS) if _LATIN.search(word) else word


@lru_cache(maxsize=1 << 16)
def name_key(word: str) -> str:
    """The spelling-independent key of one name word.

    Transliterations differ mostly in how they write the i/y sounds and in doubled
    letters: y and i are one letter, 'ie'/'ei' and runs of i are one i, and a
    doubled letter is single. Zelensky, Zelenskyy and Zelenskiy share a key, as do
    Kyiv and Kiev, Odesa and Odessa, Sergey, Sergei and Sergiy.
    """
    key = fold_letters(word).lower().replace("'", "").replace("’", "")
    key = key.replace("y", "i")
    key = re.sub(r"ie|ei", "i", key)
    return re.sub(r"(.)\1+", r"\1", key)


class NameVocabulary:
    """Name keys known so far, indexed by their one-letter deletions for typo lookup."""

    def __init__(self, keys: Iterable[str] = (), pool: FeaturePool | None = None) -> None:
        self._pool = pool if pool is not None else FeaturePool()
        self._known: set[str] = set()
        # Variant -> the known keys one deletion away. Tuples, not sets: nearly every
        # variant has one key, and a one-key tuple is a fifth of a set's size.
        self._deletions: dict[str, tuple[str, ...]] = {}
        for key in keys:
            self.add(key)

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __len__(self) -> int:
        return len(self._known)

    def add(self, key: str) -> None:
        """Remember a name key (from a fact of the corpus, an alert or this document)."""
        if key in self._known:
            return
        key = self._pool.text(key)
        self._known.add(key)
        if len(key) >= TYPO_MIN_LENGTH - 1:
            for variant in _deletions(key):
                keys = (*self._deletions.get(variant, ()), key)
                self._deletions[self._pool.text(variant)] = self._pool.texts(keys)

    def adopt(self, pool: FeaturePool) -> None:
        """Hold the pool's copies of every kept key (after a snapshot load)."""
        self._pool = pool
        self._known = {pool.text(key) for key in self._known}
        self._deletions = {pool.text(v): pool.texts(keys) for v, keys in self._deletions.items()}

    def resolve(self, key: str) -> str:
        """The known key this one is a light typo of (one edit, same first letter), or itself."""
        if key in self._known or len(key) < TYPO_MIN_LENGTH:
            return key
        candidates = set(self._deletions.get(key, ()))
        for variant in _deletions(key):
            candidates.update(self._deletions.get(variant, ()))
            if variant in self._known:
                candidates.add(variant)
        close = sorted(c for c in candidates if c[0] == key[0] and _one_edit(c, key))
        return close[0] if len(close) == 1 else key


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Exactly one substitution, insertion, deletion or adjacent swap apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def unglue(text: str, vocabulary: NameVocabulary | None = None) -> str:
    """Split words a scraper glued: a camel-case join ('MinisterDmytro') and a name run into
    a lowercase function word ('Zelenskysaid' when 'Zelensky' is a name of this text or of
    the vocabulary). A word written so more than once, or known itself, is a name."""
    text = _CAMEL.sub(r"\1 \2", text)
    counts = Counter(_CAPITALISED.findall(text))
    heads = {name_key(w) for w in counts}
    known: Container[str] = Either(heads, vocabulary) if vocabulary is not None else heads

    def split(match: re.Match[str]) -> str:
        word = match.group()
        if counts[word] > 1 or (vocabulary is not None and name_key(word) in vocabulary):
            return word
        return _split_glued(word, known)

    return _CAPITALISED.sub(split, text)


def _split_glued(word: str, known: Container[str]) -> str:
    for glue in _GLUE_WORDS:
        head = word[: -len(glue)]
        if word.endswith(glue) and len(head) >= 4 and name_key(head) in known:
            return f"{head} {glue}"
    return word


class Either:
    """Membership in either of two containers, without copying them."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self._first = first
        self._second = second

    def __contains__(self, item: object) -> bool:
        return item in self._first or item in self._second
