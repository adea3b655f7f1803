"""The schema is created by migrations, on both backends, and re-running them is harmless."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from bot.store import Database
from bot.store.migrate import current_revision

EXPECTED_TABLES = {
    "feeds",
    "articles",
    "developments",
    "development_sources",
    "subscriptions",
    "outbox",
    "app_state",
}


async def test_migrations_create_every_table(database: Database) -> None:
    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        revision = await conn.run_sync(current_revision)
    assert tables >= EXPECTED_TABLES
    assert revision is not None


async def test_migrating_twice_changes_nothing(database: Database) -> None:
    await database.migrate()
    async with database.engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM alembic_version"))).scalar_one()
    assert count == 1


async def test_sqlite_uses_wal_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "tw.db"
    db = Database(f"sqlite:///{path}")
    await db.migrate()
    async with db.engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
    await db.dispose()
    assert path.exists()
    assert mode == "wal"


async def test_unreachable_database_pings_false(tmp_path: Path) -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/none")
    assert await db.ping() is False
    await db.dispose()
