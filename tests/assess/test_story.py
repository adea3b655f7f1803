"""Relevance with no topic file: the story's vocabulary comes from the corpus alone.

An invented story whose news is mostly one party acting: the Varn river ferry
accord, which lets grain ferries cross between Arvania and Tolland.
"""

from __future__ import annotations

import pytest

from bot.assess import Assessor, Topic
from bot.assess.analysis import analyse
from bot.assess.story import NEWS_BACKGROUND, StoryVocabulary
from bot.domain import Document
from tests.support.arvania import article

FERRY_CORPUS = [
    Document(
        "corpus:signing.txt",
        "Arvania and Tolland sign Varn ferry accord",
        "Arvania and Tolland signed the ferry accord in Selmouth on Friday, reopening the "
        "ferry crossings on the Varn river to grain ferries.\n\n"
        "Under the ferry accord, inspectors from both sides will check every ferry at the "
        "Selmouth crossing before it sails.\n\n"
        "Officials said the first grain ferries could sail within weeks once the crossing "
        "is cleared of mines.",
    ),
    Document(
        "corpus:explainer.txt",
        "How the Varn ferry accord works",
        "The ferry accord sets up a joint inspection post at the Selmouth crossing.\n\n"
        "Each grain ferry is inspected twice, and ferries may only use the marked crossing "
        "lanes on the Varn river.\n\n"
        "The ferry accord runs for 120 days and can be renewed if neither side objects.",
    ),
    Document(
        "corpus:reactions.txt",
        "Traders welcome the ferry accord",
        "Grain traders in Selmouth welcomed the ferry accord, saying the river crossing "
        "would move grain stuck in silos since the spring.\n\n"
        "Tolland's farm minister said grain ferries were ready; Arvania said inspectors "
        "would treat every ferry the same.\n\n"
        "Insurers said they would cover ferries on the crossing once the accord was working.",
    ),
]

CASES = [
    pytest.param(
        "Arvania suspends its part in the Varn ferry accord",
        (
            "Arvania said on Saturday it was suspending its part in the ferry accord after "
            "an attack on its river patrol, halting grain ferries at the Selmouth crossing.",
            "Tolland called the move blackmail.",
        ),
        True,
        id="one-party-acts-on-the-accord",
    ),
    pytest.param(
        "First grain ferry crosses the Varn under the accord",
        ("The first grain ferry sailed from Selmouth on Monday, crossing under the accord.",),
        True,
        id="flash-of-a-shipment",
    ),
    pytest.param(
        "Arvania and Tolland swap prisoners",
        (
            "Arvania and Tolland exchanged 40 prisoners on Tuesday in a swap brokered by "
            "neighbours, officials said.",
            "The families of the men waited for hours at the border post.",
            "Talks on a wider exchange will continue, officials said.",
        ),
        False,
        id="same-countries-other-business",
    ),
    pytest.param(
        "Lunsk coal exports hit a record",
        (
            "Coal exports from Lunsk rose by a third this year as new mines opened.",
            "Traders said demand from the south kept prices high.",
            "The grain ferry accord on the Varn, signed last year, was not affected, "
            "one trader added.",
        ),
        False,
        id="story-only-as-background-late-in-the-text",
    ),
]


@pytest.fixture
def ferry_assessor() -> Assessor:
    return Assessor(Topic(name=""), FERRY_CORPUS)


@pytest.mark.parametrize(("title", "paragraphs", "relevant"), CASES)
def test_relevance_without_topic_file(
    ferry_assessor: Assessor, title: str, paragraphs: tuple[str, ...], relevant: bool
) -> None:
    verdict = ferry_assessor.assess(article("x", title, *paragraphs))
    assert verdict.relevant is relevant, verdict.reasons


def _vocabulary() -> StoryVocabulary:
    analyses = [analyse(Document(d.key, "", f"{d.title}\n\n{d.text}"), set()) for d in FERRY_CORPUS]
    return StoryVocabulary.derive(analyses)


