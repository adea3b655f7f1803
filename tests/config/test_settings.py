"""Operators configure Talkwatch through environment variables; bad values are named clearly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config.settings import Settings, load_settings, mask_url_password
from bot.errors import ConfigError
from bot.store import to_async_url

ROOT = Path(__file__).resolve().parent.parent
SECRET_TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret42"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for alias in (f.alias for f in Settings.model_fields.values()):
        if alias:
            monkeypatch.delenv(alias, raising=False)
    return monkeypatch


def test_defaults_need_nothing_configured(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///data/talkwatch.db"
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


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {f.alias for f in Settings.model_fields.values()}
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
        cwd=ROOT,
        check=False,
    )


def test_check_config_prints_every_setting_with_the_token_masked(tmp_path: Path) -> None:
    result = _cli(
        "check-config",
        env={"TELEGRAM_BOT_TOKEN": SECRET_TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
    )
    assert result.returncode == 0, result.stderr
    for alias in (f.alias for f in Settings.model_fields.values()):
        assert alias is not None and re.search(rf"^{alias}\s", result.stdout, re.M), alias
    assert SECRET_TOKEN not in result.stdout + result.stderr
    assert "masked" in result.stdout


def test_invalid_setting_stops_with_one_clear_line() -> None:
    result = _cli("check-config", env={"POLL_INTERVAL_SECONDS": "-5"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "POLL_INTERVAL_SECONDS" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_missing_feeds_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _cli("check-config", env={"FEEDS_FILE": str(tmp_path / "nope.toml")})
    assert result.returncode == 2
    assert "nope.toml" in result.stderr
    assert "Traceback" not in result.stderr


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
