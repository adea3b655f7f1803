"""One poller per token: a worker leads (long-polls) or follows (handlers only), and may
switch back and forth; two leaders meet Telegram's 409 Conflict, a leader and a follower do not.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.chat.frontend import UPDATER_STOP_SECONDS
from bot.store import Database
from tests.support.chat_fakes import USER, FeedAdmin, chat_services, running_chat
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.waiting import wait_until


async def answered(api: FakeBotAPI, text: str, *, user: int = USER) -> int:
    """Type `text` and wait for the bot's answer; how many messages that chat got."""
    before = len(api.sent(user))
    api.type_text(user, text)
    await wait_until(lambda: len(api.sent(user)) > before)
    return len(api.sent(user))


async def test_a_follower_runs_the_handlers_but_does_not_poll(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    services = chat_services(sqlite_database, feed_admin)
    async with running_chat(fake_api, services, lead=False) as chat:
        assert not chat.polling
        assert fake_api.commands  # setMyCommands ran all the same
        fake_api.type_text(USER, "/start")
        await asyncio.sleep(0.5)
        assert fake_api.count("getUpdates") == 0
        assert fake_api.sent(USER) == []
        await chat.lead()  # the update waited for a leader
        await wait_until(lambda: fake_api.sent(USER))


async def test_lead_follow_lead_answers_after_each_lead(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    services = chat_services(sqlite_database, feed_admin)
    async with running_chat(fake_api, services) as chat:
        assert chat.polling
        assert await answered(fake_api, "/start") == 1
        await chat.follow()
        await chat.follow()  # idempotent
        assert not chat.polling
        fake_api.type_text(USER, "/help")
        await asyncio.sleep(0.5)
        assert len(fake_api.sent(USER)) == 1  # nobody polls: it waits
        await chat.lead()
        await chat.lead()  # idempotent
        assert chat.polling
        await wait_until(lambda: len(fake_api.sent(USER)) == 2)
        assert await answered(fake_api, "/stories") == 3
        await chat.follow()
        await chat.lead()
        assert await answered(fake_api, "/start") == 4
    assert fake_api.count("getUpdates", 409) == 0
    assert len(fake_api.sent(USER)) == 4  # each command answered once


async def test_two_leaders_on_one_token_meet_409_conflicts(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    services = chat_services(sqlite_database, feed_admin)
    async with running_chat(fake_api, services), running_chat(fake_api, services):
        await wait_until(lambda: fake_api.count("getUpdates", 409) >= 1)


async def test_a_leader_and_a_follower_meet_no_conflict(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    services = chat_services(sqlite_database, feed_admin)
    async with (
        running_chat(fake_api, services),
        running_chat(fake_api, services, lead=False) as follower,
    ):
        for n in range(1, 4):
            assert await answered(fake_api, "/start") == n
        await follower.follow()
        await asyncio.sleep(0.5)
    assert fake_api.count("getUpdates") >= 3
    assert fake_api.count("getUpdates", 409) == 0
    assert len(fake_api.sent(USER)) == 3


async def test_a_handover_between_two_workers_meets_no_conflict(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    services = chat_services(sqlite_database, feed_admin)
    async with (
        running_chat(fake_api, services) as first,
        running_chat(fake_api, services, lead=False) as second,
    ):
        assert await answered(fake_api, "/start") == 1
        await first.follow()  # it lost the updates lease: it stops before the other leads
        await second.lead()
        assert (first.polling, second.polling) == (False, True)
        assert await answered(fake_api, "/stories") == 2
        await second.follow()
        await first.lead()
        assert await answered(fake_api, "/start") == 3
    assert fake_api.count("getUpdates", 409) == 0
    assert len(fake_api.sent(USER)) == 3


@pytest.mark.slow
async def test_follow_is_bounded_during_an_outage_and_lead_resumes_after_it(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    # After five failed polls PTB sleeps about 5 s before the next: follow cancels the sleep.
    fake_api.fail_next["getUpdates"] = [502] * 5
    services = chat_services(sqlite_database, feed_admin)
    async with running_chat(fake_api, services) as chat:
        await wait_until(lambda: fake_api.count("getUpdates", 502) >= 5, within=20)
        started = time.monotonic()
        await chat.follow()
        assert time.monotonic() - started < UPDATER_STOP_SECONDS + 1.0
        assert not chat.polling
        await chat.lead()  # the updater starts again after a cancelled stop
        assert await answered(fake_api, "/start") == 1
