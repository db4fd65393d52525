"""outbox reasons, send claims, numbered print batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("letter_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("print_batch", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_letter_evidence_print_batch"), ["print_batch"], unique=False
        )
    op.create_table(
        "send_claims",
        sa.Column("action_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_send_claims")),
    )
    op.create_table(
        "print_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_batches")),
        sa.UniqueConstraint("file_name", name=op.f("uq_print_batches_file_name")),
    )
    # Messages written as .eml files by earlier versions without SMTP were left pending
    # for the next run with a server; they now wait, visibly, and are checked again
    # against the ledger before any of them leaves.
    op.execute(
        "UPDATE letter_outbox SET status = 'waiting', reason = 'written without SMTP "
        "by an earlier version' WHERE status = 'pending'"
    )


def downgrade() -> None:
    op.drop_table("print_batches")
    op.drop_table("send_claims")
    with op.batch_alter_table("letter_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_evidence_print_batch"))
        batch_op.drop_column("print_batch")
    with op.batch_alter_table("letter_outbox", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("reason")
