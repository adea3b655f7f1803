"""Alerts reaching the channel and subscribers: real Delivery and PTB Bot, fake Bot API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.pipeline.deliver import Delivery, DeliveryLimits
from bot.publish.channel import TelegramPublisher
from bot.store import Database
from bot.store.developments import add_source
from bot.store.outbox import status_counts
from bot.store.state import set_paused
from bot.store.subscriptions import get_subscription, subscribe
from tests.support.delivery_worker import make_bot
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.records import add_article, alert

CHANNEL = -1001


@pytest.fixture
def server() -> FakeBotAPI:
    api = FakeBotAPI()
    api.chat(CHANNEL, "channel")
    with api:
        yield api  # type: ignore[misc]


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with make_bot(server.base_url, TOKEN) as bot:
        yield bot


def delivery(db: Database, bot: Bot, **limits: float) -> Delivery:
    return Delivery(db, TelegramPublisher(bot), DeliveryLimits(**limits))  # type: ignore[arg-type]


async def subscribers(
    db: Database, server: FakeBotAPI, ids: range, words: tuple[str, ...] = ()
) -> None:
    for chat_id in ids:
        server.chat(chat_id)
        await subscribe(db, chat_id, keywords=words)


class TestAlertsArrive:
    async def test_channel_and_matching_subscribers_get_one_message_each(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        await subscribers(database, server, range(1, 4))
        await subscribers(database, server, range(10, 12), words=("warsaw",))
        await alert(
            database, "Li Hui <arrives> in Kyiv & talks", "He met officials.", channel=str(CHANNEL)
        )
        assert await delivery(database, bot).run_once() == 4
        assert len(server.sent(CHANNEL)) == 1
        assert all(len(server.sent(c)) == 1 for c in range(1, 4))
        assert server.sent(10) == []
        assert server.sent(11) == []
        text = server.sent(CHANNEL)[0]["text"]
        assert text.startswith("<b>Li Hui &lt;arrives&gt; in Kyiv &amp; talks</b>")
        assert await delivery(database, bot).run_once() == 0  # nothing is sent twice

    async def test_a_later_copy_edits_the_alert_to_add_also(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        article_id, development_id = await alert(
            database, "Ceasefire talks", "Set for May.", channel=str(CHANNEL)
        )
        worker = delivery(database, bot)
        await worker.run_once()
        copy_id = await add_article(database, title="Ceasefire talks (copy)", outlet="AP")
        assert await add_source(
            database,
            article_id_of_original=article_id,
            article_id=copy_id,
            outlet="AP",
            url="https://ap.example/copy",
        )
        assert not await add_source(
            database,
            development_id=development_id,
            article_id=copy_id,
            outlet="AP",
            url="https://ap.example/copy",
        )
        assert await worker.run_once() == 1
        assert server.count("sendMessage") == 1
        assert server.count("editMessageText", 200) == 1
        assert 'Also: <a href="https://ap.example/copy">AP</a>' in server.sent(CHANNEL)[0]["text"]

    async def test_backlog_is_learned_silently(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        await alert(database, "Old news", "From the archive.", channel=str(CHANNEL), backlog=True)
        assert await delivery(database, bot).run_once() == 0
        assert server.sent() == []

    async def test_paused_delivery_keeps_the_queue_for_resume(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        await set_paused(database, True)
        await alert(database, "During the pause", "Queued.", channel=str(CHANNEL))
        worker = delivery(database, bot)
        assert await worker.run_once() == 0
        assert (await status_counts(database)).get("pending") == 1
        await set_paused(database, False)
        assert await worker.run_once() == 1


class TestTelegramSaysNo:
    async def test_blocked_user_is_deactivated(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        await subscribers(database, server, range(5, 6))
        server.chats[5].blocked = True
        await alert(database, "Any news", "Anything.", channel=None)
        await delivery(database, bot).run_once()
        sub = await get_subscription(database, 5)
        assert sub is not None
        assert not sub.active
        assert (await status_counts(database)) == {"failed": 1}

    async def test_migrated_group_keeps_its_subscription_under_the_new_id(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        server.chat(-55, "group").migrated_to = -100555
        server.chat(-100555, "supergroup")
        await subscribe(database, -55, chat_type="group")
        await alert(database, "News for the group", "Hello.", channel=None)
        await delivery(database, bot).run_once()
        assert len(server.sent(-100555)) == 1
        assert await get_subscription(database, -55) is None
        assert await get_subscription(database, -100555) is not None

    async def test_a_400_is_logged_with_the_text_and_not_retried(
        self, database: Database, server: FakeBotAPI, bot: Bot, caplog: pytest.LogCaptureFixture
    ) -> None:
        await alert(database, "Sent to a chat that does not exist", "Oops.", channel="-999")
        worker = delivery(database, bot)
        await worker.run_once()
        await worker.run_once()
        assert server.count("sendMessage") == 1
        assert "Sent to a chat that does not exist" in caplog.text
        assert (await status_counts(database)) == {"failed": 1}

    async def test_5xx_is_retried_with_backoff(
        self, database: Database, server: FakeBotAPI, bot: Bot
    ) -> None:
        server.fail_next["sendMessage"] = [502]
        await alert(database, "Flaky network", "Retry me.", channel=str(CHANNEL))
        assert await delivery(database, bot).run_once() == 0
        assert (await status_counts(database)) == {"pending": 1}
        later = Delivery(database, TelegramPublisher(bot), clock=lambda: _in(seconds=5))
        assert await later.run_once() == 1
        assert len(server.sent(CHANNEL)) == 1


class TestFloodLimits:
    async def test_a_burst_stays_under_the_caps(self, database: Database) -> None:
        with FakeBotAPI(global_per_second=20) as server:
            async with make_bot(server.base_url, TOKEN) as bot:
                await subscribers(database, server, range(100, 130))
                await alert(database, "Burst", "Thirty messages.", channel=None)
                # 80 % of the cap: request latency jitters by tens of ms on a loaded machine.
                sent = await delivery(database, bot, global_per_second=16).run_once()
        assert sent == 30
        assert server.count("sendMessage", 429) == 0

    async def test_a_429_is_honoured_and_nothing_is_lost(self, database: Database) -> None:
        with FakeBotAPI(global_per_second=1) as server:
            async with make_bot(server.base_url, TOKEN) as bot:
                await subscribers(database, server, range(300, 303))
                await alert(database, "Hasty", "Too fast for the cap.", channel=None)
                hasty = delivery(database, bot, global_per_second=1000)
                while (await status_counts(database)).get("pending"):
                    await hasty.run_once()
                    await asyncio.sleep(0.2)
        assert server.count("sendMessage", 429) >= 1
        assert [len(server.sent(c)) for c in range(300, 303)] == [1, 1, 1]


def _in(*, seconds: float):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def _log_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
