"""Topic file parsing: its schema, refused keys and types, and the files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assess import Topic, parse_topic
from bot.assess.topic import TopicError
from bot.config.story_files import load_corpus, load_topic

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("data", "sides", "terms"),
    [
        pytest.param(
            {
                "name": "x",
                "actors": {"a": ["Arvania"], "b": ["Tolland", "Brava"]},
                "terms": ["peace talks"],
            },
            {"a": ("arvania",), "b": ("tolland", "brava")},
            ("peace", "talk"),
            id="full",
        ),
        pytest.param({"name": "x"}, {}, (), id="name-only"),
        pytest.param({}, {}, (), id="empty-file"),
        pytest.param(
            {"actors": {"a": "Arvania", "b": []}}, {"a": ("arvania",)}, (), id="string-and-empty"
        ),
        pytest.param({"terms": "grain deal"}, {}, ("grain", "deal"), id="terms-as-one-string"),
    ],
)
def test_parse_topic(
    data: dict[str, object], sides: dict[str, tuple[str, ...]], terms: tuple[str, ...]
) -> None:
    topic = parse_topic(data)
    assert topic.groups == sides
    assert topic.terms == terms


REFUSED = [
    pytest.param({"nmae": "x"}, "nmae", id="misspelt-key"),
    pytest.param({"name": "x", "sides": {"a": ["A"]}}, "sides", id="unknown-table"),
    pytest.param({"name": 3}, "name", id="name-not-a-string"),
    pytest.param({"terms": [1, 2]}, "terms", id="terms-not-strings"),
    pytest.param({"actors": ["not", "a", "table"]}, "actors", id="actors-not-a-table"),
    pytest.param({"actors": {"a": [1]}}, "actors.a", id="alias-not-a-string"),
]


@pytest.mark.parametrize(("data", "key"), REFUSED)
def test_topic_schema_errors_name_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(TopicError) as caught:
        parse_topic(data)
    assert caught.value.key == key
    assert repr(key) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_load_corpus_and_topic_files() -> None:
    corpus = load_corpus(FIXTURES / "corpus")
    assert [d.key for d in corpus] == ["corpus:001_call.txt", "corpus:002_reactions.txt"]
    assert corpus[0].title.startswith("Merrin and Vell speak")
    assert "Hana Sorel" in corpus[0].text
    assert load_topic(FIXTURES / "topic.toml").groups["tolland"][0] == "tolland"
    assert load_topic(None) == Topic(name="")
    assert load_topic(FIXTURES / "missing.toml") == Topic(name="")
