"""The slash commands: parse arguments, ask the store, answer with a rendered text.

`COMMANDS` is the one table of them (name, usage, handler, admin): the
application registers it, /help and the client menu show it, and the admin
check is applied from it. Handlers are thin and defensive: arguments are
validated and length-capped, every echo of user text is escaped, and answers
go out through `answer` (bot/chat/replies.py), paced by the token's budget
behind alerts and by the chat's gap, so nothing a user types can crash the
bot, run as markup, or crowd out alerts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlsplit

from telegram import Update

from bot.chat import answers
from bot.chat.choosing import Chosen, named_story, stories_text, story_usage
from bot.chat.replies import Context, Handler, answer
from bot.publish.render import esc, shorten
from bot.store import queries, search, state, subscriptions
from bot.store.story_table import DEFAULT_STORY_ID

MAX_LATEST = 20
DEFAULT_LATEST = 5
MAX_QUERY_CHARS = 200
_COUNT = re.compile(r"[0-9]{1,6}")
ADDFEED_USAGE = "Usage: /addfeed [story] &lt;url&gt; (an http:// or https:// feed URL)"


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
    is_admin = context.services.is_admin(user.id if user else None)
    shown = [(c.name, c.usage) for c in COMMANDS if is_admin or not c.admin]
    await answer(update, context, answers.help_text(shown))


async def _choose(update: Update, context: Context, command: str, rest: str) -> Chosen | None:
    """The story the command is about; None (after a usage line) when it must be named."""
    stories = context.services.stories
    chosen = named_story(stories, _args(context))
    if chosen is None:
        await answer(update, context, story_usage(command, rest, stories))
    return chosen


async def stories_command(update: Update, context: Context) -> None:
    await answer(update, context, stories_text(context.services.stories))


async def subscribe(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == "channel":
        return
    chosen = await _choose(update, context, "subscribe", "[words]")
    if chosen is None:
        return
    words = subscriptions.normalise_keywords(" ".join(chosen.args)[:MAX_QUERY_CHARS].split())
    await subscriptions.subscribe(
        context.services.db,
        chat.id,
        chat_type=chat.type,
        keywords=words,
        story_id=chosen.story_id or DEFAULT_STORY_ID,
    )
    of = (
        f" of {esc(chosen.story.name)}"
        if chosen.story and len(context.services.stories) > 1
        else ""
    )
    if words:
        text = f"Subscribed to alerts{of} mentioning: " + esc(", ".join(words)) + "."
    else:
        text = f"Subscribed: every alert{of} will arrive here. /unsubscribe stops them."
    await answer(update, context, text)


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe STORY stops one story's alerts; /unsubscribe alone stops them all."""
    chat = update.effective_chat
    if chat is None:
        return
    args = _args(context)
    chosen = named_story(context.services.stories, args) if args else Chosen(None, [])
    if chosen is None or chosen.args:
        await answer(update, context, usage_of("unsubscribe"))
        return
    stopped = await subscriptions.unsubscribe(
        context.services.db, chat.id, story_id=chosen.story_id
    )
    await answer(update, context, "Unsubscribed." if stopped else "You were not subscribed.")


async def latest(update: Update, context: Context) -> None:
    chosen = await _choose(update, context, "latest", "[n]")
    if chosen is None:
        return
    n = parse_count(chosen.args, default=DEFAULT_LATEST, most=MAX_LATEST)
    if n is None:
        await answer(update, context, f"Usage: /latest [n], n from 1 to {MAX_LATEST}")
        return
    found = await queries.latest_developments(context.services.db, n, story_id=chosen.story_id)
    await answer(update, context, answers.latest_text(found))


async def search_command(update: Update, context: Context) -> None:
    chosen = await _choose(update, context, "search", "<words>")
    if chosen is None:
        return
    words = " ".join(chosen.args)[:MAX_QUERY_CHARS]
    if not search.search_terms(words):
        await answer(update, context, usage_of("search"))
        return
    hits = await search.search(context.services.db, words, story_id=chosen.story_id)
    await answer(update, context, answers.search_text(words, hits))


async def timeline(update: Update, context: Context) -> None:
    chosen = await _choose(update, context, "timeline", "")
    if chosen is None:
        return
    db = context.services.db
    found, total = await queries.timeline(db, limit=200, story_id=chosen.story_id)
    await answer(update, context, answers.timeline_text(found, total))


