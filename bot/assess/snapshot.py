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

# Per-call caches are not knowledge; everything else of the Assessor is.
_TRANSIENT = frozenset({"_last"})


def export_knowledge(assessor: Assessor) -> bytes:
    """Everything the assessor has learned, as bytes."""
    state = {k: v for k, v in vars(assessor).items() if k not in _TRANSIENT}
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def restore_knowledge(assessor: Assessor, data: bytes) -> None:
    """Make `assessor` know exactly what the exported one knew."""
    state: dict[str, Any] = pickle.loads(data)  # noqa: S301 -- our own snapshot, see above
    for name in _TRANSIENT & set(vars(assessor)):
        state[name] = None
    vars(assessor).update(state)
