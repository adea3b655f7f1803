"""Fakes for the chat tests: the admin and user ids, the feed-administration callables,
and a command bot of its own against the fake Bot API (one per simulated worker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.chat.frontend import Chat
from bot.chat.services import ChatServices
from bot.observe import quiet_request_logs
from bot.publish.channel import TelegramLink
from bot.publish.pacing import ChatSpacing
from bot.store import Database
from tests.support.fake_bot_api import TOKEN, FakeBotAPI

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


@asynccontextmanager
async def running_chat(
    api: FakeBotAPI, services: ChatServices, *, lead: bool = True
) -> AsyncIterator[Chat]:
    """A worker's command bot: its own link (Bot, budget) to the fake API, started, then
    stopped. Two of these on one fake API are two processes sharing a token."""
    quiet_request_logs()
    link = TelegramLink.open(TOKEN, api.base_url, rate=30.0, connections=4)
    await link.start()
    chat = Chat(link, services)
    chat.app.bot_data.spacing = ChatSpacing(private_gap=0.2)  # the fake allows 5/s per chat
    try:
        await chat.start(lead=lead)
        yield chat
    finally:
        await chat.stop()
        await link.close()
