"""The file-reading edge of the assessment core: corpus texts and the topic file.

The core never opens files; this module turns `config/corpus/*.txt` and
`config/topic.toml` into the plain `Document`s and `Topic` it reads.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from bot.assess import Topic, parse_topic
from bot.domain import Document


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every .txt file of the folder, in name order; the first non-empty line is the title."""
    documents = []
    for path in sorted(corpus_dir.glob("*.txt")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        lines = raw.strip().splitlines()
        title = lines[0].strip() if lines else ""
        body = "\n".join(lines[1:]).strip()
        documents.append(
            Document(key=f"corpus:{path.name}", title=title, text=body, source="corpus")
        )
    return documents


def load_topic(path: Path | None) -> Topic:
    """The topic file, or an empty topic (derived from the corpus by the core) when absent."""
    if path is None or not path.is_file():
        return Topic(name="")
    with path.open("rb") as handle:
        return parse_topic(tomllib.load(handle))


def story_fingerprint(corpus_dir: Path, topic_file: Path | None) -> str:
    """A digest of everything the story's definition holds: its corpus texts and topic file."""
    digest = hashlib.sha256()
    for path in sorted(corpus_dir.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if topic_file is not None and topic_file.is_file():
        digest.update(b"topic\0" + topic_file.read_bytes())
    return digest.hexdigest()
