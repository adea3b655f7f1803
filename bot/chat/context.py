"""The typed context every command handler receives (PTB's `ContextTypes`).

`ChatState` is the application's `bot_data`: the services, the publisher, the
token's send budget, the flood gate and the bot's public id (for claiming
updates), set once by `build_application`.
Handlers read `context.services` instead of a string key plus an isinstance check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.ext import Application, CallbackContext, ContextTypes

from bot.chat.flood import FloodGate
from bot.chat.services import ChatServices
from bot.publish.channel import Publisher
from bot.publish.pacing import ChatSpacing, Pacer


@dataclass
class ChatState:
    """What the handlers share; PTB builds it empty, `build_application` fills it."""

    services: ChatServices | None = None
    publisher: Publisher | None = None
    budget: Pacer | None = None
    gate: FloodGate = field(default_factory=FloodGate)
    spacing: ChatSpacing = field(default_factory=ChatSpacing)
    bot_id: int = 0  # the number before the token's colon: public, unlike the token
    claims: int = 0  # updates this process has claimed (old claims are pruned every N)


class ChatContext(CallbackContext[Bot, dict[Any, Any], dict[Any, Any], ChatState]):
    """PTB's context, with the chat's parts as typed attributes."""

    @property
    def state(self) -> ChatState:
        return self.bot_data

    @property
    def services(self) -> ChatServices:
        services = self.bot_data.services
        if services is None:
            raise LookupError("build_application did not wire the chat services")
        return services


CONTEXT_TYPES = ContextTypes(context=ChatContext, bot_data=ChatState)
ChatApplication = Application[Bot, ChatContext, dict[Any, Any], dict[Any, Any], ChatState, Any]
