"""How assessment time and memory grow with the knowledge base: 1k, 10k, 100k articles.

Generated wire-style articles (envoys meeting officials in capitals on dates,
with numbers and quotes) are learned as alerts, so every one of them enters
both the copy index and the sentence/fact index; then fresh articles, some of
them copies and re-reports, are assessed and timed. Peak memory is the
process's maximum resident set size after each size is built (sizes run in
increasing order, so the last figure is the peak at 100k).

Usage: python benchmarks/assess_scale.py [SIZES...]   (default 1000 10000 100000)

With `--stories N [SIZE]` (default 20 stories, 10000 articles each) it measures a
Talkwatch following N stories that share 1,000 feeds: N knowledge bases of SIZE
articles each, drawn from one pool of stored articles (stories polling the same feeds
learn the same articles; see `story_sources`), every fresh article assessed by every
story, timed per story-article pair and per article across all stories in CPU time
(`time.process_time`: assessing does no I/O, and CPU time is what other work on a
shared machine cannot inflate). Three layouts run side by side, each in a process of
its own so each peak RSS is its own: one story alone (the baseline), the N stories sharing one
feature pool (as `talkwatch run` keeps them: an article analysed once for the stories
that read it alike, its sentences, terms, names and hashes held once), and stories each
keeping its own copies and analysing everything itself (the layout before the pool):
UNSHARED_STORIES of them, their cost per story extrapolated to N, as each costs as
much as the first and N of them would take longer than the rest of the run.
"""

from __future__ import annotations

import multiprocessing
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.assess import Assessor, Topic
from bot.assess.pool import FeaturePool
from bot.domain import Assessment, Document

QUERIES = 300
_SYLLABLE_TEXT = "ka lo mi ra ve tan sor bel dun fi gra hol ith jun kel mar nov pes qui rud"
SYLLABLES = _SYLLABLE_TEXT.split()
VERBS = ["met", "held talks with", "received", "called", "visited", "wrote to"]
TOPICS = [
    "a ceasefire",
    "grain exports",
    "prisoner exchanges",
    "nuclear safety",
    "sanctions",
    "reconstruction funds",
    "energy supplies",
    "border security",
    "peace talks",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]


def _name(rng: random.Random, parts: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        for _ in range(parts)
    )


class Generator:
    """Articles about a fixed cast in a large, growing world of names and places."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = [_name(self.rng) for _ in range(5000)]
        self.places = [_name(self.rng, 1) for _ in range(2000)]

    def article(self, key: str) -> Document:
        rng = self.rng
        who, whom = rng.choice(self.people), rng.choice(self.people)
        place, topic = rng.choice(self.places), rng.choice(TOPICS)
        date = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
        sentences = [
            f"China's special envoy {who} {rng.choice(VERBS)} Ukraine's minister {whom} "
            f"in {place} on {date}, the foreign ministry said.",
            f"The two sides discussed {topic} and agreed to keep in contact, "
            f"according to a statement from Beijing.",
            f'{whom} told reporters that Kyiv wanted "{rng.choice(TOPICS)} first" and '
            f"that {rng.randint(2, 900)} officials had taken part.",
            f"Ukraine has said any settlement must restore its borders, while China says "
            f"it is neutral in the war and wants talks on {rng.choice(TOPICS)}.",
            f"{who} is due to travel to {rng.choice(self.places)} and "
            f"{rng.choice(self.places)} next, officials in {place} said.",
        ]
        rng.shuffle(sentences)
        return Document(
            key=key,
            title=f"Envoy {who} meets {whom} in {place}",
            text="\n\n".join(sentences),
            published_at=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=7),
        )


ALERT = Assessment(relevant=True, relevance=1.0, copy_of=None, novel=True, novelty=2.0)


BENCH_TOPIC = Topic(
    name="bench", actors=(("china", ("china", "beijing")), ("ukraine", ("ukraine", "kyiv")))
)


def build(size: int, generator: Generator) -> tuple[Assessor, list[Document], float]:
    corpus = [generator.article(f"corpus:{i}") for i in range(5)]
    assessor = Assessor(BENCH_TOPIC, corpus)
    learned: list[Document] = []
    started = time.perf_counter()
    for i in range(size):
        doc = generator.article(f"a{i}")
        assessor.learn(doc, ALERT)
        learned.append(doc)
    return assessor, learned, time.perf_counter() - started


def queries(generator: Generator, learned: list[Document]) -> list[Document]:
    """Fresh articles, with one in five a trimmed copy of a recently learned one."""
    docs = []
    for i in range(QUERIES):
        if i % 5 == 0:
            original = learned[-1 - generator.rng.randrange(min(len(learned), 500))]
            trimmed = "\n\n".join(original.text.split("\n\n")[1:])
            docs.append(Document(key=f"q{i}", title="Copy", text=trimmed))
        else:
            docs.append(generator.article(f"q{i}"))
    return docs


def measure(size: int) -> tuple[float, float, float]:
    generator = Generator(seed=size)
    assessor, learned, build_seconds = build(size, generator)
    timings = []
    for doc in queries(generator, learned):
        started = time.perf_counter()
        assessor.assess(doc)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"size={size:>7}  known sentences={assessor.size:>8}  build={build_seconds:6.1f}s  "
        f"p50={p50:6.2f} ms  p99={p99:6.2f} ms  peak_rss={peak_mb:7.1f} MB",
        flush=True,
    )
    return p50, p99, peak_mb


FEEDS = 1000
# Stories built without a shared pool, for the side-by-side figure: each costs as much
# as the first, so a few give the cost per story, and N of them are extrapolated from it.
UNSHARED_STORIES = 3
# Share of the feeds each story polls: stories overlap heavily but not completely.
FOLLOWED = 0.8


@dataclass(frozen=True)
class Layout:
    """One way of keeping N stories' knowledge, measured in a process of its own."""

    name: str
    stories: int
    shared: bool


