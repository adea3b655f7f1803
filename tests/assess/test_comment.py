"""Comment without a label is recognised by its prose, not by a kicker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.assess.comment import comment_signs, commentary_positions
from bot.assess.thresholds import DEFAULT_THRESHOLDS

WHEN = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)

CASES = [
    pytest.param(
        "Arvania names its envoy for the Brava talks",
        [
            "Arvania named Hana Sorel its envoy to Tolland on Monday, the foreign ministry said.",
            "Sorel will travel to Brava on June 3, the ministry said.",
            "Tolland's foreign minister welcomed the appointment.",
        ],
        False,
        id="news-report-attributed-lead",
    ),
    pytest.param(
        "FLASH: Sorel arrives in Brava",
        ["Arvania's envoy Hana Sorel arrived in Brava on Monday, Tollish officials said."],
        False,
        id="wire-flash",
    ),
    pytest.param(
        "The envoy without a map",
        [
            "Mediators in a hurry rarely succeed.",
            "In 1978 a mediator waited months for the parties to tire.",
            "Ana Ruiz of the Institute for Border Studies thinks Sorel has no such time.",
            "Whether Brava listens could depend on the front.",
            "The next months might tell.",
        ],
        True,
        id="unlabelled-analysis-history-analysts-hedges",
    ),
    pytest.param(
        "Why Arvania wants the talks now",
        [
            "The timing is no accident.",
            "Analysts in Lunsk say the border war has drained both treasuries.",
            "A ceasefire could suit Arvania's exporters.",
            "Tolland has said it will not give up territory.",
        ],
        True,
        id="question-headline-explainer",
    ),
    pytest.param(
        "Tolland rejects Arvania's ceasefire offer",
        [
            "Tolland rejected Arvania's ceasefire offer on Tuesday, its president said.",
            "The offer might have frozen the front line, officials said.",
            "Talks could resume in June, an Arvanian official said.",
        ],
        False,
        id="report-with-some-modal-verbs",
    ),
]


@pytest.mark.parametrize(("headline", "sentences", "comment"), CASES)
def test_comment_by_prose(headline: str, sentences: list[str], comment: bool) -> None:
    signs = comment_signs(headline, sentences, WHEN)
    assert (signs.score >= DEFAULT_THRESHOLDS.comment_score_min) is comment, signs.describe()


HISTORY = [
    pytest.param("The talks recall the 1975 accords.", True, id="year-long-before"),
    pytest.param("The border was redrawn in 2019.", True, id="five-years-before"),
    pytest.param("The war began in 2022.", False, id="recent-year-is-the-story"),
    pytest.param("Talks resume on May 22.", False, id="no-year"),
]


@pytest.mark.parametrize(("sentence", "history"), HISTORY)
def test_history_is_years_long_before_publication(sentence: str, history: bool) -> None:
    assert (comment_signs("x", [sentence], WHEN).history > 0) is history


FLOOR = [
    pytest.param(
        [
            "\u201cThe texts are vague.",
            "Everyone will read them their own way,\u201d said Ana Ruiz, a lawyer in Lunsk.",
        ],
        {0, 1},
        id="quote-attributed-at-its-end",
    ),
    pytest.param(
        [
            "\u201cThe texts are vague,\u201d said Ana Ruiz, a researcher in Lunsk.",
            "\u201cEveryone will read them their own way.\u201d",
        ],
        {0, 1},
        id="quote-running-on-after-attribution",
    ),
    pytest.param(
        [
            "\u201cThe texts are vague,\u201d said Ana Ruiz, a researcher in Lunsk.",
            "\u201cWe will sign on Monday,\u201d the foreign minister said.",
        ],
        {0},
        id="next-speaker-takes-the-floor",
    ),
]


@pytest.mark.parametrize(("sentences", "argument"), FLOOR)
def test_a_commentator_keeps_the_floor_for_the_whole_quote(
    sentences: list[str], argument: set[int]
) -> None:
    assert set(commentary_positions(sentences, WHEN)) == argument
