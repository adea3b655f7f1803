"""An invented story for the assessment tests: Arvania's mediation with Tolland.

Nothing here comes from the dev set; the sentences are made up so that each
rule can be pinned with small, readable cases.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.assess import Assessor, Topic, parse_topic
from bot.domain import Assessment, Document

CORPUS_TEXTS = {
    "corpus:call.txt": (
        "Merrin and Vell speak for the first time since the border war",
        "Arvanian President Oda Merrin spoke by phone with Tollish President Kasimir Vell on "
        "Tuesday, their first conversation since the border war began.\n\n"
        "Merrin told Vell that Arvania would send a special envoy to Tolland to help start peace "
        "talks, the Arvanian foreign ministry said.\n\n"
        "The envoy will be Hana Sorel, a veteran diplomat, but the ministry gave no timetable "
        "for her trip to Brava.\n\n"
        "Vell said the call was long and meaningful and that Tolland would not give up any "
        "territory for a ceasefire.",
    ),
    "corpus:reactions.txt": (
        "Guarded welcome for the Merrin-Vell call",
        "Governments welcomed the call between Arvania and Tolland but doubted a quick "
        "breakthrough in the peace talks.\n\n"
        "Tollish officials said the envoy Hana Sorel would be welcome in Brava, while Arvania "
        "insisted it was neutral in the border war.\n\n"
        "Arvania published a nine-point position paper on the war last winter, which Tolland "
        "rejected as one-sided.",
    ),
}

TOPIC_DATA = {
    "name": "Arvania's mediation in the Tolland border war",
    "terms": ["envoy", "peace talks", "ceasefire", "mediation"],
    "actors": {
        "arvania": ["Arvania", "Arvanian", "Lunsk", "Oda Merrin", "Merrin", "Hana Sorel", "Sorel"],
        "tolland": ["Tolland", "Tollish", "Brava", "Kasimir Vell", "Vell"],
    },
}

WHEN = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)


def corpus_documents() -> list[Document]:
    return [Document(key=k, title=t, text=b) for k, (t, b) in CORPUS_TEXTS.items()]


def topic() -> Topic:
    return parse_topic(TOPIC_DATA)


def article(key: str, title: str, *paragraphs: str) -> Document:
    return Document(key=key, title=title, text="\n\n".join(paragraphs), published_at=WHEN)


def replay(assessor: Assessor, *docs: Document) -> list[Assessment]:
    """Assess and learn in stream order, as production does."""
    verdicts = []
    for doc in docs:
        verdict = assessor.assess(doc)
        assessor.learn(doc, verdict)
        verdicts.append(verdict)
    return verdicts
