"""foreign keys where a row names another, every list a JSON array

Revision ID: 0009
Revises: 0008_web_users
Create Date: 2026-11-30 14:40:00

Rows of the dunning, bank and letter tables named customers, invoices, actions and
statement lines by their keys with nothing to hold them; they get foreign keys. A row of
an old ledger that names a missing row cannot stay where it is: it is moved, whole, to
`migration_orphans` (nothing is thrown away, money rows included) and reported in the
log. Lists kept as comma or newline text become JSON arrays, as the other lists are
(`relance.adapters.storage.lists`).

On SQLite the tables are rebuilt (batch mode) with the keys' checks off; `database.upgrade`
checks every key once the migration is done, before it commits.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008_web_users"
branch_labels = None
depends_on = None

log = logging.getLogger("relance.migrations")

# (table, column, referred table, referred column, index the column needs), parents first:
# a row moved away takes out the rows that named it in the tables after it.
FOREIGN_KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("dunning_actions", "customer_ref", "customers", "ref", False),
    ("bank_transactions", "customer_ref", "customers", "ref", True),
    ("bank_suggestions", "transaction_key", "bank_transactions", "key", False),
    ("bank_suggestions", "customer_ref", "customers", "ref", True),
    ("dunning_contacts", "customer_ref", "customers", "ref", False),
    ("dunning_contacts", "action_key", "dunning_actions", "key", True),
    ("disputes", "invoice_number", "invoices", "number", False),
    ("disputes", "customer_ref", "customers", "ref", True),
    ("promises", "customer_ref", "customers", "ref", False),
    ("payment_plans", "customer_ref", "customers", "ref", False),
    ("holds", "customer_ref", "customers", "ref", False),
    ("dunning_flags", "customer_ref", "customers", "ref", False),
    ("dunning_flags", "invoice_number", "invoices", "number", True),
    ("customer_proceedings", "customer_ref", "customers", "ref", False),
    ("letter_outbox", "action_id", "dunning_actions", "id", False),
    ("letter_evidence", "action_id", "dunning_actions", "id", False),
    ("letter_evidence", "customer_ref", "customers", "ref", False),
    ("letter_evidence", "print_batch", "print_batches", "id", False),
    ("registered_mail", "action_id", "dunning_actions", "id", False),
    ("send_claims", "action_id", "dunning_actions", "id", False),
)

# (table, column, the separator it was written with)
TEXT_LISTS: tuple[tuple[str, str, str], ...] = (
    ("creditor", "address_lines", "\n"),
    ("customers", "address_lines", "\n"),
    ("customers", "tags", ","),
    ("customers", "ibans", ","),
    ("dunning_actions", "channels", ","),
)

# The children of a table whose `id` is not its key for the others (plan_instalments).
CHILDREN_BY_ID = {"payment_plans": ("plan_instalments", "plan_id")}


def upgrade() -> None:
    bind = op.get_bind()
    orphans = _create_orphans_table()
    for table, column, parent, key, _ in FOREIGN_KEYS:
        _move_orphans(bind, orphans, table, column, parent, key)
    for table, column, separator in TEXT_LISTS:
        _text_to_json(bind, table, column, separator)
    _retype_lists(sa.Text(), sa.JSON(), "json")
    for table in dict.fromkeys(name for name, *_ in FOREIGN_KEYS):
        with op.batch_alter_table(table) as batch_op:
            for name, column, parent, key, needs_index in FOREIGN_KEYS:
                if name != table:
                    continue
                if needs_index:
                    batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column])
                batch_op.create_foreign_key(
                    batch_op.f(f"fk_{table}_{column}_{parent}"), parent, [column], [key]
                )


def _retype_lists(old: Any, new: Any, postgresql_name: str) -> None:
    """Give the list columns of TEXT_LISTS the type `new` (their text is kept as it is)."""
    for table in dict.fromkeys(name for name, *_ in TEXT_LISTS):
        with op.batch_alter_table(table) as batch_op:
            for name, column, _ in TEXT_LISTS:
                if name == table:
                    batch_op.alter_column(
                        column,
                        existing_type=old,
                        type_=new,
                        existing_nullable=False,
                        postgresql_using=f"{column}::{postgresql_name}",
                    )


def _create_orphans_table() -> sa.TableClause:
    op.create_table(
        "migration_orphans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_orphans")),
    )
    return sa.table(
        "migration_orphans",
        sa.column("table_name"),
        sa.column("row", sa.JSON()),
        sa.column("missing"),
        sa.column("found_at"),
    )


def _move_orphans(
    bind: Any, orphans: sa.TableClause, table: str, column: str, parent: str, key: str
) -> None:
    """Move the rows of `table` whose `column` names no row of `parent` to the orphans."""
    child = sa.Table(table, sa.MetaData(), autoload_with=bind)
    referred = sa.Table(parent, sa.MetaData(), autoload_with=bind)
    named = child.c[column]
    missing = (
        sa.select(child)
        .where(named.is_not(None))
        .where(~sa.exists().where(referred.c[key] == named))
    )
    rows = [dict(row._mapping) for row in bind.execute(missing)]
    if not rows:
        return
    now = datetime.now(UTC)
    for row in rows:
        _move_children(bind, orphans, table, row, now)
    bind.execute(
        orphans.insert(),
        [
            {
                "table_name": table,
                "row": {name: _plain(value) for name, value in row.items()},
                "missing": f"{parent}.{key} = {row[column]!r}",
                "found_at": now,
            }
            for row in rows
        ],
    )
    (primary_key,) = child.primary_key.columns  # `id`, or send_claims' `action_id`
    ids = [row[primary_key.name] for row in rows]
    for start in range(0, len(ids), 500):
        bind.execute(child.delete().where(primary_key.in_(ids[start : start + 500])))
    log.warning(
        "%d row(s) of %s named a missing %s (%s): moved to migration_orphans",
        len(rows),
        table,
        parent,
        ", ".join(sorted({repr(row[column]) for row in rows})[:20]),
    )


def _move_children(
    bind: Any, orphans: sa.TableClause, table: str, row: dict[str, Any], now: Any
) -> None:
    """A payment plan moved away takes its instalments with it, into the orphans too."""
    if table not in CHILDREN_BY_ID:
        return
    name, column = CHILDREN_BY_ID[table]
    child = sa.Table(name, sa.MetaData(), autoload_with=bind)
    for found in bind.execute(sa.select(child).where(child.c[column] == row["id"])):
        values = {key: _plain(value) for key, value in found._mapping.items()}
        missing = f"{table}.id = {row['id']!r} (itself moved here)"
        bind.execute(
            orphans.insert().values(table_name=name, row=values, missing=missing, found_at=now)
        )
    bind.execute(child.delete().where(child.c[column] == row["id"]))


def _plain(value: Any) -> Any:
    """A column's value as JSON can hold it."""
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


