"""Topic file parsing and the topic derived from the corpus when the file is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assess import Topic, parse_topic
from bot.assess.topic import complete_topic
from bot.config.story import load_corpus, load_topic
from bot.domain import Document

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
        pytest.param(
            {"actors": {"a": "Arvania", "b": []}}, {"a": ("arvania",)}, (), id="string-and-empty"
        ),
        pytest.param({"actors": ["not", "a", "table"]}, {}, (), id="malformed"),
    ],
)
def test_parse_topic(
    data: dict[str, object], sides: dict[str, tuple[str, ...]], terms: tuple[str, ...]
) -> None:
    topic = parse_topic(data)
    assert topic.groups == sides
    assert topic.terms == terms


def test_topic_derived_from_corpus_uses_the_main_countries() -> None:
    corpus = [
        Document(
            "c1",
            "Call",
            "Chinese President Xi Jinping called Ukrainian President Volodymyr "
            "Zelensky. China and Ukraine agreed on peace talks. Beijing will send an envoy "
            "to Kyiv, officials in China said.",
        ),
        Document(
            "c2",
            "Envoy",
            "China's envoy will visit Ukraine. Xi Jinping told Volodymyr "
            "Zelensky that China wants peace talks with Ukraine.",
        ),
    ]
    topic = complete_topic(Topic(name=""), corpus)
    groups = topic.groups
    assert set(groups) == {"china", "ukraine"}
    assert "beijing" in groups["china"]
    assert "kyiv" in groups["ukraine"]
    assert "peace" in topic.terms


def test_load_corpus_and_topic_files() -> None:
    corpus = load_corpus(FIXTURES / "corpus")
    assert [d.key for d in corpus] == ["corpus:001_call.txt", "corpus:002_reactions.txt"]
    assert corpus[0].title.startswith("Merrin and Vell speak")
    assert "Hana Sorel" in corpus[0].text
    assert load_topic(FIXTURES / "topic.toml").groups["tolland"][0] == "tolland"
    assert load_topic(None) == Topic(name="")
    assert load_topic(FIXTURES / "missing.toml") == Topic(name="")
