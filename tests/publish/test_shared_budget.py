"""Two links on one token, each with its own engine, sharing the budget through the database.

The real PTB Bot against the fake Bot API: what one process learns from a 429
(or its hold) reaches the other before it sends, through `send_slots`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.publish.channel import Outcome, TelegramLink, TelegramPublisher
from bot.store import Database
from bot.store.send_slots import SendSlots
from tests.support.fake_bot_api import TOKEN, FakeBotAPI


@pytest.fixture
def server() -> FakeBotAPI:
    with FakeBotAPI(global_per_second=1) as api:  # a strict cap, so a 429 is easy to earn
        api.chat(1)
        api.chat(2)
        yield api  # type: ignore[misc]


@pytest.fixture
async def links(database: Database, server: FakeBotAPI) -> AsyncIterator[list[TelegramLink]]:
    """Two processes' links: one engine each on the same database."""
    other = Database(database.url)
    opened = []
    try:
        for db in (database, other):
            link = TelegramLink.open(TOKEN, server.base_url, rate=100.0, connections=4)
            link.share(SendSlots(db))
            await link.start()
            opened.append(link)
        yield opened
    finally:
        for link in opened:
            await link.close()
        await other.dispose()


async def test_a_429_in_one_process_holds_the_other(
    server: FakeBotAPI, links: list[TelegramLink]
) -> None:
    a, b = (TelegramPublisher(link.bot) for link in links)
    assert (await a.send("1", "first")).outcome is Outcome.SENT
    refused = await a.send("2", "second, within the same second")
    assert refused.outcome is Outcome.RETRY_AFTER  # Telegram's 429, retry_after 1

    assert (await b.send("2", "third, from the other process")).outcome is Outcome.SENT
    flood = next(c for c in server.calls if c.status == 429)
    third = server.calls[-1]
    assert third.params["text"] == "third, from the other process"
    assert third.at - flood.at >= 1.0  # it waited out the hold it never saw itself
    assert server.count("sendMessage", 429) == 1


async def test_a_long_hold_answers_429_without_reaching_telegram(
    server: FakeBotAPI, links: list[TelegramLink]
) -> None:
    a, b = links
    assert a.transport.shared is not None
    await a.transport.shared.hold(90.0)  # longer than a sender may wait
    result = await TelegramPublisher(b.bot).send("1", "held")
    assert result.outcome is Outcome.RETRY_AFTER
    assert result.retry_after is not None and result.retry_after > 60
    assert server.count("sendMessage") == 0  # the delivery releases the row for later


async def test_an_unshared_link_paces_itself_alone(server: FakeBotAPI) -> None:
    link = TelegramLink.open(TOKEN, server.base_url, rate=100.0, connections=4)
    assert not link.shared
    assert link.transport.shared is None
