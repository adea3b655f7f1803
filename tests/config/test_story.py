"""The corpus and topic readers: a missing folder or unreadable topic is one named error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config.defaults import default_corpus_dir
from bot.config.story_files import load_corpus, load_topic, looks_like_article, survey_corpus
from bot.domain import Document
from bot.errors import ConfigError
from bot.replay import default_stream_dir

BODY = "The envoy will visit Kyiv next week, officials said on Monday. " * 10


def test_a_missing_corpus_folder_is_an_error_not_an_empty_corpus(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"CORPUS_DIR .*no-corpus: no such folder"):
        load_corpus(tmp_path / "no-corpus")


@pytest.mark.parametrize(
    ("title", "body", "article"),
    [
        ("Envoy to visit Kyiv", BODY, True),
        ("Envoy to visit Kyiv", "too short to be news", False),
        ("", BODY, False),
        ("x" * 301, BODY, False),
    ],
    ids=["article", "short-note", "no-headline", "headline-is-a-paragraph"],
)
def test_what_looks_like_an_article(title: str, body: str, article: bool) -> None:
    assert looks_like_article(Document(key="k", title=title, text=body)) is article


def test_the_shipped_corpus_is_all_articles() -> None:
    survey = survey_corpus(default_corpus_dir())
    assert survey.articles == 5
    assert survey.not_articles == ()
    assert survey.other_files == 0


def test_a_survey_counts_notes_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Headline\n\n{BODY}")
    (tmp_path / "b.txt").write_text("a note\n")
    (tmp_path / "c.json").write_text("{}")
    (tmp_path / ".hidden").write_text("")
    survey = survey_corpus(tmp_path)
    assert (survey.articles, survey.not_articles, survey.other_files) == (1, ("b.txt",), 1)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [(b'name = "x"\n[actors\n', "not valid TOML"), (b"\xff\xfe", "not valid TOML")],
    ids=["broken-table", "not-utf8"],
)
def test_an_unreadable_topic_file_names_the_setting(
    tmp_path: Path, content: bytes, complaint: str
) -> None:
    path = tmp_path / "topic.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_topic(path)
    assert str(caught.value).startswith(f"TOPIC_FILE {path}: {complaint}")


def test_eval_with_a_missing_corpus_stops_instead_of_scoring_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CORPUS_DIR", str(tmp_path / "typo"))
    assert main(["eval", str(default_stream_dir())]) == 2
    assert capsys.readouterr().err == (
        f"talkwatch: configuration error: CORPUS_DIR {tmp_path / 'typo'}: no such folder\n"
    )