VOCABULARY = [
    pytest.param("ferry", "subject", id="repeated-lowercase-word-is-subject"),
    pytest.param("grain", "subject", id="cargo-word-is-subject"),
    pytest.param("ferry accord", "phrase", id="shared-word-pair-is-phrase"),
    pytest.param("varn", "name", id="repeated-capitalised-word-is-name"),
    pytest.param("official", "none", id="news-background-never-counts"),
    pytest.param("insurer", "none", id="word-of-one-text-is-not-core"),
]


@pytest.mark.parametrize(("term", "role"), VOCABULARY)
def test_vocabulary_roles(term: str, role: str) -> None:
    vocabulary = _vocabulary()
    roles = {
        "subject": term in vocabulary.subject,
        "phrase": term in vocabulary.phrases,
        "name": term in vocabulary.names,
    }
    assert [r for r, present in roles.items() if present] == ([] if role == "none" else [role])


def test_background_is_news_prose_not_a_story() -> None:
    assert {"official", "week", "spokesman"} <= NEWS_BACKGROUND
    assert not {"grain", "ferry", "envoy", "ceasefire"} & NEWS_BACKGROUND


# A story carried by names: a leader, her country and a rival, with few subject words
# of its own (each text is about what Ilse Varga of Dornmark does next).
NAMES_CORPUS = [
    Document(
        f"corpus:varga{i}.txt",
        title,
        body,
    )
    for i, (title, body) in enumerate(
        [
            (
                "Varga wins Dornmark vote",
                "Ilse Varga won Dornmark's election on Sunday, beating Oskar Tamm.\n\n"
                "Varga, who led Dornmark's opposition for years, said Dornmark wanted change.\n\n"
                "Tamm conceded and said he would stay in politics.",
            ),
            (
                "Varga sworn in",
                "Ilse Varga was sworn in as Dornmark's leader on Friday.\n\n"
                "Varga promised Dornmark a new cabinet within a week; Tamm stayed away.",
            ),
            (
                "Varga names her team",
                "Dornmark's new leader Ilse Varga named her cabinet on Monday.\n\n"
                "Varga kept two of Tamm's people; Tamm called the choice clever.\n\n"
                "Dornmark's parliament will vote on the cabinet next week.",
            ),
            (
                "Tamm returns to parliament",
                "Oskar Tamm took his seat in Dornmark's parliament on Tuesday.\n\n"
                "Tamm said he would watch Varga closely; Varga welcomed him back.",
            ),
        ]
    )
]

NAMES_CASES = [
    pytest.param(
        "Varga visits Tamm's home town",
        ("Ilse Varga visited Tamm's home town of Selby on Thursday, Dornmark's radio said.",),
        True,
        id="names-story-lead-with-its-central-names",
    ),
    pytest.param(
        "Selby harbour reopens",
        (
            "Selby's harbour reopened on Thursday after a storm closed it for a week.",
            "Fishermen said the damage was smaller than feared.",
            "Dornmark's coastguard said the channel was clear.",
        ),
        False,
        id="same-country-other-subject",
    ),
]


@pytest.mark.parametrize(("title", "paragraphs", "relevant"), NAMES_CASES)
def test_relevance_of_a_story_carried_by_names(
    title: str, paragraphs: tuple[str, ...], relevant: bool
) -> None:
    assessor = Assessor(Topic(name=""), NAMES_CORPUS)
    verdict = assessor.assess(article("x", title, *paragraphs))
    assert verdict.relevant is relevant, verdict.reasons


def test_the_lead_bar_is_learned_from_each_corpus() -> None:
    """A name-carried story asks less of a lead than a story with a rich subject vocabulary."""
    names = Assessor(Topic(name=""), NAMES_CORPUS)._profile.lead_bar
    ferry = Assessor(Topic(name=""), FERRY_CORPUS)._profile.lead_bar
    assert names < ferry
    assert names >= 2.0
