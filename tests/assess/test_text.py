"""Cleaning and sentence splitting: wire boilerplate out, sentences intact."""

from __future__ import annotations

import pytest

from bot.assess.text import clean_text, split_sentences, terms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "LUNSK, May 3 (Invented Wire) - Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="wire-dateline",
        ),
        pytest.param(
            "BRAVA - Sorel met Vell today.", ["Sorel met Vell today."], id="bare-dateline"
        ),
        pytest.param(
            "LUNSK, May 3,2021 - Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="dateline-glued-year",
        ),
        pytest.param(
            "LUNSK, 3 May, 2021 (Invented Wire) - Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="dateline-day-month-year",
        ),
        pytest.param(
            "LUNSK, 3. May 2021 - Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="dateline-dotted-day",
        ),
        pytest.param(
            "Lunsk, 3. May 2021 – Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="title-case-dateline-with-day",
        ),
        pytest.param(
            "Lunsk: Sorel met Vell today.\n\nBrava: no comment was made.",
            ["Sorel met Vell today.", "Brava: no comment was made."],
            id="colon-dateline-of-the-lead-only",
        ),
        pytest.param(
            "Talks open on 3. May 2021 in Brava. They end soon.",
            ["Talks open on 3. May 2021 in Brava.", "They end soon."],
            id="day-dot-before-month",
        ),
        pytest.param(
            "Vell - who met Sorel - spoke.", ["Vell - who met Sorel - spoke."], id="title-case-dash"
        ),
        pytest.param(
            "LUNSK, Arvania - Sorel met Vell today.",
            ["Sorel met Vell today."],
            id="dateline-city-country",
        ),
        pytest.param(
            'Quote: "We met today," Sorel said.',
            ['"We met today," Sorel said.'],
            id="quote-label",
        ),
        pytest.param(
            "By Anna Writer\n\nSorel met Vell today.", ["Sorel met Vell today."], id="byline"
        ),
        pytest.param(
            "Sorel met Vell today.\n\n(Reporting by A. Person; Editing by B. Other)",
            ["Sorel met Vell today."],
            id="reporting-line",
        ),
        pytest.param(
            "REFILE-adds byline\n\nSorel met Vell today.", ["Sorel met Vell today."], id="refile"
        ),
        pytest.param(
            "WHAT DID SOREL SAY?\n\nSorel met Vell today.",
            ["Sorel met Vell today."],
            id="caps-heading",
        ),
        pytest.param(
            "Mr. Vell met Dr. Sorel on Feb. 3 in Brava. They talked.",
            ["Mr. Vell met Dr. Sorel on Feb. 3 in Brava.", "They talked."],
            id="abbreviations",
        ),
        pytest.param("ok", [], id="no-sentence"),
    ],
)
def test_split_sentences(raw: str, expected: list[str]) -> None:
    assert split_sentences(clean_text(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "<p>Sorel&nbsp;met <b>Vell</b></p><script>x()</script>", "Sorel met Vell", id="html"
        ),
        pytest.param("a" * 300_000, "a" * 200_000, id="huge-truncated"),
        pytest.param("  spaced\r\n text  ", "spaced\n text", id="whitespace"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The envoys held talks", ["envoy", "held", "talk"], id="stopwords-plural"),
        pytest.param("Arvania's countries", ["arvania", "country"], id="possessive-ies"),
        pytest.param("a 12-point plan", ["12", "point", "plan"], id="hyphen"),
    ],
)
def test_terms(text: str, expected: list[str]) -> None:
    assert terms(text) == expected
