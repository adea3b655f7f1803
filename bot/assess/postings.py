"""Posting lists (key -> ordinals of the documents holding it, oldest first) that cost
nothing beyond their table slot while they hold one document.

Most keys of a story's indexes (a sampled shingle, a copy anchor, a rare term) occur in
one document ever: at 10k articles a story holds some 200k such keys. A one-entry list
or array costs 70 to 100 bytes on top of the slot, the ordinal alone nothing more (the
feature pool shares the integer), so a posting is the bare ordinal until a second
document holds the key, and a compact array of ordinals from then on.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Sequence
from typing import TypeAlias, TypeVar

from bot.assess.pool import FeaturePool

Key = TypeVar("Key", bound=Hashable)
Posting: TypeAlias = "int | array[int]"


def post(table: dict[Key, Posting], key: Key, ordinal: int) -> None:
    """Record that document `ordinal` (newer than every one recorded) holds `key`."""
    found = table.get(key)
    if found is None:
        table[key] = ordinal
    elif isinstance(found, int):
        table[key] = array("I", (found, ordinal))
    else:
        found.append(ordinal)


def posting(table: dict[Key, Posting], key: Key) -> Sequence[int]:
    """The ordinals of the documents holding `key`, oldest first (none when unknown)."""
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


def shared_posting(found: Posting, pool: FeaturePool) -> Posting:
    """A loaded posting whose bare ordinal is the pool's copy (arrays hold no objects)."""
    return pool.number(found) if isinstance(found, int) else found
