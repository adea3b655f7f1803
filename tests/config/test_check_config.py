"""`talkwatch check-config` refuses settings that parse but cannot work, one line each.

The command runs in-process through the real entry point (`bot.__main__.main`)
with only the given settings in the environment and the data folder
(XDG_DATA_HOME) inside the test's temporary folder; one case runs it as a
separate process, the way an operator does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config.settings import Settings
from tests.support.cli import talkwatch

SECRET_TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret42"
ARTICLE = "Envoy to visit Kyiv\n\n" + "The envoy will visit Kyiv next week, officials said. " * 20


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[..., Result]


@pytest.fixture
def check_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    """Run check-config with only the given settings, data kept in tmp_path."""
    for field in Settings.model_fields.values():
        monkeypatch.delenv(str(field.alias), raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)

    def run(**env: str) -> Result:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(["check-config"])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def _corpus(folder: Path, articles: int, notes: int = 0, others: int = 0) -> Path:
    folder.mkdir()
    for i in range(articles):
        (folder / f"article{i}.txt").write_text(ARTICLE)
    for i in range(notes):
        (folder / f"note{i}.txt").write_text("todo: buy milk\n")
    for i in range(others):
        (folder / f"file{i}.log").write_text("x")
    return folder


def test_prints_every_setting_masked_and_the_fixed_database(
    check_config: Runner, tmp_path: Path
) -> None:
    result = check_config(TELEGRAM_BOT_TOKEN=SECRET_TOKEN, TELEGRAM_CHANNEL="@news")
    assert result.returncode == 0, result.stderr
    for alias in (f.alias for f in Settings.model_fields.values()):
        assert alias is not None and re.search(rf"^{alias}\s", result.stdout, re.M), alias
    assert SECRET_TOKEN not in result.stdout + result.stderr
    assert "masked" in result.stdout
    database = tmp_path / "xdg" / "talkwatch" / "talkwatch.db"
    assert re.search(rf"^DATABASE_URL\s+sqlite:///{database}$", result.stdout, re.M)
    assert "database reachable" in result.stdout
    assert not (tmp_path / "data").exists(), "nothing is created in the current folder"


def test_an_invalid_setting_stops_with_one_clear_line(check_config: Runner) -> None:
    result = check_config(POLL_INTERVAL_SECONDS="-5")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "POLL_INTERVAL_SECONDS" in lines[0]
    assert "Traceback" not in result.stderr


def _settings_for(case: str, tmp_path: Path) -> dict[str, str]:
    """The environment of each refused case (some need files made in tmp_path)."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    bad_topic = tmp_path / "topic.toml"
    bad_topic.write_text('name = "x"\n[actors\n')
    return {
        "token-without-channel": {"TELEGRAM_BOT_TOKEN": SECRET_TOKEN},
        "database-unreachable": {"DATABASE_URL": "postgresql://tw:hunter2@127.0.0.1:1/tw"},
        "database-folder-impossible": {"DATABASE_URL": f"sqlite:///{blocked}/sub/tw.db"},
        "corpus-missing": {"CORPUS_DIR": str(tmp_path / "no-such-corpus")},
        "corpus-without-articles": {"CORPUS_DIR": str(_corpus(tmp_path / "notes", 0, notes=4))},
        "corpus-empty": {"CORPUS_DIR": str(_corpus(tmp_path / "empty", 0))},
        "topic-not-toml": {"TOPIC_FILE": str(bad_topic)},
        "feeds-missing": {"FEEDS_FILE": str(tmp_path / "nope.toml")},
    }[case]


@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("token-without-channel", "TELEGRAM_CHANNEL"),
        ("database-unreachable", "DATABASE_URL"),
        ("database-folder-impossible", "DATABASE_URL"),
        ("corpus-missing", "CORPUS_DIR"),
        ("corpus-without-articles", "CORPUS_DIR"),
        ("corpus-empty", "CORPUS_DIR"),
        ("topic-not-toml", "TOPIC_FILE"),
        ("feeds-missing", "FEEDS_FILE"),
    ],
)
def test_settings_that_cannot_work_fail_with_one_line_each(
    check_config: Runner, tmp_path: Path, case: str, named: str
) -> None:
    result = check_config(**_settings_for(case, tmp_path))
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("talkwatch: configuration error: ")
    assert named in lines[0]
    assert "hunter2" not in result.stdout + result.stderr
    assert "ok:" not in result.stdout


def test_every_problem_is_named_in_one_run(check_config: Runner, tmp_path: Path) -> None:
    result = check_config(
        TELEGRAM_BOT_TOKEN=SECRET_TOKEN, CORPUS_DIR=str(tmp_path / "no-such-corpus")
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize(
    ("layout", "warned"),
    [
        ((7, 0, 80), "is this the corpus folder?"),
        ((3, 2, 0), "2 .txt files are not articles"),
        ((1, 0, 0), "only 1 article"),
    ],
    ids=["like-tmp", "some-notes", "thin"],
)
def test_a_doubtful_corpus_warns(
    check_config: Runner, tmp_path: Path, layout: tuple[int, int, int], warned: str
) -> None:
    corpus = _corpus(tmp_path / "corpus", *layout)
    result = check_config(CORPUS_DIR=str(corpus))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("talkwatch: warning")
    ]
    assert warned in result.stderr
    assert re.search(rf"ok: \d+ feeds, {layout[0]} corpus articles", result.stdout)


def test_a_missing_topic_file_warns_that_the_topic_is_derived(
    check_config: Runner, tmp_path: Path
) -> None:
    result = check_config(TOPIC_FILE=str(tmp_path / "none.toml"))
    assert result.returncode == 0, result.stderr
    assert "TOPIC_FILE" in result.stderr and "derived from the corpus" in result.stderr


def test_a_good_corpus_passes_silently(check_config: Runner, tmp_path: Path) -> None:
    result = check_config(CORPUS_DIR=str(_corpus(tmp_path / "corpus", 5)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_in_a_real_process_the_token_never_shows(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path), "TELEGRAM_BOT_TOKEN": SECRET_TOKEN}
    result = talkwatch("check-config", env=env, cwd=tmp_path)
    assert result.returncode == 2, "a token without a channel cannot work"
    assert SECRET_TOKEN not in result.stdout + result.stderr
    assert re.search(r"^TELEGRAM_BOT_TOKEN\s+1234….*masked", result.stdout, re.M)
    assert result.stderr.count("\n") == 1 and "TELEGRAM_CHANNEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_story_folders_are_checked_one_line_each(check_config: Runner, tmp_path: Path) -> None:
    from tests.config.test_stories import STORY_TOML, story_folder

    root = tmp_path / "stories"
    story_folder(root, "harbour")
    quiet = story_folder(root, "quiet", STORY_TOML.replace('channel = "@harbour_watch"\n', ""))
    for text in (quiet / "corpus").iterdir():
        text.unlink()
    result = check_config(STORIES_DIR=str(root), TELEGRAM_BOT_TOKEN=SECRET_TOKEN)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "story quiet" in line]
    assert errors == [
        "talkwatch: configuration error: story quiet: no channel in its story.toml and"
        " TELEGRAM_CHANNEL is unset: its alerts would reach no channel",
        f"talkwatch: configuration error: story quiet: {quiet / 'corpus'} holds no articles",
    ]
    assert "story harbour" not in result.stderr
    (root / "harbour" / "story.toml").write_text('name = "H"\nchanel = "@x"\n', encoding="utf-8")
    broken = check_config(STORIES_DIR=str(root))
    assert broken.returncode == 2
    assert "harbour/story.toml: unknown key 'chanel'" in broken.stderr
