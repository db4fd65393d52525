"""the aged balance kept between reports, and the triggers that mark what it must recompute

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 04:00:00

Every insert, update and delete of an invoice or an allocation marks its customer in
`aging_stale`, whatever wrote it (SQLAlchemy, the driver's executemany, COPY, a bulk
delete): the kept rows (`aging_kept`) are recomputed for the marked customers before a
report reads them. The mark is one INSERT OR IGNORE per row on SQLite; on PostgreSQL one
INSERT ... ON CONFLICT DO NOTHING per statement, over its transition table.

An existing ledger is carried over with no kept rows and no kept date: the first report of
the default buckets computes them all.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# (trigger name, table, event, the rows' customer ids as a SELECT over `rows`)
_INVOICE_CUSTOMER = "SELECT customer_id FROM {rows}"
_ALLOCATION_CUSTOMER = (
    "SELECT invoices.customer_id FROM {rows} JOIN invoices ON invoices.id = {rows}.invoice_id"
)
_SQLITE_ROW = {
    "invoices": "SELECT {rows}.customer_id",
    "allocations": "SELECT customer_id FROM invoices WHERE id = {rows}.invoice_id",
}
_WATCHED = {  # what changes a row of the aged balance (other columns may change freely)
    "invoices": "customer_id, currency, issue_date, due_date, amount_minor",
    "allocations": "invoice_id, amount_minor, date",
}


def _sqlite_triggers() -> None:
    for table, customer in _SQLITE_ROW.items():
        for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",))):
            marks = " ".join(
                f"INSERT OR IGNORE INTO aging_stale (customer_id) {customer.format(rows=r)};"
                for r in rows
            )
            op.execute(
                f"CREATE TRIGGER aging_stale_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {marks} END"
            )
        marks = " ".join(
            f"INSERT OR IGNORE INTO aging_stale (customer_id) {customer.format(rows=r)};"
            for r in ("OLD", "NEW")
        )
        op.execute(
            f"CREATE TRIGGER aging_stale_{table}_update AFTER UPDATE OF {_WATCHED[table]} "
            f"ON {table} BEGIN {marks} END"
        )


def _postgresql_triggers() -> None:
    # Transition tables need one trigger per event, and allow no column list on UPDATE.
    for table, customer in (("invoices", _INVOICE_CUSTOMER), ("allocations", _ALLOCATION_CUSTOMER)):
        for event, rows in (("INSERT", ("new_rows",)), ("DELETE", ("old_rows",)),
                            ("UPDATE", ("old_rows", "new_rows"))):  # fmt: skip
            name = f"aging_stale_{table}_{event.lower()}"
            marks = " ".join(
                f"INSERT INTO aging_stale (customer_id) SELECT DISTINCT customer_id FROM "
                f"({customer.format(rows=r)}) AS marked ON CONFLICT DO NOTHING;"
                for r in rows
            )
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {marks} RETURN NULL; END $$"
            )
            referencing = " ".join(
                f"{'NEW' if r == 'new_rows' else 'OLD'} TABLE AS {r}" for r in rows
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )


def upgrade() -> None:
    op.create_table(
        "aging_kept_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aging_kept_date")),
    )
    op.create_table(
        "aging_kept",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *(
            sa.Column(cell, sa.BigInteger(), nullable=False)
            for cell in (
                "not_due",
                "days_1_30",
                "days_31_60",
                "days_61_90",
                "days_91_120",
                "over_120",
            )
        ),
        sa.Column("changes_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("customer_id", "currency", name=op.f("pk_aging_kept")),
    )
    op.create_index(op.f("ix_aging_kept_changes_on"), "aging_kept", ["changes_on"])
    op.create_table(
        "aging_stale",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_aging_stale")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in ("invoices", "allocations"):
        for event in ("insert", "update", "delete"):
            name = f"aging_stale_{table}_{event}"
            op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
            if postgresql:
                op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("aging_stale")
    op.drop_index(op.f("ix_aging_kept_changes_on"), table_name="aging_kept")
    op.drop_table("aging_kept")
    op.drop_table("aging_kept_date")
