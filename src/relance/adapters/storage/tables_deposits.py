"""Deposit invoices and the final invoice each is deducted from (`core/deposits.py`)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, Table, Text

from relance.adapters.storage.tables import metadata

# The final invoice is named by its number: it may not be in the ledger yet.
deposit_invoices = Table(
    "deposit_invoices",
    metadata,
    Column("invoice_id", Integer, ForeignKey("invoices.id"), primary_key=True),
    Column("final_number", Text, nullable=False, index=True),
    Column("settled_on", Date, nullable=True),
)
