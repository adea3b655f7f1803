"""Where the shipped defaults (feeds, corpus, topic, demo stream) and the database live.

An installed wheel carries `config/` as `bot/_defaults` (force-included by
pyproject.toml), so defaults are found from any working directory and in the
container. A source checkout (editable install, tests) has no `_defaults`
folder and uses the repository's `config/` beside the package instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Talkwatch's data folder: `$XDG_DATA_HOME/talkwatch`, else `~/.local/share/talkwatch`.

    One fixed place, whatever the current directory, so `poll-once` and `run`
    started from different folders share one database (XDG Base Directory spec:
    a relative XDG_DATA_HOME is invalid and ignored).
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "talkwatch"


def default_database_url() -> str:
    """A SQLite file in the data folder; the container sets DATABASE_URL to /data instead."""
    return f"sqlite:///{data_dir() / 'talkwatch.db'}"
