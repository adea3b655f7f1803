"""Dates: every spelling of a day, and weekdays resolved against publication, give one key."""

from __future__ import annotations

from datetime import date

import pytest

from bot.assess.dates import DateKind, find_dates, undated_reference

# A Wednesday.
PUBLISHED = date(2021, 9, 15)


def keys(sentence: str, published: date | None = PUBLISHED) -> list[str]:
    return [m.key for m in find_dates(sentence, published) if m.kind is not DateKind.YEAR]


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        pytest.param("The ferry sails on September 20.", "date:2021-09-20", id="month-day"),
        pytest.param("The ferry sails on 20 September.", "date:2021-09-20", id="day-month"),
        pytest.param("The ferry sails on Sept. 20.", "date:2021-09-20", id="abbreviated"),
        pytest.param("The ferry sailed on Sep 20, 2020.", "date:2020-09-20", id="with-year"),
        pytest.param("The ferry sailed on Sep 20,2020.", "date:2020-09-20", id="glued-year"),
        pytest.param("It sailed on 20 Sep, 2020 at dawn.", "date:2020-09-20", id="comma-year"),
        pytest.param("It sailed on 20. September 2020.", "date:2020-09-20", id="dotted-day"),
        pytest.param("It sails on September 20th.", "date:2021-09-20", id="ordinal"),
        pytest.param("The vote is on 2021-09-20 at noon.", "date:2021-09-20", id="iso"),
        pytest.param(
            "Stamped 2021-09-20T08:30:00+02:00 by the port.", "date:2021-09-20", id="iso-ts"
        ),
        pytest.param("Filed on 20/09/2021 in court.", "date:2021-09-20", id="day-first-slash"),
        pytest.param("Filed on 20.09.2021 in court.", "date:2021-09-20", id="day-first-dots"),
        pytest.param("Filed on 09/20/2021 in court.", "date:2021-09-20", id="month-first-slash"),
        pytest.param(
            "Talks run September 20-21 in the capital.", "date:2021-09-20..2021-09-21", id="range"
        ),
        pytest.param("Talks run 20-21 September.", "date:2021-09-20..2021-09-21", id="range-dm"),
        pytest.param(
            "Talks run on September 20 and 21.", "date:2021-09-20..2021-09-21", id="list-of-days"
        ),
        pytest.param("The port reopened on January 3.", "date:2022-01-03", id="nearest-year"),
    ],
)
def test_explicit_days(sentence: str, key: str) -> None:
    assert keys(sentence) == [key]


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        pytest.param("The mayor met the union on Monday.", "date:2021-09-13", id="past-weekday"),
        pytest.param("The council met on Wednesday.", "date:2021-09-15", id="publication-day"),
        pytest.param("The mayor will meet the union on Friday.", "date:2021-09-17", id="future"),
        pytest.param("Unions met on Tuesday evening.", "date:2021-09-14", id="weekday-evening"),
        pytest.param(
            "Inspectors will visit from Thursday to Saturday.",
            "date:2021-09-16..2021-09-18",
            id="weekday-range",
        ),
        pytest.param("The strike ends next week.", "date:2021-09-20..2021-09-26", id="next-week"),
        pytest.param(
            "The fair opens this weekend.", "date:2021-09-18..2021-09-19", id="this-weekend"
        ),
        pytest.param("The board voted yesterday.", "date:2021-09-14", id="yesterday"),
        pytest.param("The board votes next Monday.", "date:2021-09-20", id="next-weekday"),
    ],
)
def test_relative_days_resolve_against_publication(sentence: str, key: str) -> None:
    assert keys(sentence) == [key]


CLAUSE_TENSE = [
    pytest.param(
        "In Lisbon on Monday, the mayor claimed that ferries would sail soon.",
        "date:2021-09-13",
        id="future-word-in-another-clause",
    ),
    pytest.param(
        "The mayor said on Monday that the ferries would sail.",
        "date:2021-09-13",
        id="saying-clause-before-that",
    ),
    pytest.param(
        "The strike on Monday, and the reply, have left owners who would sail unsure.",
        "date:2021-09-13",
        id="past-event-future-elsewhere",
    ),
    pytest.param(
        "The mayor, who chairs the board, will sign on Friday.",
        "date:2021-09-17",
        id="future-in-own-clause",
    ),
    pytest.param("On Friday, the mayor will sign.", "date:2021-09-17", id="weekday-opens-clause"),
    pytest.param(
        "The mayor spoke, warning that the port would close on Friday.",
        "date:2021-09-17",
        id="future-after-that",
    ),
]


@pytest.mark.parametrize(("sentence", "key"), CLAUSE_TENSE)
def test_a_weekday_takes_the_tense_of_its_own_clause(sentence: str, key: str) -> None:
    """'X claimed on Monday that ships would go': the 'would' is the claim's, not Monday's."""
    assert keys(sentence) == [key]


def test_weekday_beside_an_explicit_day_is_one_fact() -> None:
    assert keys("The summit opens this Saturday, September 18.") == ["date:2021-09-18"]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The council met last week.", id="last-week"),
        pytest.param("The council meets again this week.", id="this-week"),
    ],
)
def test_days_that_restate_the_publication_time_are_no_fact(sentence: str) -> None:
    assert keys(sentence) == []


def test_relative_days_need_a_publication_time() -> None:
    assert keys("The council met on Monday.", published=None) == []


def test_without_publication_time_days_have_no_year() -> None:
    assert keys("It sails on 20 September.", published=None) == ["date:09-20"]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The ferry carries 20 cars.", id="count"),
        pytest.param("Shares rose 2.25 percent.", id="decimal"),
        pytest.param("She may 20 times have asked.", id="modal-may"),
        pytest.param("Sailings resume at 06:00 local time.", id="clock"),
    ],
)
def test_not_dates(sentence: str) -> None:
    assert keys(sentence) == []


def test_year_before_punctuation_is_a_year() -> None:
    found = find_dates("The port opened in 1994.", PUBLISHED)
    assert [(m.kind, m.key) for m in found] == [(DateKind.YEAR, "year:1994")]


def test_an_undated_text_is_read_from_the_latest_full_date_it_names() -> None:
    sentences = [
        "The strike began on 2 September 2021.",
        "Talks resumed on Friday, 10 September 2021.",
        "The union meets again on Monday.",
    ]
    reference = undated_reference(sentences)
    assert reference == date(2021, 9, 10)
    assert keys(sentences[2], reference) == ["date:2021-09-06"]


def test_a_text_naming_no_full_date_has_no_reference() -> None:
    assert undated_reference(["The union met on Friday.", "It met again in 2020."]) is None
