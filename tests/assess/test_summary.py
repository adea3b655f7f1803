"""The alert text: short headline, new facts in the summary, the closest earlier statement."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from bot.assess.analysis import clean_title
from bot.cli.verdicts import format_verdict
from bot.domain import Document
from tests.support.arvania import article, corpus_documents, topic

ALERT = article(
    "s1",
    "Arvania's envoy to visit Brava from June 3 - Daily Invented",
    "Arvania will send its special envoy Hana Sorel to Brava from June 3, the Arvanian foreign "
    "ministry said on Monday.",
    "Governments have doubted a quick breakthrough in the peace talks.",
    "Sorel will also meet Tollish Foreign Minister Petra Lanik, ministry spokesman Ivo Trask said.",
)


def test_summary_carries_new_facts_and_before(assessor: Assessor) -> None:
    verdict = assessor.assess(ALERT)
    assert verdict.is_alert
    assert "June 3" in verdict.summary
    assert "Petra Lanik" in verdict.summary
    assert len(verdict.summary) <= 700
    assert "June 3" in verdict.new_facts
    # The closest corpus statement on the envoy's trip, not just any corpus sentence.
    assert verdict.before is not None
    assert "envoy" in verdict.before
    assert verdict.headline == "Arvania's envoy to visit Brava from June 3"


def test_format_verdict_is_readable(assessor: Assessor) -> None:
    text = format_verdict(ALERT, assessor.assess(ALERT))
    assert "ALERT" in text
    assert "before:" in text
    assert "June 3" in text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Envoy lands - Daily Invented", "Envoy lands", id="aggregator-outlet"),
        pytest.param("REFILE-Envoy lands", "Envoy lands", id="refile"),
        pytest.param("Opinion: Envoy lands", "Envoy lands", id="comment-label"),
        pytest.param("Envoy lands in Brava", "Envoy lands in Brava", id="plain"),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


def test_before_is_a_statement_not_a_fragment(assessor: Assessor) -> None:
    """A web-page fragment in the corpus ("Welcome back!") must never be quoted as "before"."""
    fragment = Document(
        key="corpus:page.txt",
        title="Arvania and Tolland",
        text="Welcome back!\n\nArvania and Tolland held talks on the border war last year.",
    )
    learner = Assessor(topic(), [*corpus_documents(), fragment])
    verdict = learner.assess(
        article(
            "s2",
            "Arvania pledges 40 field hospitals to Tolland",
            "Arvania will give Tolland 40 field hospitals worth 90 million crowns, Arvanian "
            "envoy Hana Sorel said in Brava on Monday.",
            "Aid is welcome, Tollish Foreign Minister Petra Lanik said, but not a substitute for "
            "peace talks.",
        )
    )
    assert verdict.is_alert
    assert verdict.before != "Welcome back!"


BEFORE_CASES = [
    pytest.param(
        "Arvania's envoy Hana Sorel will travel to Brava from June 3, the foreign ministry said.",
        "timetable",
        id="trip-dates-before-is-no-timetable",
    ),
    pytest.param(
        "Arvanian President Oda Merrin will meet Kasimir Vell in Lunsk on June 9, her office said.",
        "Merrin",
        id="new-meeting-before-names-the-same-people",
    ),
]


@pytest.mark.parametrize(("lead", "expected"), BEFORE_CASES)
def test_before_is_about_the_same_who(assessor: Assessor, lead: str, expected: str) -> None:
    verdict = assessor.assess(article("b1", "Headline", lead))
    assert verdict.is_alert
    assert verdict.before is not None and expected in verdict.before
    assert verdict.before_key is not None and verdict.before_key.startswith("corpus:")


def test_no_before_when_nothing_known_names_the_same_people(assessor: Assessor) -> None:
    """A sentence that merely shares words ('peace talks') is never shown as Before."""
    verdict = assessor.assess(
        article(
            "b2",
            "Headline",
            "Tollish Prime Minister Ansgar Holm named Mira Dal his envoy for peace talks "
            "with Arvania on Friday, his office said.",
        )
    )
    assert verdict.is_alert
    assert verdict.before is None
