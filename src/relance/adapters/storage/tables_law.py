"""Tables of what the law and the contracts change about a debt.

Per customer: the contract's terms (a forced rule set, a contractual rate, fees, discount
terms, a limitation period, waivers). Per invoice: discount terms of its own. Dated facts:
formal notices (per customer or per invoice), limitation interruptions (acknowledgement of
the debt, legal action...), write-off decisions and agency handoffs. Amounts are integer
minor units beside a currency, like every other table; rates are decimal text, never float.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from relance.adapters.storage.tables import metadata, money

# One row per customer whose contract changes the law's defaults; a missing row (or a
# NULL column) means "the law as selected from the countries and the kind".
law_contracts = Table(
    "law_contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False, unique=True),
    Column("rule_set", Text, nullable=True),
    Column("rate", Text, nullable=True),  # annual percent as decimal text, e.g. "12.5"
    *money("fee_per_invoice", nullable=True, currency="fee_per_invoice_currency"),
    *money("fee_per_letter", nullable=True, currency="fee_per_letter_currency"),
    Column("discount", Text, nullable=True),  # as written, e.g. "2/10 net 30"
    Column("limitation_years", Integer, nullable=True),
    Column("waive_interest", Boolean, nullable=False, default=False),
    Column("waive_indemnity", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Discount terms printed on one invoice, which win over the customer's contract.
law_invoice_terms = Table(
    "law_invoice_terms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, unique=True),
    Column("discount", Text, nullable=False),
)

# A formal notice (mise en demeure) received by the customer: for all its invoices when
# invoice_id is NULL, else for that invoice only.
law_formal_notices = Table(
    "law_formal_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=True),
    Column("date", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# Events that restart an invoice's limitation period (C. civ. 2231, 2240-2241).
# Payments are not stored here: they are read from the allocations.
law_interruptions = Table(
    "law_interruptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("date", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# The decision to hold an invoice's open balance as lost; at most one per invoice.
law_write_offs = Table(
    "law_write_offs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, unique=True),
    Column("date", Date, nullable=False),
    Column("reason", String(32), nullable=False),
    *money(),
    Column("vat_minor", BigInteger, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# Each change of a claim's status with a collection agency, newest last.
law_agency_handoffs = Table(
    "law_agency_handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("agency", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("status", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
)
