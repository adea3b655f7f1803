"""The story being watched: its name, its core actors (in groups) and its terms.

A story is rarely one name: "the Xi-Zelensky call and China's diplomacy over
the war" is the meeting of two sides. Actors are therefore grouped (one group
per side, with its aliases), and relevance asks that the groups meet in the
same sentences. The topic file is optional: whatever it leaves out is derived
from the corpus with the general-purpose gazetteer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.assess.facts import FactKind, extract_facts
from bot.assess.gazetteer import COUNTRY_OF
from bot.assess.text import clean_text, split_sentences, terms
from bot.domain import Document

# A derived topic keeps the two most-mentioned countries as its sides: a story
# between two parties is the common case, and a third side (here Russia) would
# let every China-Russia trade story in.
DERIVED_GROUPS = 2
# Names or terms in at least this share of corpus documents are core to the story.
CORE_DOC_SHARE = 0.6
DERIVED_TERMS = 20


@dataclass(frozen=True, slots=True)
class Topic:
    """A story: `actors` maps each side to its aliases (lowercase); `terms` are story words."""

    name: str
    actors: tuple[tuple[str, tuple[str, ...]], ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        return dict(self.actors)


def parse_topic(data: Mapping[str, Any]) -> Topic:
    """A Topic from the parsed topic.toml: `name`, `terms = [...]`, `[actors] side = [...]`."""
    raw_actors = data.get("actors", {})
    actors: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(raw_actors, Mapping):
        for side, names in raw_actors.items():
            aliases = tuple(str(n).lower() for n in _as_list(names) if str(n).strip())
            if aliases:
                actors.append((str(side), aliases))
    story_terms = tuple(t for raw in _as_list(data.get("terms", ())) for t in terms(str(raw)))
    return Topic(
        str(data.get("name", "")).strip(), tuple(actors), tuple(dict.fromkeys(story_terms))
    )


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, Sequence) else []


def complete_topic(topic: Topic, corpus: Sequence[Document]) -> Topic:
    """Fill what the topic file left out (actors, terms, name) from the corpus."""
    texts = [clean_text(f"{d.title}\n\n{d.text}") for d in corpus]
    if not topic.actors:
        topic = replace(topic, actors=derive_actors(texts))
    if not topic.terms:
        topic = replace(topic, terms=derive_terms(texts, topic))
    if not topic.name:
        topic = replace(topic, name=" and ".join(side for side, _ in topic.actors) or "the story")
    return topic


def derive_actors(texts: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The most-mentioned countries as sides, each with its aliases and its frequent people."""
    country_counts: Counter[str] = Counter()
    people_docs: Counter[str] = Counter()
    sentences = [s for text in texts for s in split_sentences(text)]
    for text in texts:
        people: set[str] = set()
        for sentence in split_sentences(text):
            for fact in extract_facts(sentence):
                if fact.kind is FactKind.PLACE:
                    country_counts[COUNTRY_OF.get(fact.text.lower(), fact.text.lower())] += 1
                elif len(fact.tokens) >= 2:
                    people.add(" ".join(fact.tokens))
        people_docs.update(people)
    sides = [c for c, _ in country_counts.most_common(DERIVED_GROUPS)]
    aliases = {side: {a for a, c in COUNTRY_OF.items() if c == side} for side in sides}
    for person, count in people_docs.items():
        if count < CORE_DOC_SHARE * len(texts):
            continue
        votes = {side: _title_votes(person, aliases[side], sentences) for side in sides}
        if votes and max(votes.values()) > 0:
            aliases[max(votes, key=votes.__getitem__)].add(person)
    return tuple((side, tuple(sorted(aliases[side]))) for side in sides)


def _title_votes(person: str, aliases: set[str], sentences: Sequence[str]) -> int:
    """How often a side's alias stands just before the name: 'Ukrainian President X'."""
    votes = 0
    for sentence in sentences:
        low = sentence.lower()
        at = low.find(person)
        while at > 0:
            preceding = low[max(0, at - 40) : at].split()[-3:]
            votes += any(word.strip(",'’") in aliases for word in preceding)
            at = low.find(person, at + 1)
    return votes


def derive_terms(texts: Sequence[str], topic: Topic) -> tuple[str, ...]:
    """Words most corpus documents share, minus the actor names themselves."""
    actor_words = {w for _, aliases in topic.actors for a in aliases for w in terms(a)}
    doc_freq: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for text in texts:
        doc_terms = terms(text)
        totals.update(doc_terms)
        doc_freq.update(set(doc_terms))
    core = [t for t, n in doc_freq.items() if n >= CORE_DOC_SHARE * len(texts)]
    core = [t for t in core if t not in actor_words and not t[0].isdigit()]
    return tuple(sorted(core, key=lambda t: -totals[t])[:DERIVED_TERMS])
