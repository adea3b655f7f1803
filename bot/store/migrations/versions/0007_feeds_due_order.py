"""feeds due in claim order: one index on (next_check_at, id)

`claim_due_feeds` takes the oldest due feeds in (next_check_at, id) order. With an
index on next_check_at alone, PostgreSQL read and sorted every due row to return a
batch (2.5 ms of a 6 ms claim with 5,000 feeds due, growing with the due feeds);
with both columns it reads the batch straight off the index (0.15 ms, whatever is due).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_feeds_next_check_at", table_name="feeds")
    op.create_index("ix_feeds_due", "feeds", ["next_check_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_feeds_due", table_name="feeds")
    op.create_index("ix_feeds_next_check_at", "feeds", ["next_check_at"])
