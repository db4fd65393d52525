"""each invoice's stage on an action, the daily runs, customers in proceedings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dunning_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice_levels", sa.JSON(), nullable=True))

    op.create_table(
        "dunning_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_runs")),
    )
    with op.batch_alter_table("dunning_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dunning_runs_as_of"), ["as_of"], unique=False)
    # The runs made before this table existed are known by the days they proposed on.
    op.execute(
        "INSERT INTO dunning_runs (as_of, started_at, finished_at, actor) "
        "SELECT DISTINCT proposed_on, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'relance' "
        "FROM dunning_actions"
    )

    op.create_table(
        "customer_proceedings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_proceedings")),
    )
    with op.batch_alter_table("customer_proceedings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_proceedings_customer_ref"), ["customer_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_proceedings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_proceedings_customer_ref"))
    op.drop_table("customer_proceedings")
    with op.batch_alter_table("dunning_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dunning_runs_as_of"))
    op.drop_table("dunning_runs")
    with op.batch_alter_table("dunning_actions", schema=None) as batch_op:
        batch_op.drop_column("invoice_levels")
