"""An article analysed once for every story that would analyse it the same way.

`analyse` consults a story's knowledge in two ways only: is this word known in
lowercase, and is this name key known (or which known name does a misspelt one fold
onto)? Everything else it computes from the text alone. So the questions it asked,
with their answers, fix the analysis: a story that gives the same answers to the same
questions would take the same path and get the same analysis, and is handed the first
one's instead (and so keeps the very same sentences, terms and facts). A story that
answers one question differently (it knows a name the first did not) analyses the
article itself. Decisions cannot change: only an analysis the story would have
produced itself is ever reused.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from bot.assess.analysis import Analysis, analyse
from bot.assess.mentions import NameVocabulary
from bot.domain import Document


@dataclass(frozen=True, slots=True)
class Questions:
    """What one analysis asked of a story's knowledge, and the answers it got."""

    lowercase: dict[str, bool] = field(default_factory=dict)
    names: dict[str, bool] = field(default_factory=dict)
    folds: dict[str, str] = field(default_factory=dict)

    def answered_alike(self, lowercase: Container[str], names: NameVocabulary) -> bool:
        """Whether another story's knowledge gives every one of these answers."""
        return (
            all((word in lowercase) is known for word, known in self.lowercase.items())
            and all((key in names) is known for key, known in self.names.items())
            and all(names.resolve(key) == folded for key, folded in self.folds.items())
        )


@dataclass(frozen=True, slots=True)
class Asked:
    """An analysis with the questions that fixed it."""

    analysis: Analysis
    questions: Questions


class _AskedWords:
    """A story's lowercase words, writing each question and answer down."""

    def __init__(self, words: Container[str], answers: dict[str, bool]) -> None:
        self._words = words
        self._answers = answers

    def __contains__(self, word: object) -> bool:
        known = word in self._words
        if isinstance(word, str):
            self._answers[word] = known
        return known


class _AskedNames(NameVocabulary):
    """A story's name vocabulary, writing each question and answer down."""

    def __init__(self, names: NameVocabulary, questions: Questions) -> None:
        super().__init__(pool=None)
        self._names = names
        self._questions = questions

    def __contains__(self, key: object) -> bool:
        known = key in self._names
        if isinstance(key, str):
            self._questions.names[key] = known
        return known

    def resolve(self, key: str) -> str:
        folded = self._names.resolve(key)
        self._questions.folds[key] = folded
        return folded


def analyse_asking(doc: Document, lowercase: Container[str], names: NameVocabulary) -> Asked:
    """`analyse`, with the questions it asked of the story's knowledge written down."""
    questions = Questions()
    asked_words = _AskedWords(lowercase, questions.lowercase)
    analysis = analyse(doc, asked_words, _AskedNames(names, questions))
    return Asked(analysis, questions)
