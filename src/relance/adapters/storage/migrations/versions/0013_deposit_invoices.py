"""deposit invoices and the final invoice each is deducted from

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 20:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deposit_invoices",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("final_number", sa.Text(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_deposit_invoices_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_deposit_invoices")),
    )
    op.create_index(op.f("ix_deposit_invoices_final_number"), "deposit_invoices", ["final_number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_deposit_invoices_final_number"), table_name="deposit_invoices")
    op.drop_table("deposit_invoices")
