"""Every table of relance, gathered on one `MetaData` for migrations and tests.

Each area keeps its tables in its own module on the shared `metadata` of `tables.py`;
importing them here is what makes Alembic see them.
"""

from __future__ import annotations

from relance.adapters.storage import (
    tables,
    tables_agencies,
    tables_aging,
    tables_api,
    tables_bank,
    tables_deposits,
    tables_documents,
    tables_dunning,
    tables_insolvency,
    tables_law,
    tables_letters,
    tables_rates,
    tables_users,
    tables_webhooks,
)
from relance.adapters.storage.tables import metadata

__all__ = [
    "metadata",
    "tables",
    "tables_agencies",
    "tables_aging",
    "tables_api",
    "tables_bank",
    "tables_deposits",
    "tables_documents",
    "tables_dunning",
    "tables_insolvency",
    "tables_law",
    "tables_letters",
    "tables_rates",
    "tables_users",
    "tables_webhooks",
]
