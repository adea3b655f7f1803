"""The schema is created by migrations, on both backends, and re-running them is harmless."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.errors import StorageError
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
    "stories",
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


def test_a_folder_that_cannot_be_created_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StorageError, match=r"cannot create the database folder .*a-file/sub"):
        Database(f"sqlite:///{blocker}/sub/tw.db")


@pytest.mark.parametrize("command", [["db", "upgrade"], ["poll-once"], ["run"]], ids=" ".join)
def test_the_cli_reports_an_impossible_folder_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{blocker}/sub/tw.db", "HEALTH_PORT": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("talkwatch: storage error: cannot create the database folder")
    assert lines[:-1] in ([], [f"talkwatch: database sqlite:///{blocker}/sub/tw.db"])
    assert "Traceback" not in result.stderr


async def test_migrating_logs_the_database_in_use(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(f"sqlite:///{tmp_path}/tw.db")
    with caplog.at_level(logging.INFO, logger="bot.store.db"):
        await db.migrate()
    await db.dispose()
    logged = [r for r in caplog.records if r.getMessage() == "database ready"]
    assert [getattr(r, "database", None) for r in logged] == [f"sqlite:///{tmp_path}/tw.db"]


def test_the_database_is_shown_with_its_password_masked() -> None:
    db = Database("postgresql://tw:hunter2@127.0.0.1:1/tw")
    assert "hunter2" not in db.display_url
    assert db.display_url.startswith("postgresql://tw:")
