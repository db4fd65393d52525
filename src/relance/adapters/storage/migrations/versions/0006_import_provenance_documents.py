"""import provenance, undone imports, deposits awaiting their invoice, the document store

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TRACKED = (
    "customers",
    "invoices",
    "credit_notes",
    "payments",
    "allocations",
    "bank_transactions",
)


def upgrade() -> None:
    for table in _TRACKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_import_id"), ["import_id"])
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_sha256", sa.String(length=64), nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_invoice", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_payments_for_invoice"), ["for_invoice"])
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_documents")),
    )


def downgrade() -> None:
    op.drop_table("documents")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("undone_at")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_for_invoice"))
        batch_op.drop_column("for_invoice")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("pdf_sha256")
    for table in reversed(_TRACKED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_import_id"))
            batch_op.drop_column("import_id")
