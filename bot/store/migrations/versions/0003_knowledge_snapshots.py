"""knowledge-base snapshots: start without re-learning every stored verdict

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("learned_until_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("learned_until_id", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_knowledge_snapshots_fingerprint", "knowledge_snapshots", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_snapshots_fingerprint", table_name="knowledge_snapshots")
    op.drop_table("knowledge_snapshots")
