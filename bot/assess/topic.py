"""The story being watched, as an operator may refine it in a few lines of TOML.

No topic file is needed: the story's vocabulary and phrases are derived from
the corpus (see `relevance.StoryProfile`). A topic file only refines that:

```toml
# all keys are optional
name = "The Black Sea grain deal"            # a string: how reports name the story
terms = ["grain deal", "corridor"]           # strings: words or phrases of the story itself
[actors]                                     # a table: side = list of names (or one string)
russia = ["Russia", "Moscow", "Kremlin"]
ukraine = ["Ukraine", "Kyiv"]
```

With `[actors]`, relevance asks that two sides meet in the same sentences (a
story that is the contact between parties, like a call between two leaders);
without it, relevance asks that the article's lead is about the story's own
subject. Any other key, or a value of the wrong type, is refused with a
`TopicError` naming the key, so a typo never silently changes the story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.assess.text import terms

KNOWN_KEYS = ("name", "terms", "actors")


class TopicError(ValueError):
    """A topic file that does not follow the schema; `key` names the culprit."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"topic file: {key!r} {problem}")
        self.key = key


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
    """A Topic from the parsed topic.toml; raises TopicError on unknown keys or wrong types."""
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise TopicError(unknown[0], f"is not a topic key (known: {', '.join(KNOWN_KEYS)})")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise TopicError("name", "must be a string")
    raw_terms = _strings(data.get("terms", ()), "terms")
    story_terms = tuple(dict.fromkeys(t for raw in raw_terms for t in terms(raw)))
    return Topic(name.strip(), _actors(data.get("actors", {})), story_terms)


def _actors(raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(raw, Mapping):
        raise TopicError("actors", "must be a table of side = [names]")
    actors = []
    for side, names in raw.items():
        aliases = tuple(n.strip().lower() for n in _strings(names, f"actors.{side}") if n.strip())
        if aliases:
            actors.append((str(side), aliases))
    return tuple(actors)


def _strings(value: Any, key: str) -> list[str]:
    """A string or a list of strings, as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TopicError(key, "must be a string or a list of strings")
