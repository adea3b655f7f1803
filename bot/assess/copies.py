"""Is a new text a copy of one already seen? Two signals, each with its own evidence.

Shared passages (sampled shingles, see `shingles`) catch syndicated,
trimmed, reordered and re-headlined copies; the same skeleton of names,
numbers and dates in the same order catches the copies whose wording was
changed (machine-spun synonyms, a write-through's new lead, a scraped page).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assess.analysis import Analysis
from bot.assess.facts import FactKind
from bot.assess.shingles import CopyIndex
from bot.assess.thresholds import Thresholds

# Words said are not a skeleton: a spun copy rewords them, so their keys differ.
_SPOKEN = frozenset({FactKind.QUOTE, FactKind.REMARK, FactKind.STATEMENT})


@dataclass(frozen=True, slots=True)
class Copied:
    """The document a text copies and the reason, as it is shown."""

    doc_key: str
    reason: str


def copy_anchors(analysis: Analysis) -> list[str]:
    """The text's skeleton: canonical keys of its names, places, numbers and dates in order."""
    return [f.key for s in analysis.sentences for f in s.facts if f.kind not in _SPOKEN]


def find_copy(copies: CopyIndex, analysis: Analysis, limits: Thresholds) -> Copied | None:
    """The seen document this text copies, by shared passages or by the same skeleton."""
    match = copies.best_match(analysis.prints)
    if match is not None and (
        match.containment >= limits.copy_containment_min
        and match.shared >= min(limits.copy_shared_min, len(analysis.prints))
    ):
        return Copied(
            match.doc_key, f"copy of {match.doc_key}: shares {match.containment:.0%} of its text"
        )
    anchors = copy_anchors(analysis)
    if len(anchors) < limits.copy_anchors_min:
        return None
    aligned = copies.best_alignment(anchors)
    if aligned is None or aligned.anchors < limits.copy_anchors_min:
        return None
    if aligned.aligned < limits.copy_alignment_min:
        return None
    reason = (
        f"copy of {aligned.doc_key}: repeats {aligned.aligned:.0%} of its names, numbers "
        "and dates in the same order"
    )
    return Copied(aligned.doc_key, reason)
