"""Tables of the law data a user owns: rate periods, law settings, fees charged per stage.

`user_rate_periods` holds the periods a user added or confirmed; they sit beside the
tables shipped in `relance/rules/` and override them over their dates, and since they live
in the database they survive upgrades (docs/law.md, "Rates"). `law_settings` holds the
creditor's choices about how the law is applied (day count, what a letter does with an
unconfirmed rate), one row per setting. `stage_fees` keeps each fee a policy level charged
on an invoice as its own receivable line, once per invoice and stage.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from relance.adapters.storage.tables import metadata, money

user_rate_periods = Table(
    "user_rate_periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("table_name", String(64), nullable=False, index=True),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("rate", Text, nullable=False),  # annual percent as decimal text, never float
    Column("source", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False, default=True),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_on", Date, nullable=False),
    UniqueConstraint("table_name", "start", name="uq_user_rate_periods_table_start"),
)

law_settings = Table(
    "law_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

stage_fees = Table(
    "stage_fees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoices.id"), nullable=False, index=True),
    Column("level", Integer, nullable=False),
    Column("level_name", Text, nullable=False),
    *money(),
    Column("charged_on", Date, nullable=False),
    Column("basis", Text, nullable=False),  # "10 EUR" or "15 % of 1 200,00 €"
    UniqueConstraint("invoice_id", "level", name="uq_stage_fees_invoice_level"),
)
