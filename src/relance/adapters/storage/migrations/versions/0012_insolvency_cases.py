"""customers in insolvency proceedings: BODACC notices, cases, declarations of claim

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bodacc_notices",
        sa.Column("notice_id", sa.Text(), nullable=False),
        sa.Column("customer_ref", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("effect", sa.String(length=32), nullable=False),
        sa.Column("procedure", sa.String(length=32), nullable=False),
        sa.Column("nature", sa.Text(), nullable=False),
        sa.Column("judgment_date", sa.Date(), nullable=True),
        sa.Column("court", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_ref"], ["customers.ref"],
            name=op.f("fk_bodacc_notices_customer_ref_customers"),
        ),
        sa.PrimaryKeyConstraint("notice_id", "customer_ref", name=op.f("pk_bodacc_notices")),
    )  # fmt: skip
    op.create_table(
        "insolvency_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.Text(), nullable=False),
        sa.Column("proceeding_id", sa.Integer(), nullable=True),
        sa.Column("procedure", sa.String(length=32), nullable=False),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("court", sa.Text(), nullable=False),
        sa.Column("representative", sa.Text(), nullable=False),
        sa.Column("notice_id", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("state_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_ref"], ["customers.ref"],
            name=op.f("fk_insolvency_cases_customer_ref_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["proceeding_id"], ["customer_proceedings.id"],
            name=op.f("fk_insolvency_cases_proceeding_id_customer_proceedings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insolvency_cases")),
    )  # fmt: skip
    op.create_index(op.f("ix_insolvency_cases_customer_ref"), "insolvency_cases", ["customer_ref"])
    op.create_table(
        "claim_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.Text(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["insolvency_cases.id"],
            name=op.f("fk_claim_declarations_case_id_insolvency_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_ref"], ["customers.ref"],
            name=op.f("fk_claim_declarations_customer_ref_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_declarations")),
    )  # fmt: skip
    op.create_index(op.f("ix_claim_declarations_case_id"), "claim_declarations", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_declarations_case_id"), table_name="claim_declarations")
    op.drop_table("claim_declarations")
    op.drop_index(op.f("ix_insolvency_cases_customer_ref"), table_name="insolvency_cases")
    op.drop_table("insolvency_cases")
    op.drop_table("bodacc_notices")
