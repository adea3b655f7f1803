"""Event memory and speakers: re-tellings join the alert they repeat; bystanders are colour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.assess import Assessor
from bot.assess.analysis import analyse
from bot.assess.facts import Fact, FactKind
from bot.assess.knowledge import KnowledgeIndex
from bot.assess.speakers import colour_positions
from bot.domain import Document
from tests.support.arvania import article, replay

MEETING = article(
    "m1",
    "Sorel meets Lanik in Brava",
    "Arvania's envoy Hana Sorel held talks in Brava on Tuesday with Tollish Foreign Minister "
    "Petra Lanik, the Tollish foreign ministry said.",
    "Lanik told Sorel that Tolland would not accept a ceasefire that cost it territory.",
)

LATER = [
    pytest.param(
        article(
            "r1",
            "Lanik tells Arvania's envoy Tolland will not trade land",
            "Tollish Foreign Minister Petra Lanik told Arvania's envoy Hana Sorel in Brava that "
            "Tolland would not accept a ceasefire that cost it territory, the ministry said.",
            "\u201cWe listened carefully to our guest,\u201d Lanik said after the talks.",
            "\u201cOur position has not changed and will not change,\u201d she said.",
        ),
        False,
        id="re-report-adding-readout-quotes",
    ),
    pytest.param(
        article(
            "r2",
            "Sorel and Lanik meet again, in Lunsk",
            "Arvania's envoy Hana Sorel and Tollish Foreign Minister Petra Lanik met again on "
            "June 20 in Lunsk, the Arvanian foreign ministry said, their second meeting.",
            "The ministry gave no details of the talks.",
        ),
        True,
        id="new-meeting-of-known-people",
    ),
    pytest.param(
        article(
            "r4",
            "Tolland receives Arvania's envoy",
            "Petra Lanik, Tolland's foreign minister, received Hana Sorel of Arvania for talks "
            "in Brava on Tuesday, according to Lanik's office.",
            "\u201cWe spoke frankly about the border,\u201d Lanik said afterwards.",
            "\u201cEvery road to peace passes through our villages,\u201d the minister added.",
        ),
        False,
        id="same-day-rewrite-in-other-words",
    ),
    pytest.param(
        article(
            "r3",
            "Brava talks leave traders unmoved",
            "Sorel's talks with Lanik in Brava changed little at the border markets, where "
            "prices of flour stayed high.",
            "\u201cWe have heard promises before,\u201d said Mira Osk, who runs a bakery in Lunsk.",
            "\u201cPromises do not bake bread.\u201d",
            "Another trader, who asked not to be named, said sales were down 40 percent.",
        ),
        False,
        id="colour-from-bystanders",
    ),
]


@pytest.mark.parametrize(("later", "novel"), LATER)
def test_event_memory(assessor: Assessor, later: Document, novel: bool) -> None:
    first, second = replay(assessor, MEETING, later)
    assert first.is_alert
    assert second.is_alert is novel, second.reasons
    if later.key == "r1":
        assert second.repeats == "m1"


def test_rewrite_giving_the_alerts_publication_day_as_a_date_is_not_news(
    assessor: Assessor,
) -> None:
    """A flash says "today"; a later rewrite dates the same development explicitly."""
    flash = Document(
        "f1",
        "FLASH: Arvania suspends the envoy's mission",
        "Arvania suspended Hana Sorel's mission to Tolland today, its foreign ministry "
        "spokesman Ivo Trask said in Brava.",
        published_at=datetime(2024, 6, 21, 9, 0, tzinfo=UTC),
    )
    rewrite = Document(
        "f2",
        "Arvania halts envoy's Brava mission",
        "Arvania on June 21 suspended the mission of its envoy Hana Sorel to Tolland, "
        "spokesman Ivo Trask said in Brava.",
        published_at=datetime(2024, 6, 21, 15, 0, tzinfo=UTC),
    )
    first, second = replay(assessor, flash, rewrite)
    assert first.is_alert
    assert not second.is_alert, second.reasons


SPEAKERS = [
    pytest.param(
        ["\u201cThe border stays shut,\u201d the foreign ministry spokesman said."],
        [],
        id="office-speaks",
    ),
    pytest.param(
        ["\u201cWe cannot sell anything,\u201d said one trader, who asked not to be named."],
        [0],
        id="anonymous-trader",
    ),
    pytest.param(
        [
            "\u201cWe waited all winter.",
            "Nothing came,\u201d said Ana Berg, who runs a mill near Lunsk.",
        ],
        [0, 1],
        id="running-quote-takes-its-attribution",
    ),
    pytest.param(
        [
            "Residents said the ferry had not come for a week.",
            "\u201cThe crossing reopens on Monday,\u201d the governor said.",
        ],
        [0],
        id="bystander-then-office",
    ),
]


SPEAKERS += [
    pytest.param(
        [
            "\u201cThe ferry is late again,\u201d said Ana Berg, manager of a bakery in Lunsk.",
            "\u201cBuyers in Brava and in Tolland pay on delivery.",
            "A ship from Arvania takes a week.",
            "It is one market.\u201d",
        ],
        [0, 1, 2, 3],
        id="long-running-quote-of-an-employee",
    ),
    pytest.param(
        [
            "\u201cWe wait,\u201d said Ivo, a freight agent who asked that his surname "
            "not be used.",
            "\u201cWe go where the contract says.\u201d",
        ],
        [0, 1],
        id="saying-verb-inside-a-quote-is-no-attribution",
    ),
    pytest.param(
        ["\u201cThe rain came late,\u201d said Mira Osk, who farms 300 hectares near Lunsk."],
        [0],
        id="who-farms",
    ),
    pytest.param(
        [
            "\u201cMarkets price the worst,\u201d said Tor Lind, who follows the grain market "
            "for a consultancy.",
        ],
        [0],
        id="market-watcher-at-a-consultancy",
    ),
    pytest.param(
        [
            "\u201cThe talks go on,\u201d said Petra Lanik, head of the Tollish delegation.",
            "\u201cWe meet again in June.",
            "Brava has said yes.\u201d",
        ],
        [],
        id="running-quote-of-an-official",
    ),
    pytest.param(
        [
            "\u201cWe will vote in June,\u201d said Ivo Renk, head of a parliamentary "
            "committee in Brava.",
        ],
        [],
        id="head-of-a-committee-is-an-office",
    ),
]


@pytest.mark.parametrize(("sentences", "colour"), SPEAKERS)
def test_colour_is_what_bystanders_say(sentences: list[str], colour: list[int]) -> None:
    analysis = analyse(Document("x", "t", "\n\n".join(sentences)), set())
    assert sorted(colour_positions(analysis.sentences)) == colour


SPANS = [
    pytest.param("date:2024-05-15..2024-05-26", True, id="both-ends-known"),
    pytest.param("date:2024-05-15..2024-05-30", False, id="one-end-new"),
    pytest.param("date:2024-05-15", True, id="single-known-day"),
]


@pytest.mark.parametrize(("key", "known"), SPANS)
def test_a_span_of_known_days_is_known(key: str, known: bool) -> None:
    index = KnowledgeIndex()
    days = [Fact(FactKind.DATE, f"date:2024-05-{d}", d) for d in ("15", "26")]
    index.add("a1", [("Li visited Kyiv on May 15 and Moscow on May 26.", ["li"])], days)
    assert index.knows(Fact(FactKind.DATE, key, key)) is known


FULLER_NAMES = [
    pytest.param("person:recep tayyip erdogan", True, id="extra-given-name"),
    pytest.param("person:tayyip erdogan", True, id="same-name"),
    pytest.param("person:tayyip kaya", False, id="other-surname"),
    pytest.param("person:ali erdogan", False, id="two-word-name-new-given-name"),
    pytest.param("person:recep ali erdogan", False, id="two-new-words"),
]


@pytest.mark.parametrize(("key", "known"), FULLER_NAMES)
def test_a_fuller_form_of_a_known_name_is_known(key: str, known: bool) -> None:
    index = KnowledgeIndex()
    erdogan = Fact(FactKind.PERSON, "person:tayyip erdogan", "Tayyip Erdogan")
    index.add("a1", [("President Tayyip Erdogan spoke.", ["erdogan"])], [erdogan])
    assert index.knows(Fact(FactKind.PERSON, key, key)) is known


MONTHS_OF_KNOWN_DAYS = [
    pytest.param("month:5", True, id="month-of-a-known-day"),
    pytest.param("month:6", False, id="month-no-known-day-falls-in"),
    pytest.param("month:7", True, id="month-of-a-span-start"),
]


@pytest.mark.parametrize(("key", "known"), MONTHS_OF_KNOWN_DAYS)
def test_a_month_holding_a_known_day_is_known(key: str, known: bool) -> None:
    """'Late April' says less than 'April 26': a rewrite dating a known call by its month
    adds nothing, while a month in which nothing was reported is still news."""
    index = KnowledgeIndex()
    days = [
        Fact(FactKind.DATE, "date:2024-05-15", "May 15"),
        Fact(FactKind.DATE, "date:2024-07-02..2024-07-04", "July 2-4"),
    ]
    index.add("a1", [("Li visited Kyiv on May 15.", ["li"])], days)
    assert index.knows(Fact(FactKind.MONTH, key, key)) is known


# A briefing on Thursday 23 May 2024 (reported that day), and follow-ups the next day whose
# lead names that briefing by what the alert brought (its day, its place), in other words.
BRIEFING = Document(
    "b1",
    "Sorel says her Brava mission opened a channel",
    "Arvania's envoy Hana Sorel told a briefing in Lunsk on Thursday that her mission to Brava "
    "had opened a channel between Arvania and Tolland, and that Arvania would stay neutral.",
    "\u201cWe came to listen, and we listened,\u201d Sorel said.",
    published_at=datetime(2024, 5, 23, 15, 0, tzinfo=UTC),
)
NEXT_DAY = datetime(2024, 5, 24, 8, 0, tzinfo=UTC)
FOLLOW_UPS = [
    pytest.param(
        (
            "Diplomats who filled the hall came away from Thursday's briefing in Lunsk with few "
            "specifics and many questions about timing.",
            "\u201cEvery week of the border war costs lives in Tolland and in Arvania,\u201d "
            "Sorel said.",
            "She said Arvania's talks with Tolland in Brava had been frank and long.",
            "\u201cArvania will keep listening to Tolland,\u201d she added.",
        ),
        False,
        id="further-quotes-of-the-same-speaker",
    ),
    pytest.param(
        (
            "Thursday's briefing in Lunsk drew a sharp reply from Tolland's parliament.",
            "Speaker Ilse Marrow said Tolland would hold a vote on any ceasefire terms.",
            "According to the Brava Ledger, Tollish generals had warned the cabinet against talks.",
            "Marrow said the vote would come before the summer recess.",
        ),
        True,
        id="statements-of-new-named-parties",
    ),
    pytest.param(
        (
            "Thursday's briefing in Lunsk was followed by a date: Sorel will return to Brava "
            "on June 12 for a second round of talks, the ministry said.",
            "\u201cWe are ready for a second round,\u201d Sorel said.",
        ),
        True,
        id="a-new-date-for-a-known-speaker",
    ),
]


@pytest.mark.parametrize(("paragraphs", "novel"), FOLLOW_UPS)
def test_a_follow_up_naming_a_recent_alerts_event_by_its_facts(
    assessor: Assessor, paragraphs: tuple[str, ...], novel: bool
) -> None:
    """Words said by the re-told event's participants are a re-report; a new party's
    statements or a new date still make news."""
    later = Document(
        "b2", "After the Lunsk briefing", "\n\n".join(paragraphs), published_at=NEXT_DAY
    )
    first, second = replay(assessor, BRIEFING, later)
    assert first.is_alert
    assert second.is_alert is novel, second.reasons
    if not novel:
        assert second.repeats == "b1"


def test_the_same_words_weeks_after_the_event_are_judged_on_their_own(
    assessor: Assessor,
) -> None:
    """Only a follow-up within days of the alert re-tells its event by its facts: weeks
    later, "Thursday's briefing" is another briefing, and what the speaker said there is
    a development of its own."""
    paragraphs = FOLLOW_UPS[0].values[0]
    weeks_later = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    later = Document("b3", "Sorel again", "\n\n".join(paragraphs), published_at=weeks_later)
    _, second = replay(assessor, BRIEFING, later)
    assert second.is_alert, second.reasons
