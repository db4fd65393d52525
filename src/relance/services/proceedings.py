"""Customers in legal action or insolvency proceedings: recorded by hand, they get
nothing from the daily run from the day given, and their pending actions are cancelled
at once (by the run's own rules).

This is the state the run needs; reading the court notices (BODACC) and declaring the
claim are in `relance.services.insolvency` and `relance.services.claim_declarations`.
"""

from __future__ import annotations

from datetime import date

from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Connection, Store
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
        start_proceeding(conn, proceeding, actor)
    return proceeding


def start_proceeding(conn: Connection, proceeding: Proceeding, actor: str) -> int:
    """Record `proceeding` in the transaction `conn`, log it and cancel the customer's
    pending actions; returns its id (LookupError for an unknown customer)."""
    known_customer(conn, proceeding.customer_ref)
    proceeding_id = runs.add_proceeding(conn, proceeding)
    kind, since = proceeding.kind, proceeding.since
    record_pause(
        conn,
        "proceedings.opened",
        proceeding.customer_ref,
        since,
        actor,
        subject=kind.value,
        data={"kind": kind.value, "since": since.isoformat()},
        reason=proceeding.note,
    )
    return proceeding_id


def end_proceeding(
    store: Store, customer_ref: str, on: date, *, note: str = "", actor: str = "user"
) -> None:
    """End the customer's open proceedings on `on` (LookupError when it has none)."""
    with store.begin() as conn:
        stop_proceedings(conn, customer_ref, on, note, actor)


def stop_proceedings(conn: Connection, customer_ref: str, on: date, note: str, actor: str) -> None:
    """End the customer's open proceedings on `on` in the transaction `conn`, and log it
    (LookupError when it has none)."""
    if runs.end_proceedings(conn, customer_ref, on) == 0:
        raise LookupError(f"customer {customer_ref} is in no open proceedings")
    record_end(conn, "proceedings.ended", customer_ref, on, note, actor)


def proceedings(store: Store) -> list[Proceeding]:
    """Every recorded proceeding, oldest first."""
    with store.begin() as conn:
        return runs.load_proceedings(conn)
