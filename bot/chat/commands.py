"""The slash commands: parse arguments, ask the store, answer with a rendered text.

Handlers are thin and defensive: arguments are validated and length-capped,
every echo of user text is escaped, and answers go out through the
`Publisher` (bot/publish/channel.py), whose failures are values, so nothing a
user types can crash the bot or run as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from datetime import datetime, time
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import ContextTypes

from bot.chat import answers
from bot.chat.services import SERVICES_KEY, ChatServices
from bot.publish.channel import Publisher
from bot.publish.render import esc, shorten
from bot.store import queries, search, state, subscriptions

PUBLISHER_KEY = "publisher"
MAX_LATEST = 20
DEFAULT_LATEST = 5
MAX_QUERY_CHARS = 200
_COUNT = re.compile(r"[0-9]{1,6}")
ADDFEED_USAGE = "Usage: /addfeed &lt;url&gt; (an http:// or https:// feed URL)"

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def services_of(context: Context) -> ChatServices:
    services = context.bot_data[SERVICES_KEY]
    assert isinstance(services, ChatServices)
    return services


async def answer(update: Update, context: Context, text: str) -> None:
    """Reply in the chat that asked (through the Publisher; failures are logged there)."""
    chat = update.effective_chat
    if chat is not None:
        publisher: Publisher = context.bot_data[PUBLISHER_KEY]
        await publisher.send(str(chat.id), text)


def admin_only(handler: Handler) -> Handler:
    """Refuse politely unless the user is one of TELEGRAM_ADMIN_IDS."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        user = update.effective_user
        if not services_of(context).is_admin(user.id if user else None):
            await answer(update, context, "Sorry, only the bot's admins can do that.")
            return
        await handler(update, context)

    return guarded


def parse_count(args: list[str], *, default: int, most: int) -> int | None:
    """The one optional count argument, 1..most in ASCII digits; None when it is anything else.

    `str.isdigit` accepts "²" and `int` refuses 5,000 digits, so neither is trusted.
    """
    if not args:
        return default
    if len(args) > 1 or not _COUNT.fullmatch(args[0]):
        return None
    n = int(args[0])
    return n if 1 <= n <= most else None


def _args(context: Context) -> list[str]:
    return list(context.args or [])


async def start(update: Update, context: Context) -> None:
    await answer(update, context, answers.start_text())


async def help_command(update: Update, context: Context) -> None:
    user = update.effective_user
    is_admin = services_of(context).is_admin(user.id if user else None)
    await answer(update, context, answers.help_text(is_admin))


async def subscribe(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == "channel":
        return
    words = subscriptions.normalise_keywords(" ".join(_args(context))[:MAX_QUERY_CHARS].split())
    db = services_of(context).db
    await subscriptions.subscribe(db, chat.id, chat_type=chat.type, keywords=words)
    if words:
        text = "Subscribed to alerts mentioning: " + esc(", ".join(words)) + "."
    else:
        text = "Subscribed: every alert will arrive here. /unsubscribe stops them."
    await answer(update, context, text)


async def unsubscribe(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    stopped = await subscriptions.unsubscribe(services_of(context).db, chat.id)
    await answer(update, context, "Unsubscribed." if stopped else "You were not subscribed.")


async def latest(update: Update, context: Context) -> None:
    n = parse_count(_args(context), default=DEFAULT_LATEST, most=MAX_LATEST)
    if n is None:
        await answer(update, context, f"Usage: /latest [n], n from 1 to {MAX_LATEST}")
        return
    found = await queries.latest_developments(services_of(context).db, n)
    await answer(update, context, answers.latest_text(found))


async def search_command(update: Update, context: Context) -> None:
    words = " ".join(_args(context))[:MAX_QUERY_CHARS]
    if not search.search_terms(words):
        await answer(update, context, answers.usage("search"))
        return
    hits = await search.search(services_of(context).db, words)
    await answer(update, context, answers.search_text(words, hits))


async def timeline(update: Update, context: Context) -> None:
    found, total = await queries.timeline(services_of(context).db, limit=200)
    await answer(update, context, answers.timeline_text(found, total))


async def sources(update: Update, context: Context) -> None:
    stats = await queries.outlet_stats(services_of(context).db)
    await answer(update, context, answers.sources_text(stats))


async def status(update: Update, context: Context) -> None:
    services = services_of(context)
    now = services.clock()
    midnight = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    figures = await queries.status_figures(services.db, midnight)
    text = answers.status_text(
        figures,
        last_poll=services.last_poll(),
        knowledge=services.knowledge_size(),
        uptime=now - services.started_at,
        paused=await state.is_paused(services.db),
    )
    await answer(update, context, text)


@admin_only
async def feeds(update: Update, context: Context) -> None:
    found = await queries.feed_views(services_of(context).db)
    await answer(update, context, answers.feeds_text(found))


@admin_only
async def addfeed(update: Update, context: Context) -> None:
    args = _args(context)
    url = args[0] if len(args) == 1 else ""
    parts = urlsplit(url) if len(url) <= 2048 else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        await answer(update, context, ADDFEED_USAGE)
        return
    services = services_of(context)
    try:
        title = await services.probe_feed(url)
    except Exception as exc:  # any failure to fetch or parse is the user's answer, not a crash
        reason = esc(shorten(str(exc) or type(exc).__name__, 300))
        await answer(update, context, f"Not added: {reason}")
        return
    added = await services.add_feed(url, title or parts.hostname)
    shown = esc(shorten(title or url, 200))
    text = f"Added <b>{shown}</b>." if added else f"{shown} is already a feed."
    await answer(update, context, text)


@admin_only
async def removefeed(update: Update, context: Context) -> None:
    target = " ".join(_args(context)).strip()
    if not target or len(target) > 2048:
        await answer(update, context, answers.usage("removefeed"))
        return
    removed = await services_of(context).remove_feed(target)
    text = f"Removed {esc(shorten(removed, 200))}." if removed else "No feed by that URL or name."
    await answer(update, context, text)


@admin_only
async def pause(update: Update, context: Context) -> None:
    await state.set_paused(services_of(context).db, True)
    await answer(update, context, "Paused. Alerts keep queueing; /resume sends them.")


@admin_only
async def resume(update: Update, context: Context) -> None:
    await state.set_paused(services_of(context).db, False)
    await answer(update, context, "Resumed: queued alerts are on their way.")


async def unknown(update: Update, context: Context) -> None:
    await answer(update, context, "I don't know that command. /help lists what I can do.")


HANDLERS: dict[str, Handler] = {
    "start": start,
    "help": help_command,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "latest": latest,
    "search": search_command,
    "timeline": timeline,
    "sources": sources,
    "status": status,
    "feeds": feeds,
    "addfeed": addfeed,
    "removefeed": removefeed,
    "pause": pause,
    "resume": resume,
}
