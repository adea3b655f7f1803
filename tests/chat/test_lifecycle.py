"""The command bot starts and stops on the token's one Bot, and stopping is bounded."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.chat.frontend import UPDATER_STOP_SECONDS, Chat
from bot.publish.channel import TelegramLink
from bot.store import Database
from tests.support.chat_fakes import FeedAdmin, chat_services
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.waiting import wait_until


@pytest.fixture
async def link(fake_api: FakeBotAPI) -> AsyncIterator[TelegramLink]:
    link = TelegramLink.open(TOKEN, fake_api.base_url, rate=30.0, connections=4)
    await link.start()
    yield link
    await link.close()


@pytest.mark.slow
async def test_stop_is_bounded_while_getupdates_keeps_failing(
    fake_api: FakeBotAPI, link: TelegramLink, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    # PTB backs off 1, 1.5, 2.25, 3.4, 5.1 ... s between failed polls and notices a
    # stop only after the sleep: after the fifth 502 it sleeps about 5 s.
    fake_api.fail_next["getUpdates"] = [502] * 50
    chat = Chat(link, chat_services(sqlite_database, feed_admin))
    await chat.start()
    await wait_until(lambda: fake_api.count("getUpdates", 502) >= 5, within=20)
    started = time.monotonic()
    await chat.stop()
    assert time.monotonic() - started < UPDATER_STOP_SECONDS + 1.0


async def test_the_chat_and_the_link_share_one_bot(
    fake_api: FakeBotAPI, link: TelegramLink, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    chat = Chat(link, chat_services(sqlite_database, feed_admin))
    await chat.start()
    try:
        assert chat.app.bot is link.bot
        assert chat.app.bot_data.budget is link.budget
    finally:
        await chat.stop()
    assert fake_api.count("getMe") == 1  # one Bot, initialised once
