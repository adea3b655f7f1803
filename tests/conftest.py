"""Shared fixtures: real databases (a SQLite file, a fresh PostgreSQL database), the fake
Bot API with the real command application, and the local feed server.

The fakes themselves live in `tests/support/`; this file only holds fixtures.

PostgreSQL tests use TALKWATCH_TEST_POSTGRES_URL (default: the local trust-auth
server). Without a reachable server they skip with the reason; under CI
(CI=true) an unreachable server fails them instead, so CI cannot go green
without having run them.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.chat.frontend import Chat
from bot.chat.services import ChatServices, StoryChoice
from bot.ingest.fetch import Fetcher
from bot.observe import quiet_request_logs
from bot.publish.channel import TelegramLink
from bot.publish.pacing import ChatSpacing
from bot.store import Database
from bot.store.story_table import sync_stories
from tests.support.chat_fakes import ADMIN, FeedAdmin
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.feed_server import FeedServer, local_client

PG_ADMIN_URL = os.environ.get(
    "TALKWATCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _pg_unavailable_reason() -> str | None:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"no PostgreSQL at {PG_ADMIN_URL} ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(autouse=True, scope="session")
def _process_environment() -> None:
    """The environment `configure_logging` sets at start-up in every talkwatch process."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session", autouse=True)
def _private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands that fall back to the default database keep it in this run's temp folder.

    Never in the user's ~/.local/share, and one folder per xdist worker, so two
    workers never share a default SQLite file (subprocesses inherit the variable).
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    reason = _pg_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
        pytest.skip(reason)
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A brand-new, empty PostgreSQL database for one test, dropped afterwards."""
    import asyncpg

    name = f"talkwatch_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(postgres_admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = postgres_admin_url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'talkwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on a SQLite file and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend."""
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(sqlite_url: str) -> AsyncIterator[Database]:
    """A migrated SQLite file, for tests that are not about the backend."""
    db = Database(sqlite_url)
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(private_per_second=5) as server:
        yield server


@pytest.fixture
def feed_admin() -> FeedAdmin:
    return FeedAdmin()


@pytest.fixture
async def bot_app(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> AsyncIterator[Any]:
    """The real command Application, polling the fake server (request logs quiet as in `run`)."""
    async for app in _chat_app(fake_api, sqlite_database, feed_admin, ()):
        yield app


@pytest.fixture
async def two_story_app(
    fake_api: FakeBotAPI, sqlite_database: Database, feed_admin: FeedAdmin
) -> AsyncIterator[Any]:
    """The command Application of a Talkwatch following two stories: xi (1) and harbour (2)."""
    now = datetime.now(UTC)
    ids = await sync_stories(
        sqlite_database, [("xi", "Xi call"), ("harbour", "Harbour strike")], now
    )
    stories = (
        StoryChoice("xi", "Xi call", ids["xi"]),
        StoryChoice("harbour", "Harbour strike", ids["harbour"]),
    )
    async for app in _chat_app(fake_api, sqlite_database, feed_admin, stories):
        yield app


async def _chat_app(
    fake_api: FakeBotAPI,
    sqlite_database: Database,
    feed_admin: FeedAdmin,
    stories: tuple[StoryChoice, ...],
) -> AsyncIterator[Any]:
    quiet_request_logs()
    link = TelegramLink.open(TOKEN, fake_api.base_url, rate=30.0, connections=8)
    await link.start()
    services = ChatServices(
        db=sqlite_database,
        admin_ids=frozenset({ADMIN}),
        probe_feed=feed_admin.probe,
        add_feed=feed_admin.add,
        remove_feed=feed_admin.remove,
        knowledge_size=lambda: 42,
        last_poll=lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        started_at=datetime.now(UTC),
        stories=stories,
    )
    chat = Chat(link, services)
    chat.app.bot_data.spacing = ChatSpacing(private_gap=0.2)  # the fake allows 5/s per chat
    await chat.start()
    yield chat.app
    await chat.stop()
    await link.close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A local feed server on 127.0.0.1."""
    feed_server = FeedServer()
    feed_server.start()
    yield feed_server
    feed_server.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with local_client() as client:
        yield Fetcher(client, max_bytes=1_000_000, deadline_seconds=3.0)
