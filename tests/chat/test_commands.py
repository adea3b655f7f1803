"""Users talking to the bot: the real PTB application against the fake Bot API."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.store import Database
from bot.store.state import is_paused
from bot.store.subscriptions import get_subscription
from tests.support.chat_fakes import ADMIN, USER, FeedAdmin
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.records import add_article, alert
from tests.support.waiting import wait_until


async def ask(server: FakeBotAPI, text: str, user: int = USER) -> str:
    """Type `text` as `user` and return the bot's answer (the next message it sends there)."""
    before = len(server.sent(user))
    server.type_text(user, text)
    messages = await wait_until(lambda: server.sent(user)[before:])
    return str(messages[0]["text"])


class TestFirstContact:
    async def test_start_greets_and_points_to_subscribe(
        self, bot_app: Any, fake_api: FakeBotAPI
    ) -> None:
        answer = await ask(fake_api, "/start")
        assert "Talkwatch" in answer
        assert "/subscribe" in answer

    async def test_help_lists_every_command_and_they_are_registered(
        self, bot_app: Any, fake_api: FakeBotAPI
    ) -> None:
        answer = await ask(fake_api, "/help")
        for command in ("/subscribe", "/latest", "/search", "/timeline", "/sources", "/status"):
            assert command in answer
        assert "/pause" not in answer  # admin commands are shown to admins only
        assert "/pause" in await ask(fake_api, "/help", user=ADMIN)
        registered = {c["command"] for c in fake_api.commands}
        assert {"start", "help", "subscribe", "search", "latest"} <= registered

    async def test_unknown_commands_get_a_pointer_to_help(
        self, bot_app: Any, fake_api: FakeBotAPI
    ) -> None:
        assert "/help" in await ask(fake_api, "/frobnicate now")


class TestSubscriptions:
    async def test_subscribe_with_words_persists_the_filter(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        answer = await ask(fake_api, "/subscribe Li Hui <b>")
        assert "li, hui, b" in answer
        sub = await get_subscription(sqlite_database, USER)
        assert sub is not None
        assert sub.active
        assert sub.keywords == ("li", "hui", "b")

    async def test_unsubscribe_stops_and_says_so(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        await ask(fake_api, "/subscribe")
        assert "Unsubscribed" in await ask(fake_api, "/unsubscribe")
        assert "not subscribed" in await ask(fake_api, "/unsubscribe")
        sub = await get_subscription(sqlite_database, USER)
        assert sub is not None
        assert not sub.active


class TestQueries:
    async def test_latest_lists_developments_with_links(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        await alert(sqlite_database, "Envoy Li Hui arrives in Kyiv", "He met the president.")
        await alert(sqlite_database, "Talks <planned> for May & June", "Dates set.", outlet="AP")
        answer = await ask(fake_api, "/latest 5")
        assert "Envoy Li Hui arrives in Kyiv" in answer
        assert "Talks &lt;planned&gt; for May &amp; June" in answer
        assert '<a href="https://ap.example/' in answer

    @pytest.mark.parametrize("args", ["abc", "0", "99", "1 2", "²", "٣", "9" * 5000, "+3", " 3x"])
    async def test_latest_with_bad_arguments_gets_usage(
        self, bot_app: Any, fake_api: FakeBotAPI, args: str
    ) -> None:
        assert (await ask(fake_api, f"/latest {args}")).startswith("Usage: /latest")

    async def test_search_li_hui_finds_the_matching_articles_first(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        await add_article(sqlite_database, title="Weather in Kyiv", text="Rain all week.")
        await add_article(
            sqlite_database, title="Li Hui meets Lavrov", text="Li Hui said the envoy..."
        )
        await alert(sqlite_database, "Li Hui to visit Warsaw", "Special envoy Li Hui travels on.")
        answer = await ask(fake_api, "/search Li Hui")
        assert "Li Hui meets Lavrov" in answer
        assert "Li Hui to visit Warsaw" in answer
        assert "Weather" not in answer

    async def test_search_without_words_gets_usage_and_markup_is_echoed_escaped(
        self, bot_app: Any, fake_api: FakeBotAPI
    ) -> None:
        assert (await ask(fake_api, "/search")).startswith("Usage:")
        answer = await ask(fake_api, '/search <a href="x">"quoted" AND OR NEAR(')
        assert "Nothing found for" in answer
        assert "&lt;a href" in answer

    async def test_timeline_sources_and_status_answer(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        await alert(sqlite_database, "First step", "One.", backlog=True)
        await alert(sqlite_database, "Second step", "Two.", outlet="AP")
        timeline = await ask(fake_api, "/timeline")
        assert timeline.index("First step") < timeline.index("Second step")
        first, second = (line for line in timeline.splitlines() if "step" in line)
        assert "(backlog)" in first
        assert "(backlog)" not in second
        sources = await ask(fake_api, "/sources")
        assert "Reuters: 1 articles, 0 alerts" in sources  # backlog: learned, never posted
        assert "AP: 1 articles, 1 alerts" in sources
        status = await ask(fake_api, "/status")
        assert "Knowledge base: 42 known sentences" in status
        assert "Uptime" in status


class TestAdminCommands:
    @pytest.mark.parametrize(
        "command",
        ["/pause", "/resume", "/feeds", "/addfeed https://x.example/rss", "/removefeed x"],
    )
    async def test_non_admins_are_refused_politely(
        self, bot_app: Any, fake_api: FakeBotAPI, command: str
    ) -> None:
        assert "only the bot's admins" in await ask(fake_api, command)

    async def test_pause_and_resume_flip_the_flag(
        self, bot_app: Any, fake_api: FakeBotAPI, sqlite_database: Database
    ) -> None:
        assert "Paused" in await ask(fake_api, "/pause", user=ADMIN)
        assert await is_paused(sqlite_database)
        assert "Resumed" in await ask(fake_api, "/resume", user=ADMIN)
        assert not await is_paused(sqlite_database)

    @pytest.mark.parametrize("url", ["", "ftp://x.example/feed", "javascript:alert(1)", "a b"])
    async def test_addfeed_validates_the_url(
        self, bot_app: Any, fake_api: FakeBotAPI, url: str
    ) -> None:
        assert (await ask(fake_api, f"/addfeed {url}", user=ADMIN)).startswith("Usage: /addfeed")

    async def test_addfeed_probes_then_adds_and_removefeed_removes(
        self, bot_app: Any, fake_api: FakeBotAPI, feed_admin: FeedAdmin
    ) -> None:
        refused = await ask(fake_api, "/addfeed https://broken.example/page", user=ADMIN)
        assert refused.startswith("Not added: not a feed: &lt;html&gt;")
        assert "Added" in await ask(fake_api, "/addfeed https://ok.example/rss", user=ADMIN)
        assert "already" in await ask(fake_api, "/addfeed https://ok.example/rss", user=ADMIN)
        assert feed_admin.feeds == {"https://ok.example/rss": "Feed at https://ok.example/rss"}
        assert "Removed" in await ask(fake_api, "/removefeed https://ok.example/rss", user=ADMIN)
        assert "No feed" in await ask(fake_api, "/removefeed nothing", user=ADMIN)


class TestRobustness:
    async def test_every_answer_was_valid_html_and_the_token_never_logged(
        self, bot_app: Any, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        for text in (
            "/search <<<&&&",
            "/subscribe &amp; <i>",
            "/latest -1",
            "/help@talkwatch_test_bot",
        ):
            await ask(fake_api, text)
        assert fake_api.count("sendMessage", 400) == 0
        assert all(TOKEN not in r.getMessage() for r in caplog.records)
