"""Novelty: new dates, officials, numbers and statements count; rehashes and re-reports do not."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from tests.support.arvania import article, replay

NEW_DATE = article(
    "n1",
    "Arvania's envoy to visit Brava from June 3",
    "Arvania will send its special envoy Hana Sorel to Brava from June 3, the Arvanian foreign "
    "ministry said on Monday, setting the first date for the trip Merrin promised Vell.",
    "Tolland has said it will not give up territory for a ceasefire.",
)

CASES = [
    pytest.param(NEW_DATE, True, id="new-date"),
    pytest.param(
        article(
            "n2",
            "Sorel meets Tolland's foreign minister",
            "Arvania's envoy Hana Sorel held talks in Brava with Tollish Foreign Minister Petra "
            "Lanik, the Tollish foreign ministry said.",
            "Lanik told Sorel that Tolland would not accept a ceasefire that cost it territory.",
        ),
        True,
        id="new-official-met",
    ),
    pytest.param(
        article(
            "n3",
            "Arvania and Tolland: where things stand",
            "Oda Merrin and Kasimir Vell spoke by phone for the first time since the border war.",
            "Arvania says it will send its envoy Hana Sorel to Tolland for peace talks but has set "
            "no timetable.",
            "Tolland insists it will not give up territory for a ceasefire.",
            "Arvania says it is neutral, and Tolland rejected its position paper as one-sided.",
        ),
        False,
        id="rehash-of-corpus",
    ),
    pytest.param(
        article(
            "n4",
            "The call, and the long road to Brava",
            "Merrin's call to Vell was the first since the border war, and it promised an envoy.",
            "Tolland still says it will not give up territory for a ceasefire.",
            "Arvania's position paper, rejected by Tolland as one-sided, remains its only plan.",
            "Sorel, the envoy Merrin chose, has not yet set off for Brava.",
            "In a later statement the Arvanian foreign ministry said Sorel would hold talks in "
            "Brava on June 9 with Tollish Prime Minister Ansgar Holm.",
        ),
        True,
        id="fact-buried-in-last-paragraph",
    ),
    pytest.param(
        article(
            "n5",
            "Opinion: An envoy is not a plan",
            "Arvania's envoy Hana Sorel will find Brava unmoved, whatever Merrin promised Vell.",
            "The regions of Kostra, Velm and Oster remain the heart of Tolland's case.",
            "Until Arvania says what it wants, the call is a gesture.",
        ),
        False,
        id="comment-piece",
    ),
    pytest.param(
        article(
            "n6",
            "Analysis: Sorel's Brava trip, dated at last",
            "Arvania's foreign ministry said on Monday that envoy Hana Sorel would hold talks in "
            "Brava on June 9 with Tollish Prime Minister Ansgar Holm and Defence Minister Ruta "
            "Pell, and would then travel to Kostra on June 11.",
            "Merrin had promised Vell the visit, and Tolland says it will not give up territory.",
        ),
        True,
        id="comment-piece-that-breaks-news",
    ),
    pytest.param(
        article(
            "n7",
            "The Brava talks, one year on",
            "Analysis\n\nArvania's envoy Hana Sorel and Tolland's Kasimir Vell have met twice.",
            "Merrin's plan is a message to Ostland, Quarria and Velmar more than to Brava.",
            "The border war, Vell says, will not end with territory given up for a ceasefire.",
        ),
        False,
        id="comment-kicker-new-places-are-argument-not-news",
    ),
]


@pytest.mark.parametrize(("doc", "novel"), CASES)
def test_novelty_against_corpus(assessor: Assessor, doc: object, novel: bool) -> None:
    verdict = assessor.assess(doc)  # type: ignore[arg-type]
    assert verdict.relevant
    assert verdict.is_alert is novel
    assert verdict.reasons[-1].startswith("new development" if novel else "nothing new")


def test_re_report_of_alerted_development_is_not_novel(assessor: Assessor) -> None:
    re_report = article(
        "r1",
        "Sorel's Brava trip set for June",
        "The trip starts on June 3, Arvania's foreign ministry said, when Hana Sorel, its "
        "envoy, travels to Brava at last.",
        "Merrin had promised Vell the visit, and Tolland says it will not give up territory.",
    )
    first, second = replay(assessor, NEW_DATE, re_report)
    assert first.is_alert
    assert not second.is_alert
    assert second.copy_of is None
    assert second.repeats == "n1"


def test_assess_does_not_learn(assessor: Assessor) -> None:
    size = assessor.size
    assert assessor.assess(NEW_DATE).is_alert
    assert assessor.assess(NEW_DATE).is_alert
    assert assessor.size == size


def test_learn_is_deterministic_for_restarts(assessor: Assessor) -> None:
    from tests.support.arvania import corpus_documents, topic

    verdicts = replay(assessor, NEW_DATE)
    rebuilt = Assessor(topic(), corpus_documents())
    rebuilt.learn(NEW_DATE, verdicts[0])
    probe = article(
        "p",
        "t",
        "Sorel goes to Brava from June 3, Arvania's ministry said again.",
        "Merrin promised Vell the trip and Tolland welcomed Sorel.",
    )
    assert rebuilt.assess(probe) == assessor.assess(probe)
    assert rebuilt.size == assessor.size


LEAD_DAY = [
    pytest.param(
        (
            "Arvania suspended its envoy's mission to Tolland on Tuesday, the Arvanian foreign "
            "ministry said.",
        ),
        True,
        id="flash-whose-lead-day-dates-the-development",
    ),
    pytest.param(
        (
            "The market in Lunsk woke up on Tuesday to the news from Brava.",
            "Arvania's envoy Hana Sorel had met Tollish officials there, traders said.",
            "Tolland still says it will not give up territory for a ceasefire.",
            "Prices of flour stayed where they were.",
        ),
        False,
        id="scene-setting-day-in-a-longer-piece",
    ),
    pytest.param(
        (
            "Arvania's envoy Hana Sorel is still waiting for a date for her trip to Brava.",
            "Tolland said on Tuesday that it would not give up territory for a ceasefire.",
        ),
        False,
        id="day-below-the-lead-dates-background",
    ),
]


@pytest.mark.parametrize(("paragraphs", "novel"), LEAD_DAY)
def test_a_new_day_in_the_first_sentence_dates_the_development(
    assessor: Assessor, paragraphs: tuple[str, ...], novel: bool
) -> None:
    verdict = assessor.assess(article("d1", "Arvania and the envoy", *paragraphs))
    assert verdict.is_alert is novel, verdict.reasons
