"""Customers in legal action or insolvency proceedings: recorded by hand, they get
nothing from the daily run from the day given, and their pending actions are cancelled
at once (by the run's own rules).

This is the minimal state the run needs; reading court notices and declaring claims are
not done here.
"""

from __future__ import annotations

from datetime import date

from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Store
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.services.customer_lookup import known_customer
from relance.services.pauses import record_end, record_pause


def open_proceeding(
    store: Store,
    customer_ref: str,
    kind: ProceedingKind,
    since: date,
    *,
    note: str = "",
    actor: str = "user",
) -> Proceeding:
    """Record that `customer_ref` is in `kind` from `since`; its pending actions are
    cancelled. LookupError for an unknown customer."""
    proceeding = Proceeding(customer_ref, kind, since, note)
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        runs.add_proceeding(conn, proceeding)
        record_pause(
            conn,
            "proceedings.opened",
            customer_ref,
            since,
            actor,
            subject=kind.value,
            data={"kind": kind.value, "since": since.isoformat()},
            reason=note,
        )
    return proceeding


def end_proceeding(
    store: Store, customer_ref: str, on: date, *, note: str = "", actor: str = "user"
) -> None:
    """End the customer's open proceedings on `on` (LookupError when it has none)."""
    with store.begin() as conn:
        if runs.end_proceedings(conn, customer_ref, on) == 0:
            raise LookupError(f"customer {customer_ref} is in no open proceedings")
        record_end(conn, "proceedings.ended", customer_ref, on, note, actor)


def proceedings(store: Store) -> list[Proceeding]:
    """Every recorded proceeding, oldest first."""
    with store.begin() as conn:
        return runs.load_proceedings(conn)
