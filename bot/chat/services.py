"""What the command handlers need, injected by the composition root.

Handlers read it as `context.services` (the typed context, bot/chat/context.py).
Feed administration is taken as callables so this package does not depend on
how the feed store is written; `build_chat` in bot/app.py wires them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store.db import Database
from bot.store.leases import WorkerInfo


@dataclass(frozen=True, slots=True)
class StoryChoice:
    """A story users can name in commands: its slug, its name and its id in the store."""

    slug: str
    name: str
    story_id: int


@dataclass(frozen=True)
class ChatServices:
    """Dependencies of the slash commands.

    - `probe_feed(url)` fetches and parses the URL as a feed and returns its title;
      it raises (any Exception, message shown escaped) when it is not a usable feed.
    - `add_feed(url, name, story_id)` stores an admin feed polled by the story (None: the
      default story); False when it was already there.
    - `remove_feed(url_or_name)` removes a feed; returns what it removed, or None.
    - `knowledge_size()` is the number of sentences the assessor knows (corpus and alerts).
    - `last_poll()` is when the poller last ran (None before the first poll).
    - `started_at` is when the process started (for the uptime in /status).
    - `stories` are the configured stories, the default first; empty means the one story.
    - `workers()` are the live workers sharing the database, for /status (e.g.
      `live_workers` of bot/store/leases.py); None lists none (one process alone).
    """

    db: Database
    admin_ids: frozenset[int]
    probe_feed: Callable[[str], Awaitable[str]]
    add_feed: Callable[[str, str, int | None], Awaitable[bool]]
    remove_feed: Callable[[str], Awaitable[str | None]]
    knowledge_size: Callable[[], int]
    last_poll: Callable[[], datetime | None]
    started_at: datetime
    stories: tuple[StoryChoice, ...] = ()
    workers: Callable[[], Awaitable[Sequence[WorkerInfo]]] | None = None

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids
