"""Starts and stops the chat role of `talkwatch run`: the command bot, long polling.

Several workers may share one token, and Telegram lets only one of them poll
for updates (a second poller gets 409 Conflicts, and both may take the same
update). So the application runs in every worker (its handlers, the commands
registered with setMyCommands), but only the worker holding the `updates` lease
polls: `lead()` starts long polling, `follow()` stops it, both idempotent, so
the heartbeat can call them on every beat. `start(lead=True)` (the default,
one process alone) starts polling at once, as before.

Stopping polling is bounded: during a Telegram outage PTB's polling loop sleeps
up to 30 s between failed getUpdates calls and only notices a stop after the
sleep, so the updater gets `UPDATER_STOP_SECONDS` and is then cancelled.
Nothing is lost by that: unconfirmed updates are fetched again by whoever polls
next, and the claims in bot/store/updates.py keep them from being answered twice.
A PTB Updater starts again after a stop (it keeps its offset), so a worker may
lead, follow and lead again.
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
ALLOWED_UPDATES = ["message", "my_chat_member"]


def _polling_failed(exc: TelegramError) -> None:
    """One line per failed long poll (PTB retries with backoff), not a traceback each."""
    log.warning("telegram polling failed; retrying", extra={"error": exc.message})


class Chat:
    """The command bot over the token's shared Bot; `start` after the link started."""

    def __init__(self, link: TelegramLink, services: ChatServices) -> None:
        self.app: ChatApplication = build_application(link, services)
        # lead/follow/stop may be called from the heartbeat and the shutdown at once.
        self._switching = asyncio.Lock()

    @property
    def polling(self) -> bool:
        """Whether this worker is the one long-polling the token's updates."""
        updater = self.app.updater
        return updater is not None and updater.running

    async def start(self, *, lead: bool = True) -> None:
        """Initialise the application, register the commands, run the handlers;
        poll for updates only with `lead` (the others `follow` until they lead)."""
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        if lead:
            await self.lead()
        await self.app.start()
        log.info("telegram bot started", extra={"bot": self.app.bot.username, "polling": lead})

    async def lead(self) -> None:
        """Start long polling unless already polling; ConfigError when the token is refused."""
        updater = self.app.updater
        if updater is None:
            raise RuntimeError("the command application has no updater")
        async with self._switching:
            if updater.running:
                return
            try:
                await updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed
                )
            except InvalidToken:
                raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram rejected this token") from None
        log.info("telegram polling started", extra={"bot": self.app.bot.username})

    async def follow(self) -> None:
        """Stop long polling within UPDATER_STOP_SECONDS if polling; never raises.

        Updates already taken are still answered: the handlers keep running.
        """
        async with self._switching:
            stopped = await self._stop_polling()
        if stopped:
            log.info("telegram polling stopped; another worker takes the updates")

    async def stop(self) -> None:
        """Stop polling within UPDATER_STOP_SECONDS, then the handlers; never raises."""
        async with self._switching:
            await self._stop_polling()
        if self.app.running:
            await self.app.stop()
        with contextlib.suppress(RuntimeError):
            await self.app.shutdown()

    async def _stop_polling(self) -> bool:
        """Whether polling was running (and is now stopped or abandoned)."""
        updater = self.app.updater
        if updater is None or not updater.running:
            return False
        try:
            await asyncio.wait_for(updater.stop(), UPDATER_STOP_SECONDS)
        except TimeoutError:
            log.warning("telegram polling did not stop in time; cancelled it")
        except TelegramError:
            pass  # polling had already died of it (a rejected token); reported elsewhere
        except RuntimeError:
            pass  # it stopped by itself meanwhile ("This Updater is not running!")
        return True
