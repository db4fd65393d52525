"""The customer a use case names, or a LookupError a person can read."""

from __future__ import annotations

from relance.adapters.storage import repository as repo
from relance.adapters.storage.database import Connection
from relance.core.model import Customer


def known_customer(conn: Connection, ref: str) -> Customer:
    """The customer `ref` (LookupError when the ledger has none)."""
    found = repo.load_customers(conn, [ref])
    if not found:
        raise LookupError(f"no customer {ref!r}")
    return found[0]
