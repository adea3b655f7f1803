"""Starts and stops the chat role of `talkwatch run`: the command bot, long polling.

Stopping is bounded: during a Telegram outage PTB's polling loop sleeps up
to 30 s between failed getUpdates calls and only notices a stop after the
sleep, so the updater gets `UPDATER_STOP_SECONDS` and is then cancelled.
Nothing is lost by that: unconfirmed updates are fetched again next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import InvalidToken, TelegramError

from bot.chat.application import build_application
from bot.chat.context import ChatApplication
from bot.chat.services import ChatServices
from bot.errors import ConfigError
from bot.publish.channel import TelegramLink

log = logging.getLogger(__name__)

UPDATER_STOP_SECONDS = 2.0


def _polling_failed(exc: TelegramError) -> None:
    """One line per failed long poll (PTB retries with backoff), not a traceback each."""
    log.warning("telegram polling failed; retrying", extra={"error": exc.message})


class Chat:
    """The command bot over the token's shared Bot; `start` after the link started."""

    def __init__(self, link: TelegramLink, services: ChatServices) -> None:
        self.app: ChatApplication = build_application(link, services)

    async def start(self, lead: bool = True) -> None:
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        if lead:
            await self.lead()
        await self.app.start()

    async def follow(self) -> None:
        updater = self.app.updater
        if updater is not None and updater.running:
            with contextlib.suppress(TimeoutError, TelegramError):
                await asyncio.wait_for(updater.stop(), UPDATER_STOP_SECONDS)

    async def lead(self) -> None:
        updater = self.app.updater
        if updater is None:
            raise RuntimeError("the command application has no updater")
        if updater.running:
            return
        try:
            await updater.start_polling(
                allowed_updates=["message", "my_chat_member"], error_callback=_polling_failed
            )
        except InvalidToken:
            raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram rejected this token") from None
        log.info("telegram bot started", extra={"bot": self.app.bot.username})

    async def stop(self) -> None:
        """Stop polling within UPDATER_STOP_SECONDS, then the handlers; never raises."""
        updater = self.app.updater
        if updater is not None and updater.running:
            try:
                await asyncio.wait_for(updater.stop(), UPDATER_STOP_SECONDS)
            except TimeoutError:
                log.warning("telegram polling did not stop in time; cancelled it")
            except TelegramError:
                pass  # polling had already died of it (a rejected token); reported elsewhere
        if self.app.running:
            await self.app.stop()
        with contextlib.suppress(RuntimeError):
            await self.app.shutdown()
