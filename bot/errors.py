"""The exception tree.

    TalkwatchError            anything Talkwatch raises on purpose
    ├── ConfigError           a setting or config file is invalid (the CLI exits 2)
    ├── StorageError          the database cannot be reached or migrated
    └── FetchError            one HTTP fetch failed (timeout, status, size cap, redirects)
        └── TooLarge          the body exceeded the configured cap

Expected per-feed failures are turned into values (FeedOutcome) at the ingest
edge; only the unexpected travels up as an exception.
"""

from __future__ import annotations


class TalkwatchError(Exception):
    """Base of every error Talkwatch raises deliberately."""


class ConfigError(TalkwatchError):
    """Invalid settings or configuration files; the message names the culprit."""


class StorageError(TalkwatchError):
    """The database is unreachable, or migrations could not be applied."""


class FetchError(TalkwatchError):
    """One HTTP fetch failed; the message says why in a form fit for `last_error`."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooLarge(FetchError):
    """The response body exceeded the size cap (checked while streaming)."""
