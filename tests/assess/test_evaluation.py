"""run_eval replays a small invented dataset and reports the agreed metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.evaluate import run_eval

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = {
    "precision",
    "recall",
    "f1",
    "duplicate_alerts",
    "irrelevant_alerts",
    "keyfact_coverage",
    "latency_ms_p50",
    "latency_ms_p99",
    "articles",
}


def test_run_eval_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_eval(FIXTURES, FIXTURES / "corpus", FIXTURES / "topic.toml", as_json=True)
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(report) >= KEYS
    assert [a["id"] for a in report["articles"]] == ["t01", "t02", "t03", "t04"]
    assert {"id", "alerted", "verdict"} <= set(report["articles"][0])
    assert [a["alerted"] for a in report["articles"]] == [True, False, False, False]
    assert report["articles"][1]["verdict"]["copy_of"] == "t01"
    assert (report["precision"], report["recall"], report["f1"]) == (1.0, 1.0, 1.0)
    assert report["duplicate_alerts"] == report["irrelevant_alerts"] == 0
    assert report["keyfact_coverage"] == 1.0


def test_run_eval_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_eval(FIXTURES, FIXTURES / "corpus", None, as_json=False) == 0
    out = capsys.readouterr().out
    assert "t01" in out
    assert "precision" in out
    assert "latency" in out


def test_run_eval_missing_dataset(tmp_path: Path) -> None:
    assert run_eval(tmp_path, FIXTURES / "corpus", None, as_json=True) == 2


def _dataset(tmp_path: Path, *, corpus: bool, topic: bool) -> Path:
    """A copy of the fixture stream, with or without its own corpus and topic file."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "stream.jsonl").write_text((FIXTURES / "stream.jsonl").read_text())
    if corpus:
        (folder / "corpus").mkdir()
        for text in (FIXTURES / "corpus").glob("*.txt"):
            (folder / "corpus" / text.name).write_text(text.read_text())
    if topic:
        (folder / "topic.toml").write_text((FIXTURES / "topic.toml").read_text())
    return folder


STORY_SOURCES = [
    pytest.param(True, True, "the dataset's own corpus", "topic.toml", id="own-corpus-and-topic"),
    pytest.param(True, False, "the dataset's own corpus", "no topic file", id="own-corpus-only"),
    pytest.param(False, False, "the configured corpus", "elsewhere.toml", id="configured-story"),
]


@pytest.mark.parametrize(("corpus", "topic", "source", "topic_text"), STORY_SOURCES)
def test_first_line_names_the_story_used(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    corpus: bool,
    topic: bool,
    source: str,
    topic_text: str,
) -> None:
    """A dataset's own corpus replaces the configured story, and never inherits its topic."""
    folder = _dataset(tmp_path, corpus=corpus, topic=topic)
    configured_topic = tmp_path / "elsewhere.toml"
    configured_topic.write_text('name = "another story"\n')
    assert run_eval(folder, FIXTURES / "corpus", configured_topic, as_json=False) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("story: ")
    assert source in first
    assert topic_text in first


def test_json_names_the_story_and_each_alerts_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _dataset(tmp_path, corpus=True, topic=True)
    assert run_eval(folder, tmp_path / "nowhere", None, as_json=True) == 0
    report = json.loads(capsys.readouterr().out)
    assert "dataset's own corpus" in report["story"]
    for article in report["articles"]:
        assert {"before", "before_key"} <= set(article)
        if article["before"]:
            assert article["before_key"]


def test_a_bad_topic_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _dataset(tmp_path, corpus=True, topic=False)
    (folder / "topic.toml").write_text('name = "x"\nactor = ["typo"]\n')
    assert run_eval(folder, FIXTURES / "corpus", None, as_json=False) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "'actor'" in err[0]
