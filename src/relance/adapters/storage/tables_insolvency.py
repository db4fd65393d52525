"""The tables of customers in insolvency proceedings: the BODACC notices read, each
customer's case (procedure, dates, court, mandataire, state) and the declarations of
claim with their registered letter's evidence (docs/prevention.md)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text

from relance.adapters.storage.tables import metadata, money

# Each BODACC notice matched to a customer, once: importing the same file again adds
# nothing. `effect` is what relance read in it (opening, plan_adopted, closed_no_assets ...).
bodacc_notices = Table(
    "bodacc_notices",
    metadata,
    Column("notice_id", Text, primary_key=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), primary_key=True),
    Column("published", Date, nullable=False),
    Column("effect", String(32), nullable=False),
    Column("procedure", String(32), nullable=False, default=""),
    Column("nature", Text, nullable=False, default=""),
    Column("judgment_date", Date, nullable=True),
    Column("court", Text, nullable=False, default=""),
)

# A customer's insolvency case, beside the proceeding that stops its collection.
insolvency_cases = Table(
    "insolvency_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("proceeding_id", Integer, ForeignKey("customer_proceedings.id"), nullable=True),
    Column("procedure", String(32), nullable=False),
    Column("opened", Date, nullable=False),
    Column("published", Date, nullable=True),
    Column("court", Text, nullable=False, default=""),
    Column("representative", Text, nullable=False, default=""),
    Column("notice_id", Text, nullable=False, default=""),
    Column("state", String(32), nullable=False),
    Column("state_on", Date, nullable=True),
)

# A declaration of claim rendered for a case; posting and receipt as for a registered letter.
claim_declarations = Table(
    "claim_declarations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("insolvency_cases.id"), nullable=False, index=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    *money("amount"),
    Column("tracking_number", Text, nullable=False, default=""),
    Column("posted_on", Date, nullable=True),
    Column("received_on", Date, nullable=True),
)