async def sources(update: Update, context: Context) -> None:
    chosen = await _choose(update, context, "sources", "")
    if chosen is None:
        return
    stats = await queries.outlet_stats(context.services.db, story_id=chosen.story_id)
    await answer(update, context, answers.sources_text(stats))


async def status(update: Update, context: Context) -> None:
    services, message = context.services, update.effective_message
    if message is None:
        return
    now = message.date  # when the user asked: what "today" and the uptime are about
    midnight = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    figures = await queries.status_figures(services.db, midnight)
    text = answers.status_text(
        figures,
        last_poll=services.last_poll(),
        knowledge=services.knowledge_size(),
        uptime=now - services.started_at,
        paused=await state.is_paused(services.db),
        workers=await services.workers() if services.workers else None,
    )
    await answer(update, context, text)


async def feeds(update: Update, context: Context) -> None:
    found = await queries.feed_views(context.services.db)
    await answer(update, context, answers.feeds_text(found))


async def addfeed(update: Update, context: Context) -> None:
    chosen = await _choose(update, context, "addfeed", "<url>")
    if chosen is None:
        return
    args = chosen.args
    url = args[0] if len(args) == 1 else ""
    parts = urlsplit(url) if len(url) <= 2048 else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        await answer(update, context, ADDFEED_USAGE)
        return
    services = context.services
    try:
        title = await services.probe_feed(url)
    except Exception as exc:  # any failure to fetch or parse is the user's answer, not a crash
        reason = esc(shorten(str(exc) or type(exc).__name__, 300))
        await answer(update, context, f"Not added: {reason}")
        return
    added = await services.add_feed(url, title or parts.hostname, chosen.story_id)
    shown = esc(shorten(title or url, 200))
    text = f"Added <b>{shown}</b>." if added else f"{shown} is already a feed."
    await answer(update, context, text)


async def removefeed(update: Update, context: Context) -> None:
    target = " ".join(_args(context)).strip()
    if not target or len(target) > 2048:
        await answer(update, context, usage_of("removefeed"))
        return
    removed = await context.services.remove_feed(target)
    text = f"Removed {esc(shorten(removed, 200))}." if removed else "No feed by that URL or name."
    await answer(update, context, text)


async def pause(update: Update, context: Context) -> None:
    await state.set_paused(context.services.db, True)
    await answer(update, context, "Paused. Alerts keep queueing; /resume sends them.")


async def resume(update: Update, context: Context) -> None:
    await state.set_paused(context.services.db, False)
    await answer(update, context, "Resumed: queued alerts are on their way.")


async def unknown(update: Update, context: Context) -> None:
    await answer(update, context, "I don't know that command. /help lists what I can do.")


@dataclass(frozen=True, slots=True)
class Command:
    """One slash command: what /help says (the part after ": " is its usage), who may run it."""

    name: str
    usage: str
    handler: Handler
    admin: bool = False


COMMANDS: tuple[Command, ...] = (
    Command("start", "what this bot does", start),
    Command("help", "all commands", help_command),
    Command("stories", "the stories followed here, by the name commands take", stories_command),
    Command(
        "subscribe",
        "alerts by direct message; add words to filter: /subscribe [story] Li Hui",
        subscribe,
    ),
    Command("unsubscribe", "stop alerts by direct message: /unsubscribe [story]", unsubscribe),
    Command("latest", "the latest developments: /latest [story] [n]", latest),
    Command("search", "search articles and developments: /search [story] <words>", search_command),
    Command(
        "timeline", "the developments in order, with dates and links: /timeline [story]", timeline
    ),
    Command("sources", "outlets seen, with article and alert counts: /sources [story]", sources),
    Command("status", "feeds, last poll, today's figures, uptime, workers", status),
    Command("feeds", "feeds and their state (admins)", feeds, admin=True),
    Command("addfeed", "add a feed: /addfeed [story] <url> (admins)", addfeed, admin=True),
    Command(
        "removefeed",
        "remove a feed: /removefeed <url or name> (admins)",
        removefeed,
        admin=True,
    ),
    Command("pause", "pause alert delivery; alerts keep queueing (admins)", pause, admin=True),
    Command("resume", "resume alert delivery (admins)", resume, admin=True),
)


def usage_of(name: str) -> str:
    """The "Usage: ..." answer for a command called wrongly."""
    for command in COMMANDS:
        if command.name == name:
            return f"Usage: {esc(command.usage.split(': ', 1)[-1])}"
    return "See /help."
