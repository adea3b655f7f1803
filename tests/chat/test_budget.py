"""One Telegram budget per token: alerts and command replies together stay under the cap."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat.frontend import Chat
from bot.pipeline.deliver import Delivery, DeliveryLimits
from bot.publish.channel import TelegramLink, TelegramPublisher
from bot.publish.pacing import ChatSpacing
from bot.store import Database
from bot.store.subscriptions import subscribe
from tests.support.chat_fakes import FeedAdmin, chat_services
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.records import alert
from tests.support.waiting import wait_until

CHANNEL = -1001
CAP = 20  # the fake's overall messages per second
SUBSCRIBERS = range(1, 61)
ASKING = range(5001, 5041)


@pytest.mark.slow
async def test_alerts_and_replies_share_one_budget_alerts_first(
    sqlite_database: Database, feed_admin: FeedAdmin
) -> None:
    with FakeBotAPI(global_per_second=CAP, private_per_second=5) as api:
        api.chat(CHANNEL, "channel")
        for chat_id in SUBSCRIBERS:
            api.chat(chat_id)
            await subscribe(sqlite_database, chat_id)
        await alert(sqlite_database, "Talks set", "For May.", channel=str(CHANNEL))
        limits = DeliveryLimits(global_per_second=CAP * 0.75)
        link = TelegramLink.open(TOKEN, api.base_url, rate=CAP * 0.75, connections=12)
        await link.start()
        chat = Chat(link, chat_services(sqlite_database, feed_admin))
        chat.app.bot_data.spacing = ChatSpacing(private_gap=0.2)
        await chat.start()
        try:
            delivery = Delivery(
                sqlite_database, TelegramPublisher(link.bot), limits, pacer=link.budget
            )
            fanout = asyncio.create_task(delivery.run_once())
            for user in ASKING:
                api.type_text(user, "/start")
            assert await fanout == 1 + len(SUBSCRIBERS)
            await wait_until(lambda: all(api.sent(u) for u in ASKING), within=20)
        finally:
            await chat.stop()
            await link.close()
        sends = [c for c in api.calls if c.method == "sendMessage"]
    assert api.count("sendMessage", 429) == 0
    alerts_done = max(c.at for c in sends if int(c.params["chat_id"]) not in ASKING)
    replies_before = [c for c in sends if int(c.params["chat_id"]) in ASKING and c.at < alerts_done]
    assert len(replies_before) <= len(ASKING) // 4  # replies waited behind the alerts
