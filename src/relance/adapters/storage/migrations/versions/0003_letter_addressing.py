"""letters: the customer's contact and civility, the creditor's envelope window and
translated signatory title

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("envelope_window", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("signatory_title_translated", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("civility", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("civility")
        batch_op.drop_column("contact_name")
    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.drop_column("signatory_title_translated")
        batch_op.drop_column("envelope_window")
