"""workers, leases, shared send slots, handled updates: several processes on one database

`workers` is the registry of live processes (a heartbeat each); `leases` holds the
named leases (a story's assessment, the Telegram update consumer) with their
expiry; `feeds.lease_*` marks a feed claimed by one worker while it is polled and
`outbox.claimed_by` the worker sending a message;
`send_slots` is the rate budget of a bot token shared by every delivering
process; `handled_updates` lets a new update consumer skip what the old one answered.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("feeds", sa.Column("lease_holder", sa.String(64), nullable=True))
    op.add_column("feeds", sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_feeds_lease_holder", "feeds", ["lease_holder"])
    # Which worker is sending an outbox row: a dead worker's rows are due again at once.
    op.add_column("outbox", sa.Column("claimed_by", sa.String(64), nullable=True))
    op.create_index("ix_outbox_claimed_by", "outbox", ["claimed_by"])
    op.create_table(
        "send_slots",
        sa.Column("key", sa.String(128), primary_key=True),
        # Seconds since the epoch: slots are reserved by arithmetic in one statement.
        sa.Column("next_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "handled_updates",
        sa.Column("bot_id", sa.BigInteger(), primary_key=True),
        sa.Column("update_id", sa.BigInteger(), primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("handled_updates")
    op.drop_table("send_slots")
    op.drop_index("ix_outbox_claimed_by", table_name="outbox")
    op.drop_column("outbox", "claimed_by")
    op.drop_index("ix_feeds_lease_holder", table_name="feeds")
    op.drop_column("feeds", "lease_expires_at")
    op.drop_column("feeds", "lease_holder")
    op.drop_table("leases")
    op.drop_table("workers")
