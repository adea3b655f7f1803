"""Odd input yields a verdict with reasons, never an exception."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from bot.domain import Document

SOUP = "<html><head><style>p{}</style></head><body><div><p>" + "<span>x</span>" * 500 + "</div>"

CASES = [
    pytest.param(Document(key="e", title="", text=""), id="empty"),
    pytest.param(Document(key="w", title="   ", text=" \n\n \t "), id="whitespace"),
    pytest.param(
        Document(key="b", title="Big", text="Arvania met Tolland in Brava. " * 180_000), id="5mb"
    ),
    pytest.param(
        Document(
            key="c",
            title="Новости",
            text="Посланник Арвании прибыл в Браву. Переговоры продолжаются третий день.",
        ),
        id="non-english",
    ),
    pytest.param(
        Document(
            key="m",
            title="混合",
            text="Arvania 的特使 Hana Sorel 抵达 Brava。"
            "Tolland said talks with Arvania would go on.",
        ),
        id="mixed-language",
    ),
    pytest.param(Document(key="h", title="<b>x</b>", text=SOUP), id="html-soup"),
    pytest.param(
        Document(key="n", title="t", text="!!! ??? ... 123 456 --- ***"), id="no-sentences"
    ),
    pytest.param(Document(key="u", title="t", text="\x00\ufffd\u200b" * 50), id="control-chars"),
]


@pytest.mark.parametrize("doc", CASES)
def test_bad_input_gives_a_verdict(assessor: Assessor, doc: Document) -> None:
    verdict = assessor.assess(doc)
    assert verdict.reasons
    assert len(verdict.summary) <= 700
    assessor.learn(doc, verdict)
    verdict.to_dict()


def test_huge_article_is_truncated_with_a_reason(assessor: Assessor) -> None:
    doc = Document(key="b", title="Big", text="Arvania met Tolland in Brava today. " * 150_000)
    assert any("truncated" in reason for reason in assessor.assess(doc).reasons)
