"""Tables of the bank side of lettrage: statement lines and the suggestions for them.

- `bank_transactions`: every statement line imported, keyed by its stable key (the bank's
  id on our account, else a digest of what the bank wrote: `relance.core.bank`), with the
  file it first came from and its match state. A credit is also a row of `payments` with
  the same key; the allocations it made are those whose source is that key.
- `bank_suggestions`: for a credit in the unmatched queue, the ranked invoices a person
  may choose from, and why each was proposed. Rewritten whenever the line is matched again.

Customers and statement lines are named by their business keys, as in the dunning tables,
with foreign keys on them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from relance.adapters.storage.tables import metadata, money

# The `state` column holds a `MatchState` (a core concept; named here for the modules that
# read it beside the table).
from relance.core.bank import MatchState as MatchState

bank_transactions = Table(
    "bank_transactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("account", Text, nullable=False, default=""),
    Column("booking_date", Date, nullable=False),
    Column("value_date", Date, nullable=True),
    *money(),
    Column("payer_name", Text, nullable=False, default=""),
    Column("payer_iban", Text, nullable=False, default=""),
    Column("remittance", Text, nullable=False, default=""),
    Column("structured_reference", Text, nullable=False, default=""),
    Column("end_to_end_id", Text, nullable=False, default=""),
    Column("bank_reference", Text, nullable=False, default=""),
    Column("reversal", Boolean, nullable=False, default=False),
    # provenance: the file the line was first read from, its format and hash
    Column("source_file", Text, nullable=False),
    Column("source_format", String(16), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    # lettrage
    Column("state", String(16), nullable=False),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=True, index=True),
    Column("rule", String(32), nullable=True),
    Column("confidence", Integer, nullable=True),
    Column("unapplied_minor", BigInteger, nullable=True),  # overpayment left as credit
    Column("matched_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=False, default=""),  # why it was left aside
    Column("import_id", Integer, nullable=True, index=True),  # the import that wrote it
    Index("ix_bank_transactions_state", "state"),
)

bank_suggestions = Table(
    "bank_suggestions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "transaction_key",
        Text,
        ForeignKey("bank_transactions.key"),
        nullable=False,
        index=True,
    ),
    Column("rank", Integer, nullable=False),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("invoice_numbers", JSON, nullable=False),  # lists: `lists.py`
    Column("score", Integer, nullable=False),
    Column("reason", Text, nullable=False),
)
