"""The file-reading edge of the assessment core: corpus texts and the topic file.

The core never opens files; this module turns `config/corpus/*.txt` and
`config/topic.toml` into the plain `Document`s and `Topic` it reads. A corpus
folder that does not exist, or a topic file the core cannot read, is the
operator's mistake: one `ConfigError` naming the setting, never a quiet
fallback that would make the bot watch something else.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.assess import Topic, parse_topic
from bot.domain import Document
from bot.errors import ConfigError

# A corpus file shorter than this is not an article: the shipped corpus runs
# 427-1,495 words and even a wire brief has a hundred; /tmp's stray notes have a handful.
MIN_ARTICLE_WORDS = 80
# A headline is one line; a first "line" longer than this is a paragraph or a data dump.
MAX_HEADLINE_CHARS = 300


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every .txt file of the folder, in name order; the first non-empty line is the title."""
    if not corpus_dir.is_dir():
        raise ConfigError(f"CORPUS_DIR {corpus_dir}: no such folder")
    return [_document(path) for path in sorted(corpus_dir.glob("*.txt"))]


def _document(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8", errors="replace")
    lines = raw.strip().splitlines()
    title = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip()
    return Document(key=f"corpus:{path.name}", title=title, text=body)


@dataclass(frozen=True, slots=True)
class CorpusSurvey:
    """What a corpus folder holds, for check-config to judge whether it is one."""

    articles: int
    not_articles: tuple[str, ...]
    other_files: int


def survey_corpus(corpus_dir: Path) -> CorpusSurvey:
    """Count the article-like .txt files, the other .txt files and everything else."""
    documents = load_corpus(corpus_dir)
    odd = tuple(d.key.removeprefix("corpus:") for d in documents if not looks_like_article(d))
    others = sum(1 for p in corpus_dir.iterdir() if p.suffix != ".txt" and not _hidden(p))
    return CorpusSurvey(len(documents) - len(odd), odd, others)


def looks_like_article(document: Document) -> bool:
    """A headline line, then a body of at least MIN_ARTICLE_WORDS words."""
    headline_ok = 0 < len(document.title) <= MAX_HEADLINE_CHARS
    return headline_ok and len(document.text.split()) >= MIN_ARTICLE_WORDS


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


def load_topic(path: Path | None) -> Topic:
    """The topic file, or an empty topic (derived from the corpus by the core) when absent."""
    if path is None or not path.is_file():
        return Topic(name="")
    try:
        with path.open("rb") as handle:
            return parse_topic(tomllib.load(handle))
    except OSError as exc:
        raise ConfigError(f"TOPIC_FILE {path}: cannot read it ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"TOPIC_FILE {path}: not valid TOML ({exc})") from None
    except ValueError as exc:  # the core names the key it rejects
        raise ConfigError(f"TOPIC_FILE {path}: {exc}") from None


def story_fingerprint(corpus_dir: Path, topic_file: Path | None) -> str:
    """A digest of everything the story's definition holds: its corpus texts and topic file."""
    digest = hashlib.sha256()
    for path in sorted(corpus_dir.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if topic_file is not None and topic_file.is_file():
        digest.update(b"topic\0" + topic_file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Story:
    """Where a replayed dataset's story comes from: its corpus folder and optional topic."""

    corpus_dir: Path
    topic_file: Path | None
    from_dataset: bool

    def describe(self) -> str:
        topic = f"topic file {self.topic_file}" if self.topic_file else "no topic file"
        if self.from_dataset:
            return f"story: the dataset's own corpus {self.corpus_dir} and {topic}"
        return f"story: the configured corpus {self.corpus_dir} and {topic}"


def story_for(dataset_dir: Path, corpus_dir: Path, topic_file: Path | None) -> Story:
    """A dataset folder with its own `corpus/` is its own story (with its `topic.toml` if any).

    The configured topic file describes the configured story; applied to another
    story's corpus it would judge every article against the wrong sides, so it
    is never carried over.
    """
    own = dataset_dir / "corpus"
    if own.is_dir():
        topic = dataset_dir / "topic.toml"
        return Story(own, topic if topic.is_file() else None, from_dataset=True)
    return Story(corpus_dir, topic_file, from_dataset=False)
