"""Fact extraction: dates, numbers, named people and places, quotes, with spelling-free keys."""

from __future__ import annotations

import pytest

from bot.assess.analysis import analyse
from bot.assess.facts import FactKind, extract_facts
from bot.domain import Document


def kinds_and_text(sentence: str) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in extract_facts(sentence, {"the", "asked"})}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The envoy arrives on June 3.", {("date", "June 3")}, id="month-day"),
        pytest.param("The envoy arrives on 3 June.", {("date", "3 June")}, id="day-month"),
        pytest.param("Talks ran on May 16-17 in the capital.", {("date", "May 16-17")}, id="range"),
        pytest.param(
            "The talks were held on 2024-06-03 there.", {("date", "2024-06-03")}, id="iso"
        ),
        pytest.param("The envoy came in June for talks.", {("month", "June")}, id="month-only"),
    ],
)
def test_dates(sentence: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= kinds_and_text(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The envoy arrived on Friday and left yesterday.", id="weekday-yesterday"),
        pytest.param("The envoy arrived last week, officials said.", id="last-week"),
        pytest.param("Talks may resume soon, officials said.", id="may-verb"),
    ],
)
def test_relative_dates_are_not_facts(sentence: str) -> None:
    assert not [f for f in extract_facts(sentence) if f.kind in ("date", "month")]


def test_same_date_same_key_however_written() -> None:
    first = [f.key for f in extract_facts("It starts on June 3.") if f.kind == "date"]
    second = [f.key for f in extract_facts("It starts on 3 June.") if f.kind == "date"]
    assert first == second == ["date:06-03"]


@pytest.mark.parametrize(
    ("sentence", "kind", "text"),
    [
        pytest.param(
            "She met Foreign Minister Petra Lanik there.",
            "person",
            "Petra Lanik",
            id="capital-title",
        ),
        pytest.param(
            "said ministry spokesman Ivo Trask on Monday.",
            "person",
            "Ivo Trask",
            id="lowercase-title",
        ),
        pytest.param(
            "She was received by Ola Brenn, the state secretary, there.",
            "person",
            "Ola Brenn",
            id="apposition-title",
        ),
        pytest.param(
            "It was welcomed by UN Secretary-General Ana Reyes on Monday.",
            "person",
            "Ana Reyes",
            id="hyphenated-title",
        ),
        pytest.param(
            "Tollish Infrastructure Minister Jon Brakk visited the port.",
            "person",
            "Jon Brakk",
            id="portfolio-title",
        ),
        pytest.param(
            "The envoy flew on to Warsaw and Berlin.", "place", "Warsaw", id="capital-city"
        ),
        pytest.param(
            "Delegates of the Harbour Council met.", "entity", "Harbour Council", id="organisation"
        ),
        pytest.param(
            "Some 40 countries attended the talks.", "number", "40 countries", id="number"
        ),
        pytest.param(
            "Of the barges, 70 have sailed since 1990.", "number", "70 have", id="bare-number"
        ),
        pytest.param(
            'Sorel said there was "no quick fix" for the war.', "quote", "no quick fix", id="quote"
        ),
    ],
)
def test_named_facts(sentence: str, kind: str, text: str) -> None:
    assert (kind, text) in kinds_and_text(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The envoy met officials.", id="the-at-start"),
        pytest.param("Asked about the trip, officials declined to comment.", id="known-word"),
    ],
)
def test_sentence_initial_grammar_is_not_a_name(sentence: str) -> None:
    assert not [f for f in extract_facts(sentence, {"asked"}) if f.kind in ("entity", "word")]


@pytest.mark.parametrize(
    ("sentence", "context", "kind"),
    [
        pytest.param(
            '"We will go to Brava," foreign ministry spokesman Ivo Trask said.',
            "",
            "quote",
            id="official-statement",
        ),
        pytest.param(
            '"Arvania wants credit, not responsibility," said Lena Ostrova, an analyst at the '
            "Brava Institute.",
            "",
            "remark",
            id="analyst-opinion",
        ),
        pytest.param(
            '"The plan is a polite refusal."',
            '"We heard this before," said Ivo Berg, a professor in Lunsk.',
            "remark",
            id="opinion-running-on-after-its-attribution",
        ),
    ],
)
def test_quotes_weigh_by_who_speaks(sentence: str, context: str, kind: str) -> None:
    quotes = [f for f in extract_facts(sentence, context=context) if f.key.startswith("quote:")]
    assert [f.kind for f in quotes] == [kind]
    assert (quotes[0].weight > 0) is (kind == "quote")


def test_a_year_or_a_month_alone_weighs_less_than_a_day() -> None:
    facts = {
        f.kind: f for f in extract_facts("The envoy went in June 2024 and met Vell on June 3.")
    }
    assert facts["year"].weight < facts["date"].weight / 4
    assert facts["month"].weight < facts["date"].weight / 4


def test_number_followed_by_a_function_word_has_no_unit() -> None:
    facts = [
        f.key for f in extract_facts("In all, 70 this week sailed to Vell.") if f.kind == "number"
    ]
    assert facts == ["number:70"]


def test_lone_capitalised_first_word_is_not_a_name_unless_it_recurs() -> None:
    text = "Seafarers waited in Brava. Inspectors met Hana Sorel. Sorel met Inspectors again."
    facts = {f.text for s in analyse(Document("k", "t", text), set()).sentences for f in s.facts}
    assert "Seafarers" not in facts and "Inspectors" in facts


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Sorel, 70, has served since 1990.", id="apposition-after-name"),
        pytest.param(
            "Ms Anwen Tarr, 41, a ferry pilot, was on board.", id="apposition-after-title"
        ),
        pytest.param("Vell, who turned 64 this year, met the envoy.", id="turned"),
        pytest.param("The envoy, aged 58, flew in.", id="aged"),
        pytest.param("A 52-year-old captain steered the convoy.", id="year-old"),
    ],
)
def test_a_persons_age_is_biography_not_a_number(sentence: str) -> None:
    """An age stands beside a person ('Li, 70,', 'who turned 64'): it is never a figure of
    the story, and a rewrite adding the envoy's age adds no development."""
    assert [f for f in extract_facts(sentence) if f.kind is FactKind.NUMBER] == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("The ferry has 70, maybe 80, seats.", "number:70", id="list-not-age"),
        pytest.param("Talks on 70 barges began.", "number:70 barge", id="counted-thing"),
    ],
)
def test_numbers_beside_no_person_stay_numbers(sentence: str, expected: str) -> None:
    assert expected in [f.key for f in extract_facts(sentence) if f.kind is FactKind.NUMBER]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        pytest.param("He studied the former Soviet Union for years.", "entity", id="former-union"),
        pytest.param("She met former President Ana Vell.", "person", id="former-official"),
        pytest.param("Envoy Anwen Tarr flew in.", "person", id="titled-person"),
    ],
)
def test_a_title_before_a_states_formal_name_is_no_person(sentence: str, kind: str) -> None:
    kinds = {f.kind.value for f in extract_facts(sentence) if f.kind is not FactKind.MONTH}
    assert kind in kinds
    if kind != "person":
        assert "person" not in kinds
