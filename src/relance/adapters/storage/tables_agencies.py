"""Tables of the end of the process: the collection agencies, the route chosen for each
claim after the formal notice, and what an agency recovered.

An agency's fee bands are rows of their own (rate as decimal text, limits nullable: no
limit); its fixed and minimum fees are minor units in the schedule's currency. A claim's
state at an agency is a row of `law_agency_handoffs` (tables_law), as before agencies were
records: the route decision says why it went there.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from relance.adapters.storage.tables import metadata, money

agencies = Table(
    "agencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("siren", String(9), nullable=False),
    Column("address_lines", Text, nullable=False, default=""),  # one line a line
    Column("postal_code", Text, nullable=False, default=""),
    Column("city", Text, nullable=False, default=""),
    Column("country", String(2), nullable=False, default="FR"),
    Column("contact", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Column("insurer", Text, nullable=True),
    Column("policy_number", Text, nullable=True),
    Column("insured_until", Date, nullable=True),
    Column("funds_iban", Text, nullable=False, default=""),
    Column("currency", String(3), nullable=False),
    Column("fixed_fee_minor", BigInteger, nullable=False, default=0),
    Column("minimum_fee_minor", BigInteger, nullable=False, default=0),
)

# An agency's success fee bands, in the order they are tried.
agency_fee_bands = Table(
    "agency_fee_bands",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("rate", Text, nullable=False),  # percent as decimal text, e.g. "25"
    Column("max_age_days", Integer, nullable=True),
    Column("max_amount", Text, nullable=True),  # decimal text in the schedule's currency
)

# The route the user chose for an invoice's claim after the formal notice (agency,
# payment order, small claims, write-off), newest last.
claim_routes = Table(
    "claim_routes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("route", String(16), nullable=False),
    Column("agency_id", ForeignKey("agencies.id"), nullable=True),
    Column("date", Date, nullable=False),
    *money("claim"),  # what was owed on the invoice that day (principal)
    Column("age_days", Integer, nullable=False),  # days past due that day
    # the agency's fixed fee for the file, on the first invoice of a handoff only
    Column("file_fee_minor", BigInteger, nullable=False, default=0),
    Column("actor", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
)

# Money an agency recovered on an invoice, and its fee on it (the creditor's cost).
agency_recoveries = Table(
    "agency_recoveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), nullable=False, index=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    *money(),
    Column("fee_minor", BigInteger, nullable=False),
    Column("reference", Text, nullable=False),  # the agency's own reference, unique per agency
    Column("payment_key", Text, nullable=False, unique=True),
)
