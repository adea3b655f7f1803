"""The one place that calls Telegram's sendMessage and editMessageText.

`Publisher` is the seam: delivery talks to it and gets `PublishResult` values
back, never Telegram exceptions, so the retry policy in delivery.py reads as a
plain table of outcomes. `TelegramPublisher` wraps a PTB `Bot`;
`DryRunPublisher` prints the same text to stdout when no token is configured.
Error texts are scrubbed of the bot token before they leave this module.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol, TextIO

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.observe import RedactingFilter


class Outcome(StrEnum):
    SENT = "sent"  # delivered (or edited); message_id is set for sends
    NOT_MODIFIED = "not_modified"  # an edit found the message already showing this text
    RETRY_AFTER = "retry_after"  # 429: flood control; wait retry_after seconds
    TRANSIENT = "transient"  # 5xx, timeout, network: retry with backoff
    REJECTED = "rejected"  # 400: this request will never succeed as it is
    BLOCKED = "blocked"  # 403: the user blocked the bot or it left the chat
    MIGRATED = "migrated"  # the group became a supergroup: retry at migrate_to


@dataclass(frozen=True, slots=True)
class PublishResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    migrate_to: str | None = None
    error: str = ""


class Publisher(Protocol):
    """Sends and edits HTML messages; failures come back as values."""

    async def send(self, chat_id: str, text: str) -> PublishResult: ...

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult: ...


def telegram_chat_id(chat_id: str) -> int | str:
    """Numeric ids as ints (what the Bot API expects), @usernames as they are."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


class TelegramPublisher:
    """The Bot API behind the `Publisher` seam."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        protect_token(bot.token)
        opt_into_timedelta_periods()
        self._no_preview = LinkPreviewOptions(is_disabled=True)

    async def send(self, chat_id: str, text: str) -> PublishResult:
        try:
            message = await self._bot.send_message(
                chat_id=telegram_chat_id(chat_id),
                text=text,
                parse_mode=ParseMode.HTML,
                link_preview_options=self._no_preview,
            )
        except TelegramError as exc:
            return self._failure(exc)
        return PublishResult(Outcome.SENT, message_id=message.message_id)

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult:
        try:
            await self._bot.edit_message_text(
                text=text,
                chat_id=telegram_chat_id(chat_id),
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=self._no_preview,
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return PublishResult(Outcome.NOT_MODIFIED, message_id=message_id)
            return self._failure(exc)
        except TelegramError as exc:
            return self._failure(exc)
        return PublishResult(Outcome.SENT, message_id=message_id)

    def _failure(self, exc: TelegramError) -> PublishResult:
        error = self.scrub(f"{type(exc).__name__}: {exc.message}")
        if isinstance(exc, RetryAfter):
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return PublishResult(Outcome.RETRY_AFTER, retry_after=seconds, error=error)
        if isinstance(exc, ChatMigrated):
            return PublishResult(Outcome.MIGRATED, migrate_to=str(exc.new_chat_id), error=error)
        if isinstance(exc, Forbidden):
            return PublishResult(Outcome.BLOCKED, error=error)
        if isinstance(exc, BadRequest):  # a subclass of NetworkError: test it first
            return PublishResult(Outcome.REJECTED, error=error)
        if isinstance(exc, NetworkError):
            return PublishResult(Outcome.TRANSIENT, error=error)
        return PublishResult(Outcome.REJECTED, error=error)  # InvalidToken, Conflict, ...

    def scrub(self, text: str) -> str:
        """Remove the bot token from text bound for logs or the database."""
        token = self._bot.token
        return text.replace(token, "<token>") if token else text


def opt_into_timedelta_periods() -> None:
    """PTB 22.2+ warns on every 429 unless time periods are timedeltas; we handle both."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")


class DryRunPublisher:
    """No token: print what would have been sent, so a dry run shows real output."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out
        self._ids = itertools.count(1)

    def _print(self, header: str, text: str) -> None:
        out = self._out or sys.stdout
        out.write(f"{header}\n{text}\n\n")
        out.flush()

    async def send(self, chat_id: str, text: str) -> PublishResult:
        message_id = next(self._ids)
        self._print(f"--- dry run: message {message_id} to {chat_id} ---", text)
        return PublishResult(Outcome.SENT, message_id=message_id)

    async def edit(self, chat_id: str, message_id: int, text: str) -> PublishResult:
        self._print(f"--- dry run: edit of message {message_id} in {chat_id} ---", text)
        return PublishResult(Outcome.SENT, message_id=message_id)


def protect_token(token: str) -> None:
    """Keep the token out of logs: quiet httpx and scrub every record on the root handlers."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) and token in f.secrets for f in handler.filters):
            handler.addFilter(RedactingFilter([token]))
