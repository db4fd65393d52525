"""A customer's history: every event about it, each on the business day it happened."""

from __future__ import annotations

from relance.adapters.storage import repository_history as history_repo
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_history import Event
from relance.services.customer_lookup import known_customer

__all__ = ["Event", "history"]


def history(store: Store, customer_ref: str) -> list[Event]:
    """A customer's timeline: every event about it, in the order it was recorded, each with
    the business day it happened on."""
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        return history_repo.customer_events(conn, customer_ref)
