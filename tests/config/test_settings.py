"""Operators configure Talkwatch through environment variables; bad values are named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.defaults import data_dir
from bot.config.settings import Settings, load_settings, mask_url_password
from bot.errors import ConfigError
from bot.store import to_async_url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for alias in (f.alias for f in Settings.model_fields.values()):
        if alias:
            monkeypatch.delenv(alias, raising=False)
    return monkeypatch


def test_defaults_need_nothing_configured(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path}/talkwatch/talkwatch.db"
    assert settings.poll_interval_seconds == 300
    assert settings.tick_seconds == 10
    assert settings.feeds_file.name == "feeds.toml" and settings.feeds_file.exists()
    assert settings.corpus_dir.is_dir()
    assert settings.dry_run


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("POLL_INTERVAL_SECONDS", "0", "greater than or equal to 1"),
        ("POLL_INTERVAL_SECONDS", "often", "valid integer"),
        ("TICK_SECONDS", "0", "greater than or equal to 1"),
        ("TELEGRAM_ADMIN_IDS", "12,alice", "numeric Telegram user ids"),
        ("TELEGRAM_CHANNEL", "my channel", "@username"),
        ("DATABASE_URL", "mysql://x@y/z", "postgresql://"),
        ("TELEGRAM_API_BASE_URL", "ftp://example", "http"),
        ("LOG_FORMAT", "xml", "text"),
    ],
    ids=[
        "interval-zero",
        "interval-word",
        "tick-zero",
        "admins-not-numbers",
        "channel-spaces",
        "unsupported-database",
        "api-not-http",
        "log-format",
    ],
)
def test_invalid_values_name_the_setting(
    clean_env: pytest.MonkeyPatch, variable: str, value: str, complaint: str
) -> None:
    clean_env.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert variable in str(caught.value)
    assert complaint in str(caught.value)


def test_admin_ids_are_comma_separated(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELEGRAM_ADMIN_IDS", " 11, 22 ,33")
    assert load_settings().telegram_admin_ids == frozenset({11, 22, 33})


@pytest.mark.parametrize(
    ("given", "driver_url"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_plain_database_urls_map_to_async_drivers(given: str, driver_url: str) -> None:
    assert to_async_url(given) == driver_url


def test_passwords_in_urls_are_masked() -> None:
    assert (
        mask_url_password("postgresql://tw:hunter2@db:5432/tw") == "postgresql://tw:****@db:5432/tw"
    )


@pytest.mark.parametrize(
    ("tick", "interval", "ticker"),
    [("10", "300", 10), ("10", "1", 1), ("60", "60", 60)],
    ids=["tick-shorter", "interval-shorter-wins", "equal"],
)
def test_the_ticker_never_waits_longer_than_the_default_interval(
    clean_env: pytest.MonkeyPatch, tick: str, interval: str, ticker: int
) -> None:
    clean_env.setenv("TICK_SECONDS", tick)
    clean_env.setenv("POLL_INTERVAL_SECONDS", interval)
    assert load_settings().ticker_seconds == ticker


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"XDG_DATA_HOME": "/srv/xdg"}, Path("/srv/xdg/talkwatch")),
        ({"XDG_DATA_HOME": "relative/xdg"}, Path.home() / ".local/share/talkwatch"),
        ({"XDG_DATA_HOME": ""}, Path.home() / ".local/share/talkwatch"),
        ({}, Path.home() / ".local/share/talkwatch"),
    ],
    ids=["xdg-set", "xdg-relative-is-ignored", "xdg-empty", "xdg-unset"],
)
def test_the_data_folder_does_not_depend_on_the_current_directory(
    environ: dict[str, str], expected: Path
) -> None:
    assert data_dir(environ) == expected


def test_the_default_database_is_the_same_from_any_folder(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    urls = set()
    for folder in (tmp_path / "a", tmp_path / "b"):
        folder.mkdir()
        clean_env.chdir(folder)
        urls.add(load_settings().database_url)
    assert urls == {f"sqlite:///{tmp_path}/xdg/talkwatch/talkwatch.db"}


def test_the_example_password_is_refused_and_not_echoed(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql://talkwatch:change-me@postgres:5432/talkwatch")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "DATABASE_URL" in message and ".env.example" in message
    assert "change-me@" not in message, "the rejected URL is shown with its password masked"


def test_a_rejected_database_url_never_shows_its_password(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "mysql://tw:hunter2@db/tw")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)
    assert "mysql://tw:****@db/tw" in str(caught.value)
