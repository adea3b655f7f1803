"""Copies (syndicated, trimmed, reordered, re-headlined, REFILE) versus independent reports."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from tests.assess.conftest import article, replay

ORIGINAL = (
    "Arvania will send its special envoy Hana Sorel to Brava from June 3, the Arvanian "
    "foreign ministry said on Monday.",
    "Sorel will meet Tollish Foreign Minister Petra Lanik and stay for two days, ministry "
    "spokesman Ivo Trask told reporters in Lunsk.",
    "President Oda Merrin promised the trip in her call with Kasimir Vell, when Arvania gave "
    "no timetable for it.",
    "Tolland has said it will not give up territory for a ceasefire and wants the envoy to "
    "hear that in person.",
)


@pytest.mark.parametrize(
    ("title", "paragraphs", "is_copy"),
    [
        pytest.param("Envoy to Brava", ORIGINAL, True, id="verbatim-new-headline"),
        pytest.param("Envoy to Brava", ("REFILE-fixes typo", *ORIGINAL), True, id="refile"),
        pytest.param("Envoy to Brava", ORIGINAL[::-1], True, id="reordered"),
        pytest.param("Envoy to Brava", ORIGINAL[:2], True, id="trimmed"),
        pytest.param(
            "Sorel lands in Brava",
            (
                "Hana Sorel landed in Brava on Tuesday and went straight into a meeting with "
                "Petra Lanik at the foreign ministry.",
                "Lanik told her Tolland would not trade land for a truce, aides said.",
            ),
            False,
            id="independent-report",
        ),
    ],
)
def test_copies(assessor: Assessor, title: str, paragraphs: tuple[str, ...], is_copy: bool) -> None:
    first, second = replay(
        assessor,
        article("orig", "Arvania's envoy to visit Brava from June 3", *ORIGINAL),
        article("later", title, *paragraphs),
    )
    assert first.is_alert
    assert (second.duplicate_of == "orig") is is_copy
    assert not (is_copy and second.is_alert)


def test_copy_reason_names_the_original(assessor: Assessor) -> None:
    _, copy = replay(assessor, article("orig", "t", *ORIGINAL), article("c", "t2", *ORIGINAL))
    assert any(r.startswith("copy of orig") for r in copy.reasons)
