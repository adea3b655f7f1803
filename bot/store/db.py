"""The database handle: engine, sessions, migrations.

One `Database` per process, built by the composition root. SQLite runs in WAL
mode with a busy timeout so the poller, the assessor and the delivery job can
share one file; PostgreSQL is used through asyncpg when several workers share
the load.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import StorageError
from bot.store.migrate import upgrade

log = logging.getLogger(__name__)

# How long `check` waits for a connection before calling the database unreachable.
CHECK_TIMEOUT_SECONDS = 10.0

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def to_async_url(url: str) -> str:
    """Map the plain URL forms operators write onto the async drivers."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise StorageError(f"not a database URL: {url!r}")
    base = scheme.split("+", 1)[0]
    if "+" in scheme and scheme not in _ASYNC_DRIVERS.values():
        scheme = base
    return f"{_ASYNC_DRIVERS.get(scheme, scheme)}://{rest}"


class Database:
    """Owns the engine; hands out sessions; applies migrations."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = to_async_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        # What operators see: the URL as they wrote it, password masked.
        self.display_url = make_url(url).render_as_string(hide_password=True)
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, **self._engine_options()
        )
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def _engine_options(self) -> dict[str, Any]:
        if self.dialect == "sqlite":
            _make_parent_folder(self.url)
            return {"connect_args": {"timeout": 30}}
        return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def migrate(self) -> None:
        """Bring the schema to the newest revision (safe to run from several workers)."""
        try:
            async with _file_lock(self._sqlite_file()), self.engine.connect() as conn:
                await _migrate(conn)
        except (SQLAlchemyError, OSError) as exc:
            raise StorageError(f"cannot migrate the database: {_short(exc)}") from exc
        log.info("database ready", extra={"database": self.display_url})

    def _sqlite_file(self) -> Path | None:
        database = make_url(self.url).database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            return None
        return None if database.startswith("file:") else Path(database).expanduser()

    async def check(self) -> str | None:
        """Why the database cannot be reached, or None when a connection works."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT_SECONDS:.0f} s"
        except (SQLAlchemyError, OSError) as exc:
            return _short(exc)
        return None

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except (SQLAlchemyError, OSError):
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


async def _migrate(conn: AsyncConnection) -> None:
    """Upgrade in one transaction; on SQLite with foreign keys off for its duration.

    SQLite alters a constraint by rebuilding the table, and dropping a table that
    others reference would cascade their rows away: SQLite's own procedure for
    altering a table turns foreign keys off first and checks them before commit.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.commit()
    try:
        async with conn.begin():
            await conn.run_sync(upgrade)
            if sqlite:
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).first()
                if broken is not None:
                    raise StorageError(f"migration left a broken reference: {tuple(broken)}")
    finally:
        if sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()


# Any fixed number: the configuration syncs of workers starting together take turns.
_PG_SYNC_LOCK = 7_316_220_502


async def take_turns(session: AsyncSession) -> None:
    """Serialise this transaction with every other configuration sync (PostgreSQL).

    Workers starting together each make the feeds and stories tables follow the
    same files: read-then-insert in two transactions at once would insert a row
    twice. On PostgreSQL an advisory lock is the transaction's and ends with it;
    on SQLite a write that changes nothing takes the database's one write lock
    before the reads (other writers wait on the busy timeout).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"SELECT pg_advisory_xact_lock({_PG_SYNC_LOCK})"))
    else:
        await session.execute(text("UPDATE app_state SET key = key WHERE 0"))


@asynccontextmanager
async def _file_lock(database: Path | None) -> AsyncIterator[None]:
    """Processes migrating one SQLite file take turns (PostgreSQL uses an advisory lock).

    Two workers starting together on a fresh file would otherwise both read "no
    schema yet" and both create it. The lock is a file beside the database.
    """
    if database is None:
        yield
        return
    lock_file = database.with_name(database.name + ".migrate-lock")
    handle = await asyncio.to_thread(lock_file.open, "a+b")
    try:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _make_parent_folder(url: str) -> None:
    """Create the SQLite file's folder; a folder that cannot be made is a storage error."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise StorageError(f"cannot create the database folder {folder}: {reason}") from None


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
