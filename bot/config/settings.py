"""Settings, read once from the environment and validated at start-up.

The variable names are a contract with operators (README, .env.example) and
tests, so each field's alias is its environment variable. `load_settings`
turns a validation failure into `ConfigError` with one line per bad setting,
which the CLI prints before exiting non-zero.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config.defaults import (
    default_corpus_dir,
    default_database_url,
    default_feeds_file,
    default_topic_file,
)
from bot.errors import ConfigError

DEFAULT_TELEGRAM_API = "https://api.telegram.org/bot"
# The placeholder .env.example once shipped; a database guarded by it is not guarded.
EXAMPLE_PASSWORD = "change-me"  # noqa: S105 - a placeholder to refuse, not a secret


CHANNEL_FORM = "expected a numeric chat id (-100...) or an @username"


def is_channel(value: str) -> bool:
    """A Telegram chat as the Bot API takes it: an @username or a numeric id."""
    return (value.startswith("@") and len(value) > 1) or value.lstrip("-").isdigit()


class Settings(BaseSettings):
    """Every knob an operator can turn; see the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=True, extra="ignore", populate_by_name=True, frozen=True
    )

    database_url: str = Field(
        default_factory=default_database_url, alias="DATABASE_URL", min_length=1
    )
    feeds_file: Path = Field(default_factory=default_feeds_file, alias="FEEDS_FILE")
    corpus_dir: Path = Field(default_factory=default_corpus_dir, alias="CORPUS_DIR")
    topic_file: Path = Field(default_factory=default_topic_file, alias="TOPIC_FILE")
    # A folder of story folders (README "Stories"); unset, FEEDS_FILE, CORPUS_DIR, TOPIC_FILE
    # and TELEGRAM_CHANNEL describe the one story.
    stories_dir: Path | None = Field(None, alias="STORIES_DIR")
    # A feed's default interval (the feeds file's `interval_seconds` overrides it per feed).
    poll_interval_seconds: int = Field(300, alias="POLL_INTERVAL_SECONDS", ge=1)
    # How often the ticker looks for due feeds: a due feed waits at most this long.
    tick_seconds: int = Field(10, alias="TICK_SECONDS", ge=1, le=3600)
    # A feed's <ttl>, max-age or Expires may lengthen its interval up to this; 0 ignores them.
    feed_hint_max_seconds: int = Field(900, alias="FEED_HINT_MAX_SECONDS", ge=0)
    # Off: feeds, pages and redirects to loopback/private/link-local addresses are refused.
    fetch_allow_private: bool = Field(False, alias="FETCH_ALLOW_PRIVATE")
    fetch_concurrency: int = Field(16, alias="FETCH_CONCURRENCY", ge=1, le=256)
    fetch_timeout_seconds: float = Field(20.0, alias="FETCH_TIMEOUT_SECONDS", gt=0, le=300)
    max_feed_bytes: int = Field(10_000_000, alias="MAX_FEED_BYTES", ge=1024)

    telegram_bot_token: SecretStr | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(DEFAULT_TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    telegram_channel: str | None = Field(None, alias="TELEGRAM_CHANNEL")
    telegram_admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), alias="TELEGRAM_ADMIN_IDS"
    )

    log_format: Literal["text", "json"] = Field("text", alias="LOG_FORMAT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", alias="LOG_LEVEL")
    health_port: int = Field(8080, alias="HEALTH_PORT", ge=0, le=65535)
    # Loopback unless told otherwise: the endpoint is for probes, not the internet.
    health_host: str = Field("127.0.0.1", alias="HEALTH_HOST", min_length=1)

    @property
    def ticker_seconds(self) -> int:
        """The ticker's period: never longer than the shortest default feed interval."""
        return min(self.tick_seconds, self.poll_interval_seconds)

    @field_validator("telegram_bot_token", "telegram_channel", "stories_dir", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("expected comma-separated numeric Telegram user ids")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("telegram_channel")
    @classmethod
    def _channel_form(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if is_channel(value):
            return value
        raise ValueError(CHANNEL_FORM)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError("expected a sqlite:/// or postgresql:// URL")
        if url_password(value) == EXAMPLE_PASSWORD:
            raise ValueError(
                f"the password is {EXAMPLE_PASSWORD!r}, the example from .env.example;"
                " choose a real one (POSTGRES_PASSWORD in .env for compose)"
            )
        return value

    @property
    def dry_run(self) -> bool:
        """Without a token alerts are printed to stdout instead of sent."""
        return self.telegram_bot_token is None

    def describe(self) -> list[tuple[str, str]]:
        """(variable, value) pairs for check-config, secrets masked."""
        rows: list[tuple[str, str]] = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            rows.append((field.alias or name.upper(), _display(name, value)))
        return rows


def _display(name: str, value: Any) -> str:
    if isinstance(value, SecretStr):
        return mask_secret(value.get_secret_value())
    if name == "database_url":
        return mask_url_password(str(value))
    if isinstance(value, frozenset):
        return ",".join(str(v) for v in sorted(value)) or "(none)"
    return "(unset)" if value is None else str(value)


def mask_secret(secret: str) -> str:
    """Show only enough of a secret to tell two apart."""
    return "****" if len(secret) < 12 else f"{secret[:4]}…{secret[-2:]} (masked)"


def mask_url_password(url: str) -> str:
    """The URL with its password (if any) replaced by ****, fit for logs and errors."""
    parts = _credentials(url)
    if parts is None:
        return url
    scheme, user, _password, host = parts
    return f"{scheme}://{user}:****@{host}"


def url_password(url: str) -> str | None:
    """The password part of `scheme://user:password@host/...`, if there is one."""
    parts = _credentials(url)
    return parts[2] if parts else None


def _credentials(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, user, password, rest) of `scheme://user:password@rest`, else None."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in creds:
        return None
    user, password = creds.split(":", 1)
    return scheme, user, password, host


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once; raise ConfigError naming each bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    aliases = {name: f.alias or name for name, f in Settings.model_fields.items()}
    lines = []
    for error in exc.errors():
        loc = str(error["loc"][0]) if error["loc"] else "settings"
        variable = aliases.get(loc, loc)
        shown = _shown_input(variable, error.get("input"))
        lines.append(f"invalid setting {variable}: {error['msg']}{shown}")
    return "; ".join(lines)


def _shown_input(variable: str, value: Any) -> str:
    """The rejected value for the error line; never a secret, never a URL's password."""
    if variable == "TELEGRAM_BOT_TOKEN":
        return ""
    if variable == "DATABASE_URL" and isinstance(value, str):
        return f" (got {mask_url_password(value)!r})"
    return f" (got {value!r})"
