"""Copies (syndicated, trimmed, reordered, re-headlined, REFILE) versus independent reports."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from bot.assess.shingles import align
from tests.support.arvania import article, replay

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
    assert (second.copy_of == "orig") is is_copy
    assert not (is_copy and second.is_alert)


def test_copy_reason_names_the_original(assessor: Assessor) -> None:
    _, copy = replay(assessor, article("orig", "t", *ORIGINAL), article("c", "t2", *ORIGINAL))
    assert any(r.startswith("copy of orig") for r in copy.reasons)


# The ORIGINAL run through a synonym spinner and given a new lead: few five-word runs
# survive, but every name, number and date is still there, in the same order.
SPUN = (
    "Arvania is to dispatch its special emissary Hana Sorel to Brava from June 3, the "
    "Arvanian foreign office stated on Monday.",
    "Sorel is to see Tollish Foreign Minister Petra Lanik and remain for two days, ministry "
    "representative Ivo Trask informed journalists in Lunsk.",
    "Head of state Oda Merrin pledged the journey during her conversation with Kasimir Vell, "
    "when Arvania offered no schedule for it.",
    "Tolland has stated it will not surrender land for a truce and desires the emissary to "
    "hear that face to face.",
)
# An independent report of the same announcement: the same people, its own order and details.
REWRITE = (
    "Tolland's foreign minister Petra Lanik will receive an Arvanian envoy next month, her "
    "office said, in what Lunsk calls a test of Kasimir Vell's patience.",
    "Lanik told reporters in Brava that Tolland would listen but not give up territory.",
    "Arvania named the veteran diplomat Hana Sorel for the trip in March; Oda Merrin's office "
    "said Sorel would arrive on June 3 and stay two days.",
)


@pytest.mark.parametrize(
    ("paragraphs", "is_copy"),
    [
        pytest.param(SPUN, True, id="machine-spun-synonyms"),
        pytest.param(SPUN[1:], True, id="spun-and-trimmed-by-its-lead"),
        pytest.param(REWRITE, False, id="independent-rewrite-same-names"),
    ],
)
def test_paraphrased_copies(assessor: Assessor, paragraphs: tuple[str, ...], is_copy: bool) -> None:
    first, second = replay(
        assessor,
        article("orig", "Arvania's envoy to visit Brava from June 3", *ORIGINAL),
        article("later", "Envoy heads for Brava", *paragraphs),
    )
    assert first.is_alert
    assert (second.copy_of == "orig") is is_copy, second.reasons


ALIGNMENTS = [
    pytest.param("abcdef", "abcdef", 6, id="same-order"),
    pytest.param("abcdef", "fedcba", 1, id="reversed"),
    pytest.param("abcdef", "axbycz", 3, id="interleaved-extras"),
    pytest.param("", "abc", 0, id="empty"),
]


@pytest.mark.parametrize(("first", "second", "length"), ALIGNMENTS)
def test_anchor_alignment_is_an_ordered_subsequence(first: str, second: str, length: int) -> None:
    assert align(list(first), list(second)) == length
