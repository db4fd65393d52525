"""one kind of hold: a customer's hold_reason and do_not_contact become rows of holds

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# A hold carried over from the customer's row has no known start: it stopped every step
# whatever the date, so it starts before any date a run can be for.
SINCE_ALWAYS = "1900-01-01"
DO_NOT_CONTACT = "do not contact"


def upgrade() -> None:
    op.execute(
        "INSERT INTO holds (customer_ref, since, reason, until) "
        f"SELECT ref, '{SINCE_ALWAYS}', hold_reason, NULL FROM customers "
        "WHERE hold_reason IS NOT NULL ORDER BY ref"
    )
    op.execute(
        "INSERT INTO holds (customer_ref, since, reason, until) "
        f"SELECT ref, '{SINCE_ALWAYS}', '{DO_NOT_CONTACT}', NULL FROM customers "
        "WHERE do_not_contact ORDER BY ref"
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("hold_reason")
        batch_op.drop_column("do_not_contact")


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("do_not_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
