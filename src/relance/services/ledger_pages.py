"""Use cases: the ledger's listings one page at a time, and one record (an invoice, a
customer, an action of the queue) by its key.

A page is read after the last key of the previous one (invoices by number, customers by
reference), so reading the ten-thousandth page of a million invoices costs what the first
does. Each invoice comes with its open balance and status as of a day, as `reports` gives.
"""

from __future__ import annotations

from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_pages as pages_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.aging import days_overdue
from relance.core.ledger import Ledger, open_balance, status
from relance.core.model import Customer, Invoice
from relance.core.queued import QueuedAction
from relance.services.reports import InvoiceLine

MAX_SCAN = 100_000  # invoices read for one page of open ones, at most: a page may come short


def _lines(conn: Connection, invoices: list[Invoice], as_of: date) -> list[InvoiceLine]:
    allocations = repo.load_allocations(conn, [i.number for i in invoices])
    ledger = Ledger(invoices=tuple(invoices), allocations=tuple(allocations))
    return [
        InvoiceLine(
            invoice,
            open_balance(ledger, invoice, as_of),
            status(ledger, invoice, as_of),
            days_overdue(invoice.due_date, as_of),
        )
        for invoice in invoices
    ]


def invoice_page(
    store: Store,
    as_of: date,
    after: str | None,
    limit: int,
    *,
    customer_ref: str | None = None,
    only_open: bool = False,
) -> tuple[list[InvoiceLine], bool]:
    """Up to `limit` invoices issued by `as_of` whose number follows `after`, by number, and
    whether more follow."""
    found: list[InvoiceLine] = []
    scanned = 0
    with store.begin() as conn:
        while len(found) <= limit and scanned < MAX_SCAN:
            batch = pages_repo.invoices_after(conn, after, max(2 * limit, 100), customer_ref)
            if not batch:
                break
            scanned += len(batch)
            after = batch[-1].number
            lines = _lines(conn, [i for i in batch if i.issue_date <= as_of], as_of)
            found += [line for line in lines if line.open_balance.is_positive or not only_open]
    return found[:limit], len(found) > limit


def invoice_line(store: Store, number: str, as_of: date) -> InvoiceLine | None:
    """The invoice `number` with its open balance as of `as_of`, or None."""
    with store.begin() as conn:
        found = pages_repo.invoice(conn, number)
        return None if found is None else _lines(conn, [found], as_of)[0]


def customer_page(store: Store, after: str | None, limit: int) -> tuple[list[Customer], bool]:
    """Up to `limit` customers whose reference follows `after`, and whether more follow."""
    with store.begin() as conn:
        found = pages_repo.customers_after(conn, after, limit + 1)
    return found[:limit], len(found) > limit


def customer(store: Store, ref: str) -> Customer | None:
    """The customer `ref`, or None."""
    with store.begin() as conn:
        found = repo.load_customers(conn, [ref])
    return found[0] if found else None


def queued_action(store: Store, action_id: int) -> QueuedAction | None:
    """The action `action_id` of the queue, whatever its status, or None."""
    with store.begin() as conn:
        found = queue_repo.load_queue(conn, ids=[action_id])
    return found[0] if found else None
