"""Builds the PTB `Application` for the slash commands (the lead starts it).

    app = build_application(token, base_url, services)   # nothing runs yet
    async with app: await app.start(); await app.updater.start_polling()

At start-up (`post_init`) the command list is registered with setMyCommands.
The token never reaches our logs: httpx's INFO request lines (which carry the
URL, token included) are silenced, and a log-record filter scrubs the token
from every message and traceback as a second line of defence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, CommandHandler, MessageHandler, filters

from bot.chat.answers import COMMANDS
from bot.chat.commands import HANDLERS, PUBLISHER_KEY, Context, answer, unknown
from bot.chat.services import SERVICES_KEY, ChatServices
from bot.publish.channel import TelegramPublisher, opt_into_timedelta_periods, protect_token

log = logging.getLogger(__name__)
Hook = Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]


def build_application(
    token: str,
    base_url: str,
    services: ChatServices,
    *,
    post_init: Hook | None = None,
    post_shutdown: Hook | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The command bot: handlers registered, services in bot_data, nothing started."""
    protect_token(token)
    opt_into_timedelta_periods()

    async def on_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await register_commands(app)
        if post_init is not None:
            await post_init(app)

    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
        .post_init(on_init)
    )
    if post_shutdown is not None:
        builder = builder.post_shutdown(post_shutdown)
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    app.bot_data[PUBLISHER_KEY] = TelegramPublisher(app.bot)
    for name, handler in HANDLERS.items():
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown))
    app.add_error_handler(on_error)
    return app


async def register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """setMyCommands with the public commands, so clients show them in the menu."""
    commands = [BotCommand(name, text[:256]) for name, text, admin in COMMANDS if not admin]
    await app.bot.set_my_commands(commands)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell the user something went wrong; never re-raise."""
    log.error("command failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update):
        await answer(update, context, "Sorry, something went wrong. Please try again later.")
