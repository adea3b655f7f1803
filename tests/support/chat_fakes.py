"""Fakes for the chat tests: the admin and user ids, and the feed-administration callables."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat.services import ChatServices
from bot.store import Database

ADMIN = 1001
USER = 2002


class FeedAdmin:
    """A fake of the feed-administration callables the lead wires in."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}
        self.stories: dict[str, int | None] = {}

    async def probe(self, url: str) -> str:
        if "broken" in url:
            raise ValueError("not a feed: <html> page without items")
        return f"Feed at {url}"

    async def add(self, url: str, name: str, story_id: int | None = None) -> bool:
        self.stories[url] = story_id
        if url in self.feeds:
            return False
        self.feeds[url] = name
        return True

    async def remove(self, target: str) -> str | None:
        for url, name in list(self.feeds.items()):
            if target in (url, name):
                del self.feeds[url]
                return name
        return None


def chat_services(db: Database, feeds: FeedAdmin) -> ChatServices:
    """What the commands may do, over a real database and the fake feed administration."""
    return ChatServices(
        db=db,
        admin_ids=frozenset(),
        probe_feed=feeds.probe,
        add_feed=feeds.add,
        remove_feed=feeds.remove,
        knowledge_size=lambda: 0,
        last_poll=lambda: None,
        started_at=datetime.now(UTC),
    )
