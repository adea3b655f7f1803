"""Canonical mentions: spelling variants, look-alike letters, typos and glued words fold."""

from __future__ import annotations

import pytest

from bot.assess.facts import FactKind, extract_facts
from bot.assess.mentions import NameVocabulary, name_key, unglue


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Petrovsky", "Petrovskyy", id="y-yy-ending"),
        pytest.param("Petrovsky", "Petrovskiy", id="y-iy-ending"),
        pytest.param("Dniester", "Dnister", id="ie-vowel"),
        pytest.param("Mykolaiv", "Mikolaiv", id="y-i-vowel"),
        pytest.param("Ismail", "Ismayil", id="y-i-inside"),
        pytest.param("Marrakesh", "Marakesh", id="double-consonant"),
        pytest.param("Alexei", "Alexey", id="ei-ey"),
        pytest.param("Gökçe", "Gokce", id="accents"),
        pytest.param("Kılınç", "Kilinc", id="dotless-i"),
        pytest.param("Vаrna", "Varna", id="cyrillic-a"),
        pytest.param("Lіma", "Lima", id="cyrillic-i"),
        pytest.param("Anatοlia", "Anatolia", id="greek-omicron"),
    ],
)
def test_spelling_variants_share_a_key(first: str, second: str) -> None:
    assert name_key(first) == name_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Marta", "Maria", id="short-names"),
        pytest.param("Hansen", "Jansen", id="first-letter"),
        pytest.param("Petrov", "Petrova", id="gendered-form-is-not-folded-by-key"),
    ],
)
def test_different_names_keep_different_keys(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


@pytest.mark.parametrize(
    ("known", "written", "resolved"),
    [
        pytest.param("Halvorsen", "Halvorsem", "halvorsen", id="substitution"),
        pytest.param("Halvorsen", "Halvorson", "halvorsen", id="vowel-typo"),
        pytest.param("Halvorsen", "Halvrosen", "halvorsen", id="swap"),
        pytest.param("Halvorsen", "Halvorsenn", "halvorsen", id="doubled"),
        pytest.param("Halvorsen", "Galvorsen", "galvorsen", id="first-letter-differs"),
        pytest.param("Moren", "Morem", "morem", id="too-short"),
        pytest.param("Halvorsen", "Halverstad", "halverstad", id="two-edits"),
    ],
)
def test_light_typos_fold_onto_known_longer_names(known: str, written: str, resolved: str) -> None:
    vocabulary = NameVocabulary([name_key(known)])
    assert vocabulary.resolve(name_key(written)) == resolved


def test_typo_of_a_known_name_is_the_known_fact() -> None:
    vocabulary = NameVocabulary([name_key("Ingrid"), name_key("Halvorsen")])
    facts = extract_facts("Minister Ingrid Halvorsem arrived.", names=vocabulary)
    assert [f.key for f in facts if f.kind is FactKind.PERSON] == ["person:ingrid halvorsen"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Ostrander arrived. Later Ostrandersaid the port was open.",
            "Ostrander arrived. Later Ostrander said the port was open.",
            id="name-glued-to-said",
        ),
        pytest.param(
            "Ostrander spoke. Ostranderas well as others left.",
            "Ostrander spoke. Ostrander as well as others left.",
            id="name-glued-to-as",
        ),
        pytest.param(
            "The Harbour MinisterLena Ostrander spoke.",
            "The Harbour Minister Lena Ostrander spoke.",
            id="camel-case-join",
        ),
        pytest.param(
            "Boston and Bost met. Boston won.", "Boston and Bost met. Boston won.", id="real-word"
        ),
        pytest.param("McDonald met DeSantis.", "McDonald met DeSantis.", id="short-prefixes"),
    ],
)
def test_glued_words_are_split(text: str, expected: str) -> None:
    assert unglue(text) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("The deal covers 106 nations.", "The deal covers 106 countries.", id="unit"),
        pytest.param("It carried 1.5 million tonnes.", "It carried 1,500,000 tons.", id="scale"),
        pytest.param("Prices rose 4 percent.", "Prices rose 4%.", id="percent"),
    ],
)
def test_numbers_keyed_by_value_and_unit_class(first: str, second: str) -> None:
    def number_keys(sentence: str) -> list[str]:
        return [f.key for f in extract_facts(sentence) if f.kind is FactKind.NUMBER]

    assert number_keys(first) == number_keys(second) != []


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Talks between the People's Republic and Arvania resumed.", id="peoples"),
        pytest.param("The Federation said the talks resumed.", id="federation"),
    ],
)
def test_state_form_words_are_not_a_new_entity(sentence: str) -> None:
    kinds = {FactKind.ENTITY, FactKind.WORD}
    texts = [f.text for f in extract_facts(sentence, {"the"}) if f.kind in kinds]
    assert not any("Republic" in t or "Federation" in t for t in texts)


def test_year_followed_by_punctuation_is_not_a_number() -> None:
    facts = extract_facts("The port has been closed since 2019.")
    assert [f.kind for f in facts] == [FactKind.YEAR]
