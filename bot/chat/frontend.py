"""Starts and stops the Telegram side of `talkwatch run`.

Two PTB objects, on purpose: the command `Application` (long polling,
handlers, its own rate limiter for answers) and a plain `Bot` for outbox
delivery, which paces itself, so two limiters never stack on one message.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.chat.application import build_application
from bot.chat.services import ChatServices
from bot.errors import ConfigError, TalkwatchError

log = logging.getLogger(__name__)


def build_delivery_bot(token: str, base_url: str, concurrency: int) -> Bot:
    """A plain Bot with a connection pool wide enough for the delivery's requests in flight."""
    request = HTTPXRequest(connection_pool_size=concurrency + 2, pool_timeout=10.0)
    return Bot(token, base_url=base_url, request=request)


class TelegramFrontend:
    """The command bot (long polling) plus the delivery bot, started and stopped together."""

    def __init__(
        self, token: str, base_url: str, services: ChatServices, delivery_bot: Bot
    ) -> None:
        self.app: Application[Any, Any, Any, Any, Any, Any] = build_application(
            token, base_url, services
        )
        self.delivery_bot = delivery_bot

    async def start(self) -> None:
        try:
            await self.delivery_bot.initialize()
            await self.app.initialize()
        except InvalidToken:
            raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram rejected this token") from None
        except NetworkError as exc:
            raise TalkwatchError(f"cannot reach the Telegram Bot API: {exc.message}") from None
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        updater = self.app.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=["message", "my_chat_member"])
        await self.app.start()
        log.info("telegram bot started", extra={"bot": self.app.bot.username})

    async def stop(self) -> None:
        updater = self.app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.delivery_bot.shutdown()


class SilentFrontend:
    """Dry-run: no bot to start; alerts go to stdout through the delivery."""

    async def start(self) -> None:
        log.info("no TELEGRAM_BOT_TOKEN: dry-run, alerts are printed to stdout")

    async def stop(self) -> None:
        return None
