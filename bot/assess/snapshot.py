"""The knowledge base as bytes, so a restart loads it instead of re-learning every verdict.

The state is pickled: it is written and read only by Talkwatch, in its own database, next to
the articles it was learned from (whoever can write there can change every verdict anyway).
A snapshot is only ever loaded by the same core over the same story: the caller checks a
fingerprint of both before calling `restore_knowledge`.
"""

from __future__ import annotations

import pickle
from typing import Any

from bot.assess.engine import Assessor

# Per-call caches are not knowledge; the feature pool is the process's, shared by every
# story (a story's snapshot must not carry the others' articles); the rest is knowledge.
_RESET = frozenset({"_last"})
_PROCESS = frozenset({"pool"})


def export_knowledge(assessor: Assessor) -> bytes:
    """Everything the assessor has learned, as bytes."""
    state = {k: v for k, v in vars(assessor).items() if k not in _RESET | _PROCESS}
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def restore_knowledge(assessor: Assessor, data: bytes) -> None:
    """Make `assessor` know exactly what the exported one knew, sharing its own pool."""
    state: dict[str, Any] = pickle.loads(data)  # noqa: S301 -- our own snapshot, see above
    for name in _RESET & set(vars(assessor)):
        state[name] = None
    for name in _PROCESS:
        state.pop(name, None)
    vars(assessor).update(state)
    assessor.adopt(assessor.pool)