@dataclass(frozen=True)
class Sources:
    """The pooled articles (feed, document) in publication order and who polls what."""

    pool: list[tuple[int, Document]]
    follows: list[set[int]]
    fresh: list[Document]


def story_sources(stories: int, size: int) -> Sources:
    """What each story learns, drawn from one pool of articles on FEEDS shared feeds.

    In the issue's scenario twenty stories poll the same 1,000 feeds, so they learn the
    same stored articles: every pooled article sits on one feed, each story polls a
    random FOLLOWED share of the feeds and learns the first SIZE articles of its feeds,
    in publication order (about 80 % of any two stories' articles are common). Each story
    keeps its own corpus. Also the fresh articles every story then assesses.
    """
    generator = Generator(seed=size)
    count = round(size / FOLLOWED * 1.1)
    pool = [(generator.rng.randrange(FEEDS), generator.article(f"a{i}")) for i in range(count)]
    follows = [
        set(random.Random(story).sample(range(FEEDS), round(FEEDS * FOLLOWED)))
        for story in range(stories)
    ]
    first = [doc for feed, doc in pool if feed in follows[0]][:size]
    return Sources(pool, follows, queries(generator, first))


def learn_all(assessors: list[Assessor], sources: Sources, size: int) -> None:
    """Each pooled article, as it is published, learned by every story polling its feed
    (until the story knows SIZE): the order a running Talkwatch learns them in."""
    learned = [0] * len(assessors)
    for feed, doc in sources.pool:
        for story, assessor in enumerate(assessors):
            if feed in sources.follows[story] and learned[story] < size:
                assessor.learn(doc, ALERT)
                learned[story] += 1


def measure_layout(layout: Layout, size: int) -> tuple[float, float, float]:
    """p99 ms per story-article pair, p99 ms per article across all stories, peak RSS MB."""
    sources = story_sources(layout.stories, size)
    pool = FeaturePool() if layout.shared else None
    assessors = [
        Assessor(
            BENCH_TOPIC,
            [Generator(seed=1000 + story).article(f"corpus:{i}") for i in range(5)],
            pool=pool,
        )
        for story in range(layout.stories)
    ]
    learn_all(assessors, sources, size)
    pairs: list[float] = []
    articles: list[float] = []
    for doc in sources.fresh:
        article_started = time.process_time()
        for assessor in assessors:
            started = time.process_time()
            assessor.assess(doc)
            pairs.append((time.process_time() - started) * 1000)
        articles.append((time.process_time() - article_started) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{layout.name:>9}: stories={layout.stories:>3}  size={size:>6} each  "
        f"p99 per pair={_p99(pairs):6.2f} ms  p99 per article (all stories)="
        f"{_p99(articles):7.2f} ms  peak_rss={peak_mb:7.1f} MB",
        flush=True,
    )
    return _p99(pairs), _p99(articles), peak_mb


def in_own_processes(layouts: list[Layout], size: int) -> list[tuple[float, float, float]]:
    """Measure each layout in a fresh child of its own, side by side, so each peak RSS is
    that layout's alone (timings are CPU time, which the others running does not inflate)."""
    with multiprocessing.get_context("fork").Pool(len(layouts)) as children:
        running = [children.apply_async(measure_layout, (layout, size)) for layout in layouts]
        return [result.get() for result in running]


def _p99(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main_stories(argv: list[str]) -> int:
    stories = int(argv[0]) if argv else 20
    size = int(argv[1]) if len(argv) > 1 else 10_000
    few = min(stories, UNSHARED_STORIES)
    one, shared, apart = in_own_processes(
        [
            Layout("one story", 1, shared=True),
            Layout("shared", stories, shared=True),
            Layout("unshared", few, shared=False),
        ],
        size,
    )
    per_story = (apart[2] - one[2]) / max(few - 1, 1)
    unshared_mb = one[2] + per_story * (stories - 1)
    print(
        f"RESULT stories={stories} size={size} pair_p99_ms={shared[0]:.2f}"
        f" (one story: {one[0]:.2f}) article_p99_ms={shared[1]:.2f}"
        f" peak_mb={shared[2]:.0f} (unshared: {unshared_mb:.0f} from {few} stories"
        f" at {per_story:.0f} MB each; one story: {one[2]:.0f})"
    )
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stories"]:
        return main_stories(argv[1:])
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    results = {size: measure(size) for size in sizes}
    largest = max(sizes)
    middle = sorted(sizes)[-2] if len(sizes) > 1 else largest
    growth = results[largest][1] / results[middle][1]
    print(
        f"RESULT p99_ms_100k={results[largest][1]:.2f} growth_10k_100k={growth:.2f} "
        f"peak_mb_100k={results[largest][2]:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
