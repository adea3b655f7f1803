"""One copy of every learned article feature, whichever stories learned it.

Stories that poll the same feeds learn the very same articles: the same sentences, terms,
name keys, fact tokens and shingle hashes. Kept apart, twenty stories hold twenty copies
of each (about 80 MB per story at 10k articles, most of it these values). A `FeaturePool`
given to every story's Assessor hands back the one copy it already holds of an equal
value, so each knowledge base keeps references plus what is truly its own (which
documents it knows, its postings, its term counts).

Only equal, immutable values are shared (strings, tuples of strings, integers), so no
decision can change: a story sees exactly the values it would have built itself. Each
kind has its own table, so an integer never comes back as an equal value of another
type. Values are added only when a story learns, never when it merely assesses, so the
pool grows with the knowledge bases that reference it and no faster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.assess.asked import Asked
    from bot.domain import Document

# Articles whose analyses are kept for the other stories (see `asked`). Every story
# assesses a new article within the same cycle; a cycle rarely brings more than this.
RECENT_ARTICLES = 256
# Different analyses kept per article: stories whose knowledge reads it differently.
READINGS = 4


class FeaturePool:
    """Canonical copies of the immutable values the knowledge bases keep."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._numbers: dict[int, int] = {}
        self._analysed: dict[Document, list[Asked]] = {}

    def __reduce__(self) -> tuple[type[FeaturePool], tuple[()]]:
        """A snapshot holds one story's knowledge, not the process's pool: it pickles
        empty, and the restoring Assessor re-points the loaded values at its own pool."""
        return (FeaturePool, ())

    def __len__(self) -> int:
        return len(self._texts) + len(self._tuples) + len(self._numbers)

    def text(self, value: str) -> str:
        """The pool's copy of a string (a sentence, a term, a name or fact key)."""
        return self._texts.setdefault(value, value)

    def texts(self, value: tuple[str, ...]) -> tuple[str, ...]:
        """The pool's copy of a tuple of strings, its items pooled too."""
        found = self._tuples.get(value)
        if found is None:
            # Keyed by the pooled tuple itself: the caller's copy must not stay alive.
            found = tuple(self.text(v) for v in value)
            self._tuples[found] = found
        return found

    def number(self, value: int) -> int:
        """The pool's copy of an integer (a shingle hash, a document's ordinal)."""
        return self._numbers.setdefault(value, value)

    def analysed(self, doc: Document) -> list[Asked]:
        """The analyses stories made lately of this article, with their questions."""
        return self._analysed.get(doc, [])

    def remember(self, doc: Document, asked: Asked) -> None:
        """Offer an analysis to the other stories; the oldest article's are let go."""
        readings = self._analysed.setdefault(doc, [])
        if len(readings) < READINGS:
            readings.append(asked)
        if len(self._analysed) > RECENT_ARTICLES:
            del self._analysed[next(iter(self._analysed))]
