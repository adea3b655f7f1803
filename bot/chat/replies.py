"""How a command handler speaks, and who gets through to the handlers at all.

`answer` is the one reply path: after the chat's gap, from the token's budget
behind alerts, through the `Publisher` (bot/publish/channel.py) whose
failures are values, with one short 429 waited out. `gatekeeper` runs before
every handler and silences a user over their flood budget (bot/chat/flood.py);
`admin_only` guards the admin commands, applied from the command table. Kept
apart from the commands so they read as what they do, not how they reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.chat.context import ChatContext
from bot.chat.flood import Admission
from bot.publish.channel import Outcome
from bot.publish.pacing import Priority

log = logging.getLogger(__name__)

# A 429 on a reply is waited out once if it is this short; else the answer is dropped.
MAX_REPLY_RETRY_SECONDS = 5.0
FLOOD_NOTICE = "You are sending commands faster than I can answer. I'll answer again in a minute."

Context = ChatContext
Handler = Callable[[Update, ChatContext], Coroutine[Any, Any, None]]


async def answer(update: Update, context: Context, text: str) -> None:
    """Reply in the chat that asked: after the chat's gap, from the budget behind alerts."""
    chat = update.effective_chat
    publisher = context.state.publisher
    if chat is None or publisher is None:
        return
    chat_id = str(chat.id)
    await asyncio.sleep(context.state.spacing.reserve(chat_id))
    budget = context.state.budget
    for _attempt in range(2):
        if budget is not None:
            await budget.wait(Priority.REPLY)
        result = await publisher.send(chat_id, text)
        wait = result.retry_after or 0.0
        if result.outcome is not Outcome.RETRY_AFTER or wait > MAX_REPLY_RETRY_SECONDS:
            break
        if budget is not None:
            budget.hold(wait)
    if result.outcome is not Outcome.SENT:
        log.warning("reply not sent", extra={"chat": chat_id, "error": result.error})


async def gatekeeper(update: Update, context: Context) -> None:
    """Runs before every handler: a user over their budget gets one notice, then silence."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or not (message.text or "").startswith("/"):
        return
    if context.services.is_admin(user.id):
        return
    admission = context.state.gate.admit(user.id)
    if admission is Admission.ANSWER:
        return
    if admission is Admission.NOTICE:
        log.warning("user sends commands too fast; answering again later", extra={"user": user.id})
        await answer(update, context, FLOOD_NOTICE)
    raise ApplicationHandlerStop


def admin_only(handler: Handler) -> Handler:
    """Refuse politely unless the user is one of TELEGRAM_ADMIN_IDS."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        user = update.effective_user
        if not context.services.is_admin(user.id if user else None):
            await answer(update, context, "Sorry, only the bot's admins can do that.")
            return
        await handler(update, context)

    return guarded
