"""Stories sharing one feature pool keep an article's features once and decide as before."""

from __future__ import annotations

from bot.assess import Assessor
from bot.assess.pool import FeaturePool
from bot.assess.snapshot import export_knowledge, restore_knowledge
from bot.domain import Document
from tests.support.arvania import article, corpus_documents, replay, topic

STREAM = [
    article(
        "s1",
        "Arvania's envoy to visit Brava from June 3",
        "Arvania will send its special envoy Hana Sorel to Brava from June 3, the Arvanian "
        "foreign ministry said on Monday, setting the first date for the trip Merrin promised.",
        "Tolland has said it will not give up territory for a ceasefire.",
    ),
    article(
        "s2",
        "Sorel meets Tolland's foreign minister",
        "Arvania's envoy Hana Sorel held talks in Brava with Tollish Foreign Minister Petra "
        "Lanik, the Tollish foreign ministry said.",
        "Lanik told Sorel that Tolland would not accept a ceasefire that cost it territory.",
    ),
    article(
        "s3",
        "Envoy Sorel in Brava from June 3",
        "Arvania will send its special envoy Hana Sorel to Brava from June 3, the Arvanian "
        "foreign ministry said on Monday, setting the first date for the trip Merrin promised.",
    ),
    article(
        "s4",
        "Tolland and Arvania to swap 40 prisoners on June 9",
        "Tolland and Arvania will exchange 40 prisoners on June 9 at the Lunsk crossing, "
        "Tollish Foreign Minister Petra Lanik said after meeting Sorel.",
    ),
]
PROBE = article(
    "probe",
    "Sorel and Lanik to meet again in Lunsk on June 12",
    "Arvania's envoy Hana Sorel will meet Tollish Foreign Minister Petra Lanik again in Lunsk "
    "on June 12, the Arvanian foreign ministry said.",
)


def _story(pool: FeaturePool | None, stream: list[Document] = STREAM) -> Assessor:
    assessor = Assessor(topic(), corpus_documents(), pool=pool)
    replay(assessor, *stream)
    return assessor


def test_stories_sharing_a_pool_decide_exactly_as_stories_alone() -> None:
    pool = FeaturePool()
    shared = [Assessor(topic(), corpus_documents(), pool=pool) for _ in range(2)]
    alone = Assessor(topic(), corpus_documents())

    verdicts = [replay(assessor, *STREAM) for assessor in [*shared, alone]]

    assert verdicts[0] == verdicts[1] == verdicts[2]
    assert any(v.is_alert for v in verdicts[0])
    assert shared[0].assess(PROBE) == shared[1].assess(PROBE) == alone.assess(PROBE)


def test_a_second_story_learning_the_same_articles_adds_nothing_to_the_pool() -> None:
    pool = FeaturePool()
    _story(pool)
    held = len(pool)

    _story(pool)

    assert held > 0
    assert len(pool) == held


def test_assessing_adds_nothing_to_the_pool() -> None:
    pool = FeaturePool()
    assessor = _story(pool)
    held = len(pool)

    assessor.assess(PROBE)

    assert len(pool) == held


def test_a_snapshot_carries_one_story_not_the_pool_it_shares() -> None:
    pool = FeaturePool()
    ferry = "The Lunsk ferry to Brava resumed service on June 4 after 22 days."
    other = _story(pool, [article("ferry", "Lunsk ferry resumes", ferry)])
    story = _story(pool)

    assert ferry.encode() in export_knowledge(other)
    assert ferry.encode() not in export_knowledge(story)


def test_a_restored_story_shares_the_pool_and_decides_as_before() -> None:
    pool = FeaturePool()
    original = _story(pool)
    held = len(pool)
    restarted = Assessor(topic(), corpus_documents(), pool=pool)

    restore_knowledge(restarted, export_knowledge(original))

    assert restarted.pool is pool
    assert len(pool) == held
    assert restarted.size == original.size
    assert restarted.assess(PROBE) == original.assess(PROBE)
    restarted.learn(PROBE, restarted.assess(PROBE))
    assert len(pool) > held


FERRY_CORPUS = [
    Document(
        key="corpus:ferry.txt",
        title="Arvania and Tolland reopen the Lunsk ferry",
        text="Arvania and Tolland reopened the Lunsk ferry on Monday, the first link across the "
        "border since the war, Tollish officials said.\n\nArvania said the ferry would run twice "
        "a week and carry food and medicine to Brava.",
    )
]
MISSPELT = article(
    "misspelt",
    "Merrinn to meet Vell in Lunsk on June 20",
    "Arvanian President Oda Merrinn will meet Tollish President Kasimir Vell in Lunsk on June "
    "20, the Arvanian foreign ministry said.",
)


def test_an_article_read_alike_is_analysed_once_for_every_story() -> None:
    pool = FeaturePool()
    stories = [Assessor(topic(), corpus_documents(), pool=pool) for _ in range(3)]

    for story in stories:
        story.assess(PROBE)

    assert len(pool.analysed(PROBE)) == 1


def test_a_story_that_knows_other_names_reads_an_article_itself_and_decides_as_alone() -> None:
    pool = FeaturePool()
    shared = [Assessor(topic(), corpus, pool=pool) for corpus in (corpus_documents(), FERRY_CORPUS)]
    alone = [Assessor(topic(), corpus) for corpus in (corpus_documents(), FERRY_CORPUS)]

    verdicts = [story.assess(MISSPELT) for story in shared]

    assert len(pool.analysed(MISSPELT)) == 2, "the stories know different names: two readings"
    assert verdicts == [story.assess(MISSPELT) for story in alone]
    assert [replay(s, *STREAM) for s in shared] == [replay(s, *STREAM) for s in alone]
