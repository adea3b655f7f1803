"""Relevance: the story's sides must meet; sharing words or one side is not enough."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from tests.support.arvania import article

CASES = [
    pytest.param(
        (
            "Arvania's envoy Hana Sorel met Tollish President Kasimir Vell in Brava on Monday.",
            "Sorel told Vell that Arvania wanted peace talks to start before the winter.",
            "Tolland said the talks were useful but that it would not accept a ceasefire.",
        ),
        True,
        id="envoy-meets-other-side",
    ),
    pytest.param(
        (
            "Oda Merrin opened a new motorway near Lunsk on Monday, praising Arvania's builders.",
            "The road cost 2 billion and will cut travel times across the north of Arvania.",
            "Merrin said more roads would follow next year.",
        ),
        False,
        id="one-side-only",
    ),
    pytest.param(
        (
            "Dock workers in Selmouth walked out over pay, halting shipments.",
            "The union said the strike would last until employers raised wages.",
        ),
        False,
        id="unrelated",
    ),
    pytest.param(
        (
            "Kasimir Vell toured weapons factories in the west of Tolland on Monday.",
            "Vell said Tolland's army needed more shells and drones for the border war.",
            "He thanked allies for their help; Arvania, he said once, had offered only words.",
            "The factories will double output next year, managers said.",
        ),
        False,
        id="passing-mention",
    ),
    pytest.param(
        ("Arvania's envoy Hana Sorel will visit Brava on June 30 to meet Kasimir Vell.",),
        True,
        id="wire-flash-lead-names-both-sides",
    ),
    pytest.param(
        (
            "Kasimir Vell toured weapons factories in the west of Tolland on Monday.",
            "Arvania, he said, had offered only words.",
        ),
        False,
        id="short-piece-with-a-passing-mention",
    ),
    pytest.param(
        (
            "Kasimir Vell opened a trade fair in the north on Monday, praising Tolland's firms.",
            "Vell said Tolland would sell more grain abroad next year.",
            "Arvania's envoy Hana Sorel, who visited Brava in June, was not at the fair.",
            "Sorel's talks with Vell on the border war are expected to resume, Arvania said.",
        ),
        False,
        id="sides-meet-only-below-a-one-side-lead",
    ),
]


@pytest.mark.parametrize(("paragraphs", "relevant"), CASES)
def test_relevance(assessor: Assessor, paragraphs: tuple[str, ...], relevant: bool) -> None:
    verdict = assessor.assess(article("x", "A headline", *paragraphs))
    assert verdict.relevant is relevant
    assert verdict.reasons[0].startswith("relevant" if relevant else "not relevant")
    assert 0.0 <= verdict.relevance <= 1.0
