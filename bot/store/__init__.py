"""Storage: SQLAlchemy models, sessions and migrations. ORM rows never leave this package."""

from bot.store.db import Database, to_async_url

__all__ = ["Database", "to_async_url"]
