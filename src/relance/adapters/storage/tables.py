"""The database schema, as SQLAlchemy Core tables.

Amounts are stored as integer minor units (cents) beside their currency, on every backend:
SQLite would otherwise pass `Numeric` through float, and integer sums stay exact in SQL.
Dates are `Date`; instants are timezone-aware UTC `DateTime`. A list is a JSON array, written
and read through `lists.py`. A row that names another row (by id or by its business key) has
a foreign key on it, so the database refuses a row naming nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def money(
    prefix: str = "amount", *, nullable: bool = False, currency: str = "currency"
) -> list[Column[object]]:
    """An amount's two columns: `<prefix>_minor`, integer minor units, and its currency
    (`currency`, or `<prefix>_currency` when one row holds amounts of several kinds)."""
    return [
        Column(f"{prefix}_minor", BigInteger, nullable=nullable),
        Column(currency, String(3), nullable=nullable),
    ]


creditor = Table(
    "creditor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(8), nullable=False),
    Column("address_lines", JSON, nullable=False, default=list),  # lists: `lists.py`
    Column("postal_code", Text, nullable=False, default=""),
    Column("city", Text, nullable=False, default=""),
    Column("legal_form", Text, nullable=False, default=""),
    Column("capital", Text, nullable=False, default=""),
    Column("registration_id", Text, nullable=False, default=""),
    Column("registration_city", Text, nullable=False, default=""),
    Column("vat_number", Text, nullable=False, default=""),
    Column("iban", Text, nullable=False, default=""),
    Column("bic", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("signatory_name", Text, nullable=False, default=""),
    Column("signatory_title", Text, nullable=False, default=""),
    Column("logo_path", Text, nullable=False, default=""),
    Column("envelope_window", String(8), nullable=True),
    Column("signatory_title_translated", Text, nullable=False, server_default=""),
    CheckConstraint("id = 1", name="single_creditor"),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(8), nullable=False),
    Column("address_lines", JSON, nullable=False, default=list),  # lists: `lists.py`
    Column("postal_code", Text, nullable=False, default=""),
    Column("city", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    *money("credit_limit", nullable=True, currency="credit_limit_currency"),
    Column("tags", JSON, nullable=False, default=list),
    Column("registration_id", Text, nullable=False, default=""),
    Column("vat_number", Text, nullable=False, default=""),
    Column("ibans", JSON, nullable=False, default=list),
    Column("policy", Text, nullable=True),
    Column("created", Date, nullable=True),
    Column("contact_name", Text, nullable=False, server_default=""),
    Column("civility", String(8), nullable=True),
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    *money(),
    Column("tax_minor", BigInteger, nullable=False),
    Column("subject", Text, nullable=False, default=""),
    Column("pdf_path", Text, nullable=False, default=""),  # where the PDF was imported from
    # delivery or completion of the goods or services: where limitation starts (docs/law.md)
    Column("delivery_date", Date, nullable=True),
    # the PDF itself, in relance's document store (`tables_documents`): letters attach it
    Column("pdf_sha256", String(64), nullable=True),
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
    # covers the aged balance: grouped by customer and currency without reading the table
    Index("ix_invoices_aging", "customer_id", "currency", "due_date", "issue_date", "amount_minor"),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("date", Date, nullable=False),
    *money(),
    Column("invoice_number", Text, nullable=True),
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=True, index=True),
    Column("date", Date, nullable=False),
    *money(),
    Column("method", Text, nullable=False, default=""),
    Column("reference", Text, nullable=False, default=""),
    Column("payer", Text, nullable=False, default=""),
    Column("payer_iban", Text, nullable=False, default=""),
    # a deposit naming an invoice not yet in the ledger: applied to it when it arrives
    Column("for_invoice", Text, nullable=True, index=True),
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
)

allocations = Table(
    "allocations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("source", Text, nullable=False),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    *money(),
    Column("date", Date, nullable=False),
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
    UniqueConstraint("kind", "source", "invoice_id", name="uq_allocations_source_invoice"),
)

# Every file imported. The rows a file created carry its id (`import_id`), so that
# `relance imports undo` can remove exactly what that file wrote.
imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("undone_at", DateTime(timezone=True), nullable=True),  # `relance imports undo`
)

# The log of every state change, appended to and never rewritten: who, when, what, why.
# `at` is when it was typed; `dated` the business day it happened on (the command's --date),
# when it has one.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("dated", Date, nullable=True),
    Column("actor", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("customer_ref", Text, nullable=True, index=True),
    Column("subject", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Column("reason", Text, nullable=False, default=""),
)

# Rows the migration to foreign keys (0009) found naming a customer, invoice, action... that
# the ledger no longer has. They could not stay where they were, and nothing is thrown away:
# each is kept here whole (`row`, a JSON object; bytes as {"base64": ...}) with what it named.
migration_orphans = Table(
    "migration_orphans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("table_name", Text, nullable=False),
    Column("row", JSON, nullable=False),
    Column("missing", Text, nullable=False),  # e.g. "customers.ref = 'C9'"
    Column("found_at", DateTime(timezone=True), nullable=False),
)
