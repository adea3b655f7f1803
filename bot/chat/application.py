"""Builds the PTB `Application` for the slash commands (bot/chat/frontend.py starts it).

    app = build_application(link, services)   # nothing runs yet

It drives the token's one Bot (`TelegramLink`, shared with the delivery), so
replies and alerts draw from one send budget. Its handlers come from the one
command table (`COMMANDS`), with the admin check applied from the table. Two
handlers run before them all: first `claim_once`, which drops an update another
worker already took (bot/store/updates.py: a new leader is sent again what a
dead one took but never confirmed), then the flood gate. At start-up
(`post_init`) the public commands are registered with setMyCommands.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.chat.commands import COMMANDS, unknown
from bot.chat.context import CONTEXT_TYPES, ChatApplication
from bot.chat.replies import Context, admin_only, answer, gatekeeper
from bot.chat.services import ChatServices
from bot.errors import ConfigError
from bot.publish.channel import TelegramLink, TelegramPublisher
from bot.store.updates import claim_update, forget_updates_before

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for a day: an older claim guards nothing.
CLAIMS_KEPT = timedelta(days=1)
# Old claims are pruned at a process's first update and then every this many, so the
# table holds a day of updates plus at most this many stale rows per worker.
PRUNE_EVERY = 500
CLAIM_GROUP = -2  # before the flood gate (-1) and the commands (0)
GATE_GROUP = -1


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
    app.bot_data.bot_id = bot_id_of(link.bot.token)
    app.add_handler(TypeHandler(Update, claim_once), group=CLAIM_GROUP)
    app.add_handler(TypeHandler(Update, gatekeeper), group=GATE_GROUP)
    for command in COMMANDS:
        handler = admin_only(command.handler) if command.admin else command.handler
        app.add_handler(CommandHandler(command.name, handler))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown))
    app.add_error_handler(on_error)
    return app


def bot_id_of(token: str) -> int:
    """The bot's numeric id, the public part of its token before the colon."""
    number, colon, _secret = token.partition(":")
    if not colon or not number.isascii() or not number.isdigit():
        raise ConfigError("TELEGRAM_BOT_TOKEN: not a bot token (the bot's id, a colon, a secret)")
    return int(number)


async def claim_once(update: Update, context: Context) -> None:
    """Runs first: an update some worker already took is not handled again.

    If the claim cannot be written (the database is down) the update is handled
    anyway: answering twice in a rare takeover beats not answering at all.
    """
    state, db = context.state, context.services.db
    now = datetime.now(UTC)
    try:
        if state.claims % PRUNE_EVERY == 0:
            await forget_updates_before(db, now - CLAIMS_KEPT)
        state.claims += 1
        ours = await claim_update(db, state.bot_id, update.update_id, now)
    except Exception as exc:  # the store's failure must not silence the bot
        log.warning("cannot claim update; handling it anyway: %s", type(exc).__name__)
        return
    if not ours:
        log.info("update already taken by another worker", extra={"update": update.update_id})
        raise ApplicationHandlerStop


async def register_commands(app: ChatApplication) -> None:
    """setMyCommands with the public commands, so clients show them in the menu."""
    shown = [BotCommand(c.name, c.usage[:256]) for c in COMMANDS if not c.admin]
    await app.bot.set_my_commands(shown)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell the user something went wrong; never re-raise."""
    log.error("command failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update):
        await answer(update, context, "Sorry, something went wrong. Please try again later.")
