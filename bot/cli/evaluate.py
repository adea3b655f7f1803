"""Replaying a labelled article stream through the real assessment: `talkwatch eval`.

The stream is replayed in order exactly as production would see it (assess,
then learn), so the knowledge base grows with each alert. Scores follow
../shared/devset/README.md: alerts against relevant-and-novel labels with
borderline items unscored, plus duplicate alerts, off-story alerts, key-fact
coverage of the summaries and per-article latency.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.assess import Assessor, Topic
from bot.config.stories import StoryConfig
from bot.config.story_files import load_corpus, load_topic, story_for
from bot.domain import Assessment, Document
from bot.errors import ConfigError
from bot.replay.stream import ArticleLabels, StreamArticle, load_stream


@dataclass(frozen=True, slots=True)
class Replayed:
    """One dataset article, its labels, the verdict and how long assessing it took."""

    article: StreamArticle
    verdict: Assessment
    millis: float

    @property
    def labels(self) -> ArticleLabels:
        return self.article.labels

    @property
    def positive(self) -> bool:
        return self.labels.relevant and self.labels.novel

    @property
    def scored(self) -> bool:
        return not self.labels.borderline


def run_eval(
    dataset_dir: Path,
    corpus_dir: Path,
    topic_file: Path | None,
    as_json: bool,
    configured: StoryConfig | None = None,
) -> int:
    """Replay `dataset_dir/stream.jsonl`, print table and metrics; 0 on success, 2 on bad input.

    `configured` (`--story SLUG`) judges the stream by that configured story instead of
    the dataset's own corpus or the single-story settings.
    """
    try:
        articles = load_stream(dataset_dir)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot read the dataset in {dataset_dir}: {exc}", file=sys.stderr)
        return 2
    try:
        topic, corpus, described = _story(dataset_dir, corpus_dir, topic_file, configured)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    assessor = Assessor(topic, load_corpus(corpus))
    replayed = [_replay_one(assessor, article) for article in articles]
    metrics = compute_metrics(replayed)
    if as_json:
        report = {"story": described, **metrics}
        report["articles"] = [_article_json(r) for r in replayed]
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(described)
        print(_table(replayed))
        print(_metrics_text(metrics))
    return 0


def _story(
    dataset_dir: Path, corpus_dir: Path, topic_file: Path | None, configured: StoryConfig | None
) -> tuple[Topic, Path, str]:
    """The topic and corpus folder the stream is judged by, and the line naming the story."""
    if configured is not None:
        described = f"story: the configured story {configured.slug} ({configured.corpus_dir})"
        return configured.topic, configured.corpus_dir, described
    story = story_for(dataset_dir, corpus_dir, topic_file)
    return load_topic(story.topic_file), story.corpus_dir, story.describe()


def _replay_one(assessor: Assessor, article: StreamArticle) -> Replayed:
    doc = _document(article)
    started = time.perf_counter()
    verdict = assessor.assess(doc)
    millis = (time.perf_counter() - started) * 1000
    assessor.learn(doc, verdict)
    return Replayed(article, verdict, millis)


def _document(article: StreamArticle) -> Document:
    return Document(
        key=article.id,
        title=article.title,
        text=article.body or article.summary,
        url=article.url_path,
        outlet=article.feed,  # a stream names its outlets by feed slug
        published_at=article.published,
    )


def compute_metrics(replayed: list[Replayed]) -> dict[str, Any]:
    """Precision/recall/F1 of alerts, duplicate and off-story alerts, key facts, latency."""
    scored = [r for r in replayed if r.scored]
    tp = sum(1 for r in scored if r.verdict.is_alert and r.positive)
    fp = sum(1 for r in scored if r.verdict.is_alert and not r.positive)
    fn = sum(1 for r in scored if not r.verdict.is_alert and r.positive)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    correct = [r for r in scored if r.verdict.is_alert and r.positive]
    covered = sum(1 for r in correct if _has_key_fact(r))
    latencies = sorted(r.millis for r in replayed)
    return {
        "articles_total": len(replayed),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "duplicate_alerts": sum(1 for r in scored if r.verdict.is_alert and r.labels.dup_of),
        "irrelevant_alerts": sum(1 for r in scored if r.verdict.is_alert and not r.labels.relevant),
        "keyfact_coverage": round(covered / len(correct), 4) if correct else 1.0,
        "latency_ms_p50": round(_percentile(latencies, 0.50), 3),
        "latency_ms_p99": round(_percentile(latencies, 0.99), 3),
    }


def _has_key_fact(replayed: Replayed) -> bool:
    summary = replayed.verdict.summary.lower()
    return any(fact.lower() in summary for fact in replayed.labels.key_facts)


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(share * (len(sorted_values) - 1))))
    return sorted_values[rank]


def _expected(replayed: Replayed) -> str:
    labels = replayed.labels
    if labels.dup_of:
        return f"copy of {labels.dup_of}"
    if not labels.relevant:
        return "off-story"
    return "NEW" if labels.novel else "known"


def _mark(replayed: Replayed) -> str:
    if not replayed.scored:
        return "borderline"
    if replayed.verdict.is_alert == replayed.positive:
        return "ok"
    return "MISSED" if replayed.positive else "FALSE ALERT"


def _article_json(replayed: Replayed) -> dict[str, Any]:
    return {
        "id": replayed.article.id,
        "alerted": replayed.verdict.is_alert,
        "expected": _expected(replayed),
        "result": _mark(replayed),
        "latency_ms": round(replayed.millis, 3),
        # What an alert shows as "Before:" and the document it came from, so it can be read.
        "before": replayed.verdict.before,
        "before_key": replayed.verdict.before_key,
        "verdict": replayed.verdict.to_dict(),
    }


def _table(replayed: list[Replayed]) -> str:
    rows = [f"{'id':<6}{'expected':<16}{'alert':<7}{'rel':>6}{'nov':>7}  {'result':<12}reasons"]
    for r in replayed:
        v = r.verdict
        rows.append(
            f"{r.article.id:<6}{_expected(r):<16}{'yes' if v.is_alert else '-':<7}"
            f"{v.relevance:>6.2f}{v.novelty:>7.2f}  {_mark(r):<12}{' | '.join(v.reasons)}"
        )
    return "\n".join(rows)


def _metrics_text(metrics: dict[str, Any]) -> str:
    return "\n".join(
        [
            "",
            f"precision {metrics['precision']:.3f}  recall {metrics['recall']:.3f}  "
            f"F1 {metrics['f1']:.3f}  (tp {metrics['true_positives']}, "
            f"fp {metrics['false_positives']}, fn {metrics['false_negatives']})",
            f"duplicate alerts {metrics['duplicate_alerts']}  "
            f"off-story alerts {metrics['irrelevant_alerts']}  "
            f"key-fact coverage {metrics['keyfact_coverage']:.0%}",
            f"latency per article: p50 {metrics['latency_ms_p50']:.1f} ms, "
            f"p99 {metrics['latency_ms_p99']:.1f} ms",
        ]
    )
