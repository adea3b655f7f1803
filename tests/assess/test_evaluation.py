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
    assert report["articles"][1]["verdict"]["duplicate_of"] == "t01"
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
