"""full-text search over articles and developments

SQLite: two external-content FTS5 tables (the text lives once, in the real
tables) kept in sync by triggers. PostgreSQL: GIN indexes over tsvector
expressions; bot/store/queries.py repeats the exact expressions so the planner
uses them.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

# ruff: noqa: S608 -- the statements interpolate only the constant names below

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Each FTS table mirrors these columns of its content table.
_FTS = {
    "articles_fts": ("articles", ("title", "summary", "text")),
    "developments_fts": ("developments", ("headline", "summary", "before")),
}

PG_ARTICLES = (
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '')"
    " || ' ' || coalesce(text, ''))"
)
PG_DEVELOPMENTS = (
    "to_tsvector('english'::regconfig, coalesce(headline, '') || ' ' || coalesce(summary, '')"
    " || ' ' || coalesce(before, ''))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts, (table, columns) in _FTS.items():
            _sqlite_fts(fts, table, columns)
    else:
        op.execute(f"CREATE INDEX ix_articles_search ON articles USING GIN ({PG_ARTICLES})")
        op.execute(
            f"CREATE INDEX ix_developments_search ON developments USING GIN ({PG_DEVELOPMENTS})"
        )


def _sqlite_fts(fts: str, table: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id',"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts in _FTS:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    else:
        op.execute("DROP INDEX IF EXISTS ix_developments_search")
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
