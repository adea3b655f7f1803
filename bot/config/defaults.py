"""Where the shipped defaults (feeds, corpus, topic, demo stream) live.

An installed wheel carries `config/` as `bot/_defaults` (force-included by
pyproject.toml), so defaults are found from any working directory and in the
container. A source checkout (editable install, tests) has no `_defaults`
folder and uses the repository's `config/` beside the package instead.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def config_dir() -> Path:
    """The folder holding the shipped feeds.toml, topic.toml and corpus/."""
    packaged = _PACKAGE_DIR / "_defaults"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "config"


def default_feeds_file() -> Path:
    return config_dir() / "feeds.toml"


def default_corpus_dir() -> Path:
    return config_dir() / "corpus"


def default_topic_file() -> Path:
    return config_dir() / "topic.toml"