def _text_to_json(bind: Any, table: str, column: str, separator: str) -> None:
    """Rewrite `column`'s comma or newline text as JSON arrays (empty items dropped, as the
    code that read them did)."""
    target = sa.table(table, sa.column("id"), sa.column(column))
    updates = [
        {
            "b_id": id_,
            "b_value": json.dumps([item for item in (text or "").split(separator) if item]),
        }
        for id_, text in bind.execute(sa.select(target.c.id, target.c[column]))
    ]
    if updates:
        bind.execute(
            target.update()
            .where(target.c.id == sa.bindparam("b_id"))
            .values({column: sa.bindparam("b_value")}),
            updates,
        )


def downgrade() -> None:
    for table in reversed(dict.fromkeys(name for name, *_ in FOREIGN_KEYS)):
        with op.batch_alter_table(table) as batch_op:
            for name, column, parent, _key, needs_index in reversed(FOREIGN_KEYS):
                if name != table:
                    continue
                batch_op.drop_constraint(
                    batch_op.f(f"fk_{table}_{column}_{parent}"), type_="foreignkey"
                )
                if needs_index:
                    batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    bind = op.get_bind()
    _retype_lists(sa.JSON(), sa.Text(), "text")
    for table, column, separator in TEXT_LISTS:
        target = sa.table(table, sa.column("id"), sa.column(column))
        for id_, text in bind.execute(sa.select(target.c.id, target.c[column])).all():
            joined = separator.join(json.loads(text) if text else [])
            bind.execute(target.update().where(target.c.id == id_).values({column: joined}))
    op.drop_table("migration_orphans")
