"""Customers in legal action or insolvency proceedings: recorded by hand, they get
nothing from the daily run from the day given, and their pending actions are cancelled
at once (by the run's own rules).

This is the minimal state the run needs; reading court notices and declaring claims are
not done here.
"""

from __future__ import annotations

from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Store
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.services.daily_run import apply_cancellations, decide_as_of


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
        if not repo.load_customers(conn, [customer_ref]):
            raise LookupError(f"no customer {customer_ref!r}")
        runs.add_proceeding(conn, proceeding)
        repo.append_event(
            conn,
            "proceedings.opened",
            actor=actor,
            customer_ref=customer_ref,
            subject=kind.value,
            data={"kind": kind.value, "since": since.isoformat()},
            reason=note,
            dated=since,
        )
        decision, ids = decide_as_of(conn, since, customer_ref)
        apply_cancellations(conn, decision.cancellations, ids, actor, since)
    return proceeding


def end_proceeding(
    store: Store, customer_ref: str, on: date, *, note: str = "", actor: str = "user"
) -> None:
    """End the customer's open proceedings on `on` (LookupError when it has none)."""
    with store.begin() as conn:
        if runs.end_proceedings(conn, customer_ref, on) == 0:
            raise LookupError(f"customer {customer_ref} is in no open proceedings")
        repo.append_event(
            conn,
            "proceedings.ended",
            actor=actor,
            customer_ref=customer_ref,
            data={"until": on.isoformat()},
            reason=note,
            dated=on,
        )


def proceedings(store: Store) -> list[Proceeding]:
    """Every recorded proceeding, oldest first."""
    with store.begin() as conn:
        return runs.load_proceedings(conn)
