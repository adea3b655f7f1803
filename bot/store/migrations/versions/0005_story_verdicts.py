"""story verdicts and story feeds: one article, assessed once per story that polls its feed

`story_verdicts` holds each story's verdict on an article; the default story's
verdicts, kept on `articles` until now, move there (the old columns stay, unused,
so SQLite need not rebuild the articles table and its search index).
`story_feeds` says which stories poll which feed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The statement that moves the default story's verdicts; the startup benchmark repeats it.
MOVE_VERDICTS = (
    "INSERT INTO story_verdicts (story_id, article_id, assessed_at, verdict, relevant,"
    " duplicate_of_id) SELECT 1, id, assessed_at, verdict, relevant, duplicate_of_id"
    " FROM articles WHERE assessed_at IS NOT NULL"
)


def upgrade() -> None:
    op.create_table(
        "story_feeds",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "feed_id", sa.Integer(), sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_table(
        "story_verdicts",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=True),
        sa.Column("relevant", sa.Boolean(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
    )
    op.create_index(
        "ix_story_verdicts_replay", "story_verdicts", ["story_id", "assessed_at", "article_id"]
    )
    op.execute(MOVE_VERDICTS)


def downgrade() -> None:
    op.drop_index("ix_story_verdicts_replay", table_name="story_verdicts")
    op.drop_table("story_verdicts")
    op.drop_table("story_feeds")
