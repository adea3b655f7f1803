"""Odd input yields a verdict with reasons, never an exception."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from bot.domain import Document
from tests.support.arvania import article, corpus_documents, topic

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
    pytest.param(
        Document(
            key="k",
            title="Arvania latest",
            text="By Staff | Updated: 3 Jun, 2024 10:20\n\n4,102 views\n\nAdvertisement\n\n"
            "Follow us on Telegram\n\n© 2024 Brava Daily. All rights reserved.",
        ),
        id="clutter-only",
    ),
    pytest.param(
        Document(
            key="v",
            title="Brava Daily",
            text="<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a>"
            "</li></ul></nav><footer><p>&copy; 2024 Brava Daily</p></footer></body></html>",
        ),
        id="all-navigation",
    ),
    pytest.param(
        Document(key="g", title="Sorel", text="Chіnа Аrvаniа Ѕorel Тolland " * 20), id="homoglyphs"
    ),
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


@pytest.mark.parametrize(
    "corpus",
    [
        pytest.param(corpus_documents()[:1], id="corpus-of-one"),
        pytest.param([], id="empty-corpus"),
        pytest.param(
            [Document(key="corpus:x", title="Cake", text="A recipe for lemon cake with icing.")],
            id="corpus-without-overlap",
        ),
    ],
)
def test_small_or_unrelated_corpus_still_gives_verdicts(corpus: list[Document]) -> None:
    assessor = Assessor(topic(), corpus)
    doc = article("s", "Sorel arrives in Brava", "Arvania's envoy Hana Sorel arrived in Brava.")
    verdict = assessor.assess(doc)
    assert verdict.reasons
    assessor.learn(doc, verdict)


CLUTTER = (
    "By Ilse Marten | Updated: 21 May, 2024 08:15 CET",
    "7,315 views",
    "ALSO READ: Striker Davor Kunst signs for 40 million euros on June 30",
    "Photo: Brava Daily/File | Queen Odile Serrat opens the new parliament wing.",
    "Advertisement",
    "Related\n• Harbour pilots strike for a third day\n• Lunsk mayor Pieter Oorn resigns",
    "Follow us on Telegram | Download the Brava Daily app",
    "This audio is created with AI assistance",
    "© 2024 Brava Daily. All rights reserved.",
)
CLUTTER_WORDS = ("Marten", "views", "Kunst", "Serrat", "Oorn", "Telegram", "audio", "Brava Daily")


def test_clutter_never_becomes_a_fact_reason_or_summary(assessor: Assessor) -> None:
    rehash = article(
        "r",
        "Arvania to send envoy Sorel to Tolland",
        CLUTTER[0],
        CLUTTER[1],
        "Arvania will send its envoy Hana Sorel to Tolland for peace talks, but no timetable "
        "has been set, the Arvanian foreign ministry said.",
        *CLUTTER[2:5],
        "Tolland has said it will not give up territory for a ceasefire.",
        *CLUTTER[5:],
    )
    verdict = assessor.assess(rehash)
    assert not verdict.is_alert
    shown = " ".join((*verdict.reasons, verdict.summary, *verdict.new_facts))
    assert not [w for w in CLUTTER_WORDS if w in shown]


def test_cluttered_development_alerts_without_clutter(assessor: Assessor) -> None:
    news = article(
        "d",
        "Sorel arrives in Brava for first talks",
        *CLUTTER[:3],
        "Arvania's envoy Hana Sorel arrived in Brava on Monday and met Tollish Foreign "
        "Minister Ilja Brandt for three hours, the Tollish foreign ministry said.",
        *CLUTTER[3:6],
        "Sorel will travel on to Lunsk on June 3, the ministry said.",
        *CLUTTER[6:],
    )
    verdict = assessor.assess(news)
    assert verdict.is_alert
    shown = " ".join((verdict.summary, *verdict.new_facts))
    assert "Brandt" in shown
    assert not [w for w in CLUTTER_WORDS if w in shown]
