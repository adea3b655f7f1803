"""stories: developments and subscriptions belong to a story

Existing single-story data moves into story 1, the default story: a row this
migration creates without a name, which the first start claims for the first
configured story (`bot.store.stories.sync_stories`). A development is unique
per (story, article) and a subscription per (story, chat), so one article may
be a development of two stories and one chat may follow both.

SQLite cannot alter constraints: the two tables are rebuilt (batch mode), with
foreign keys off for the migration (`Database.migrate`) so rebuilding
`developments` cascades to nothing, and the search triggers the rebuild drops
are made again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# ruff: noqa: S608 -- the statements interpolate only the constant names below

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DEFAULT_STORY_ID = 1
# SQLite's unnamed UNIQUE constraints get these names for batch mode to drop them.
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
# PostgreSQL named them itself when 0001 created them unnamed.
_PG_OLD_UNIQUE = {
    "developments": "developments_article_id_key",
    "subscriptions": "subscriptions_chat_id_key",
}
_KEYS = {"developments": "article_id", "subscriptions": "chat_id"}


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        "INSERT INTO stories (id, slug, name, created_at)"
        f" VALUES ({DEFAULT_STORY_ID}, 'default', '', CURRENT_TIMESTAMP)"
    )
    if op.get_bind().dialect.name == "postgresql":  # an explicit id does not move the sequence
        op.execute(f"SELECT setval(pg_get_serial_sequence('stories', 'id'), {DEFAULT_STORY_ID})")
    for table, key in _KEYS.items():
        _add_story(table, key)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_triggers()


def _add_story(table: str, key: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(table, naming_convention=_NAMES) as batch:
        batch.add_column(
            sa.Column(
                "story_id",
                sa.Integer(),
                sa.ForeignKey("stories.id", name=f"fk_{table}_story", ondelete="CASCADE"),
                nullable=False,
                server_default=str(DEFAULT_STORY_ID),
            )
        )
        batch.drop_constraint(
            f"uq_{table}_{key}" if sqlite else _PG_OLD_UNIQUE[table], type_="unique"
        )
        batch.create_unique_constraint(f"uq_{table}_story_{key}", ["story_id", key])
    op.create_index(f"ix_{table}_story_id", table, ["story_id"])


def _sqlite_search_triggers() -> None:
    """The developments search triggers, as 0002 made them (the rebuild dropped them)."""
    fts, table, cols = "developments_fts", "developments", ("headline", "summary", "before")
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    for statement in (
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
    ):
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, key in _KEYS.items():
        op.drop_index(f"ix_{table}_story_id", table_name=table)
        with op.batch_alter_table(table, naming_convention=_NAMES) as batch:
            batch.drop_constraint(f"uq_{table}_story_{key}", type_="unique")
            batch.drop_constraint(f"fk_{table}_story", type_="foreignkey")
            batch.drop_column("story_id")
            batch.create_unique_constraint(
                f"uq_{table}_{key}" if sqlite else _PG_OLD_UNIQUE[table], [key]
            )
    op.drop_table("stories")
