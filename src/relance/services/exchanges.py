"""Use case: what a customer said about the invoices a letter chases, read from the ledger's
contact log, promises, disputes and acknowledgements (see `relance.core.exchanges`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage.database import Connection
from relance.core.exchanges import Exchange, customer_exchanges
from relance.core.model import Invoice


def exchanges_for_letter(
    conn: Connection, customer_ref: str, invoices: Sequence[Invoice], as_of: date
) -> tuple[Exchange, ...]:
    """The customer's exchanges since the oldest due date of `invoices`, up to `as_of`."""
    if not invoices:
        return ()
    numbers = [invoice.number for invoice in invoices]
    return customer_exchanges(
        since=min(invoice.due_date for invoice in invoices),
        as_of=as_of,
        contacts=pause_repo.load_contacts(conn, as_of, customer_ref),
        promises=pause_repo.load_promises(conn, customer_ref),
        disputes=pause_repo.load_disputes(conn, customer_ref),
        interruptions=law_repo.load_interruptions(conn, numbers),
        invoice_numbers=numbers,
    )
