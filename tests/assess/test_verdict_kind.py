"""Every verdict carries a kind; stored verdicts without one derive it from their fields."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain import Assessment, VerdictKind

BASE: dict[str, Any] = {
    "relevant": True,
    "relevance": 0.9,
    "copy_of": None,
    "novel": True,
    "novelty": 2.0,
}

OLD_JSON = [
    pytest.param({}, VerdictKind.ALERT, id="relevant-original-novel-is-alert"),
    pytest.param({"copy_of": "a1", "novel": False}, VerdictKind.COPY, id="copy"),
    pytest.param({"novel": False}, VerdictKind.KNOWN, id="relevant-nothing-new"),
    pytest.param({"relevant": False, "novel": False}, VerdictKind.OFF_STORY, id="off-story"),
    pytest.param(
        {"relevant": False, "novel": False, "reasons": ["assessment failed: ValueError: x"]},
        VerdictKind.FAILED,
        id="failed-by-reason",
    ),
]


@pytest.mark.parametrize(("fields", "kind"), OLD_JSON)
def test_old_json_without_kind_derives_it(fields: dict[str, Any], kind: VerdictKind) -> None:
    assert Assessment.from_dict({**BASE, **fields}).kind is kind


@pytest.mark.parametrize("kind", list(VerdictKind))
def test_kind_and_before_key_round_trip(kind: VerdictKind) -> None:
    verdict = Assessment(**BASE, kind=kind, before="Earlier.", before_key="corpus:a.txt")
    again = Assessment.from_dict(verdict.to_dict())
    assert (again.kind, again.before_key) == (kind, "corpus:a.txt")


def test_silent_defaults_to_failed_and_takes_a_kind() -> None:
    assert Assessment.silent("assessment failed: boom").kind is VerdictKind.FAILED
    assert Assessment.silent("empty", kind=VerdictKind.OFF_STORY).kind is VerdictKind.OFF_STORY
