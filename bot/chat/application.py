"""Builds the PTB `Application` for the slash commands (bot/chat/frontend.py starts it).

    app = build_application(link, services)   # nothing runs yet

It drives the token's one Bot (`TelegramLink`, shared with the delivery), so
replies and alerts draw from one send budget. Its handlers come from the one
command table (`COMMANDS`), with the admin check applied from the table, and
a flood gate runs before them all. At start-up (`post_init`) the public
commands are registered with setMyCommands.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from bot.chat.commands import COMMANDS, unknown
from bot.chat.context import CONTEXT_TYPES, ChatApplication
from bot.chat.replies import Context, admin_only, answer, gatekeeper
from bot.chat.services import ChatServices
from bot.publish.channel import TelegramLink, TelegramPublisher

log = logging.getLogger(__name__)


def build_application(link: TelegramLink, services: ChatServices) -> ChatApplication:
    """The command bot: handlers registered, its state wired, nothing started."""
    app: ChatApplication = (
        Application.builder()
        .bot(link.bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(True)
        .post_init(register_commands)
        .build()
    )
    app.bot_data.services = services
    app.bot_data.publisher = TelegramPublisher(link.bot)
    app.bot_data.budget = link.budget
    app.bot_data.spacing = link.spacing
    app.add_handler(TypeHandler(Update, gatekeeper), group=-1)
    for command in COMMANDS:
        handler = admin_only(command.handler) if command.admin else command.handler
        app.add_handler(CommandHandler(command.name, handler))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown))
    app.add_error_handler(on_error)
    return app


async def register_commands(app: ChatApplication) -> None:
    """setMyCommands with the public commands, so clients show them in the menu."""
    shown = [BotCommand(c.name, c.usage[:256]) for c in COMMANDS if not c.admin]
    await app.bot.set_my_commands(shown)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell the user something went wrong; never re-raise."""
    log.error("command failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update):
        await answer(update, context, "Sorry, something went wrong. Please try again later.")
