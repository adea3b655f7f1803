"""Each update is answered once, whichever worker takes it: the real command application
of two workers (two Database engines on one database) against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Update

from bot.chat.application import PRUNE_EVERY, bot_id_of
from bot.chat.frontend import Chat
from bot.errors import ConfigError
from bot.store import Database
from bot.store.updates import claim_update
from tests.support.chat_fakes import USER, FeedAdmin, chat_services, running_chat
from tests.support.fake_bot_api import BOT_ID, TOKEN, FakeBotAPI
from tests.support.waiting import wait_until


@pytest.fixture
async def second_engine(database: Database, database_url: str) -> AsyncIterator[Database]:
    """Another process's engine on the same database."""
    other = Database(database_url)
    yield other
    await other.dispose()


def feed(chat: Chat, update: dict[str, Any]) -> None:
    """Hand the update to the worker as its poller would."""
    chat.app.update_queue.put_nowait(Update.de_json(update, chat.app.bot))


async def test_the_same_update_fed_to_two_workers_is_answered_once(
    fake_api: FakeBotAPI, database: Database, second_engine: Database, feed_admin: FeedAdmin
) -> None:
    async with (
        running_chat(fake_api, chat_services(database, feed_admin), lead=False) as one,
        running_chat(fake_api, chat_services(second_engine, feed_admin), lead=False) as two,
    ):
        fake_api.type_text(USER, "/start")
        fake_api.type_text(USER + 1, "/help")
        for update in fake_api.updates:
            feed(one, update)
            feed(two, update)
        await wait_until(lambda: fake_api.sent(USER) and fake_api.sent(USER + 1))
        await asyncio.sleep(0.5)
    assert len(fake_api.sent(USER)) == 1
    assert len(fake_api.sent(USER + 1)) == 1


async def test_a_new_leader_does_not_answer_what_a_dead_leader_took(
    fake_api: FakeBotAPI, database: Database, second_engine: Database, feed_admin: FeedAdmin
) -> None:
    async with running_chat(fake_api, chat_services(database, feed_admin)):
        taken = fake_api.type_text(USER, "/start")
        await wait_until(lambda: fake_api.sent(USER))
    fake_api.rewind(taken)  # the leader died before its next getUpdates confirmed /start
    async with running_chat(fake_api, chat_services(second_engine, feed_admin)):
        fake_api.type_text(USER, "/help")
        await wait_until(lambda: len(fake_api.sent(USER)) >= 2)
        await asyncio.sleep(0.5)
    answers = [m["text"] for m in fake_api.sent(USER)]
    assert len(answers) == 2
    assert "/subscribe" in answers[1]  # /help's answer, not /start's again


@pytest.mark.slow
async def test_two_leaders_answer_each_command_once(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    users = range(3001, 3011)
    other = Database(sqlite_database.url)
    try:
        async with (
            running_chat(fake_api, chat_services(sqlite_database, feed_admin)),
            running_chat(fake_api, chat_services(other, feed_admin)),
        ):
            for user in users:
                fake_api.type_text(user, "/start")
                await asyncio.sleep(0.2)
            await wait_until(lambda: all(fake_api.sent(u) for u in users), within=10)
            await asyncio.sleep(1.0)
    finally:
        await other.dispose()
    assert fake_api.count("getUpdates", 409) >= 1  # they did compete
    assert [len(fake_api.sent(u)) for u in users] == [1] * len(users)


async def test_claims_are_pruned_at_the_first_update(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    # A claim two days old can never meet its update again (Telegram keeps them a day);
    # the id is reused here only to show that the first update pruned it.
    reused = fake_api.type_text(USER, "/start")
    await claim_update(sqlite_database, BOT_ID, reused, datetime.now(UTC) - timedelta(days=2))
    async with running_chat(fake_api, chat_services(sqlite_database, feed_admin)) as chat:
        await wait_until(lambda: fake_api.sent(USER))
        assert chat.app.bot_data.claims == 1
    assert PRUNE_EVERY > 1  # and then not again for a while


def test_the_bot_id_is_the_public_part_of_the_token() -> None:
    assert bot_id_of(TOKEN) == BOT_ID
    for broken in ("no-colon-XYZ", ":XYZ", "12a:XYZ", "١٢:XYZ"):
        with pytest.raises(ConfigError) as caught:
            bot_id_of(broken)
        assert "XYZ" not in str(caught.value)  # never echoes the token
