"""What parties said: quotes however long or split, "Quote:" blocks, and reported speech."""

from __future__ import annotations

import pytest

from bot.assess.facts import FactKind, extract_facts
from bot.assess.speech import utterances


def spoken(sentence: str, context: str = "") -> list[tuple[FactKind, str]]:
    facts = extract_facts(sentence, context=context)
    return [(f.kind, f.text) for f in facts if f.key.startswith(("quote:", "statement:"))]


@pytest.mark.parametrize(
    ("sentence", "kind", "text"),
    [
        pytest.param(
            "The port authority said the northern terminal would stay shut until the cranes "
            "were repaired.",
            FactKind.STATEMENT,
            "the northern terminal would stay shut until the cranes were repaired",
            id="x-said",
        ),
        pytest.param(
            "The northern terminal will stay shut until the cranes are repaired, the port "
            "authority said.",
            FactKind.STATEMENT,
            "The northern terminal will stay shut until the cranes are repaired",
            id="trailing-attribution",
        ),
        pytest.param(
            "According to the ministry, the northern terminal will reopen for grain carriers.",
            FactKind.STATEMENT,
            "the northern terminal will reopen for grain carriers",
            id="according-to",
        ),
        pytest.param(
            "Minister Olsen denied that the terminal had been sold to a foreign buyer without "
            "a tender.",
            FactKind.STATEMENT,
            "the terminal had been sold to a foreign buyer without a tender",
            id="denial",
        ),
        pytest.param(
            "An analyst at the Harbour Institute said the closure would cost the city jobs for "
            "years.",
            FactKind.REMARK,
            "the closure would cost the city jobs for years",
            id="analyst-speech-is-comment",
        ),
        pytest.param(
            "“We have waited for the ferry since dawn,” said Lena Holm, a resident of the island.",
            FactKind.REMARK,
            "We have waited for the ferry since dawn,",
            id="resident-quote-is-colour",
        ),
        pytest.param(
            "Quote: “We will reopen the terminal when it is safe,” the mayor said.",
            FactKind.QUOTE,
            "We will reopen the terminal when it is safe,",
            id="quote-block",
        ),
    ],
)
def test_what_was_said(sentence: str, kind: FactKind, text: str) -> None:
    assert spoken(sentence) == [(kind, text)]


def test_quote_over_two_hundred_characters_is_a_quote() -> None:
    words = "the terminal will reopen for every carrier that has waited through the winter " * 4
    facts = spoken(f"“{words.strip()},” the mayor said.")
    assert facts and facts[0][0] is FactKind.QUOTE and len(facts[0][1]) > 200


def test_quote_spanning_two_sentences_is_read_in_both() -> None:
    first = "“The terminal is safe again and will reopen on schedule."
    second = "Carriers that waited all winter will be loaded first,” the mayor said."
    assert [k for k, _ in spoken(first)] == [FactKind.QUOTE]
    assert spoken(second) == [
        (FactKind.QUOTE, "Carriers that waited all winter will be loaded first,")
    ]


def test_a_shorter_quoting_of_a_long_quote_is_contained_in_its_key() -> None:
    long_quote = (
        "“The terminal will reopen for every carrier that has waited through the winter and "
        "the city will pay the extra pilots and the night shifts,” she said."
    )
    short_quote = (
        "“The terminal will reopen for every carrier that has waited through the winter and "
        "the city will pay,” she said."
    )
    long_terms = utterances(long_quote)[0].key.split(":")[1].split()
    short_terms = utterances(short_quote)[0].key.split(":")[1].split()
    assert long_terms[: len(short_terms)] == short_terms


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("He said it.", id="too-short"),
        pytest.param(
            "Russia announced its return to the deal after guarantees from the other side.",
            id="verb-with-an-object",
        ),
        pytest.param("The ferry left the harbour on time despite the storm.", id="no-speech"),
    ],
)
def test_no_speech(sentence: str) -> None:
    assert spoken(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        pytest.param(
            "“It will not last,” said Ola Berg, a shipping analyst in Oslo.",
            "Ola Berg",
            id="analyst",
        ),
        pytest.param("Analyst Ola Berg expects delays.", "Ola Berg", id="analyst-before-name"),
        pytest.param(
            "“We waited,” said Lena Holm, a resident of the island.", "Lena Holm", id="resident"
        ),
    ],
)
def test_a_name_introduced_as_analyst_or_bystander_is_a_remark(sentence: str, name: str) -> None:
    kinds = {f.text: f.kind for f in extract_facts(sentence)}
    assert kinds[name] is FactKind.REMARK


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("It was signed by Kasimir Vell, the president, in Brava.", id="official"),
        pytest.param("Former President Ilse Moor met the envoy.", id="former-official"),
    ],
)
def test_a_party_named_with_a_title_is_not_a_remark(sentence: str) -> None:
    assert FactKind.REMARK not in {f.kind for f in extract_facts(sentence)}
