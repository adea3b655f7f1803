"""The story's files: corpus texts, topic file, and the fingerprint that names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.story_files import story_fingerprint


def _story(tmp_path: Path, texts: dict[str, str], topic: str | None) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    topic_file = tmp_path / "topic.toml"
    if topic is not None:
        topic_file.write_text(topic, encoding="utf-8")
    return corpus, topic_file


BASE = {"a.txt": "Headline\n\nBody one.", "b.txt": "Other\n\nBody two."}


@pytest.mark.parametrize(
    ("texts", "topic", "same"),
    [
        (BASE, None, True),
        ({**BASE, "a.txt": "Headline\n\nBody one, edited."}, None, False),
        ({**BASE, "c.txt": "Third\n\nBody three."}, None, False),
        (BASE, 'name = "x"\n', False),
    ],
    ids=["unchanged", "text-edited", "article-added", "topic-added"],
)
def test_the_fingerprint_changes_with_the_story(
    tmp_path: Path, texts: dict[str, str], topic: str | None, same: bool
) -> None:
    before = story_fingerprint(*_story(tmp_path / "one", BASE, None))
    after = story_fingerprint(*_story(tmp_path / "two", texts, topic))
    assert (before == after) is same
