"""Use cases that read the ledger: the aged balance, customers, invoices with balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_aging, repository_aging_kept, repository_credit
from relance.adapters.storage.database import Store
from relance.core.aging import AgingReport, Buckets, assemble, days_overdue
from relance.core.ledger import Ledger, open_balance, status
from relance.core.model import Creditor, Customer, Invoice, InvoiceStatus
from relance.core.money import Money


def aging_report(store: Store, as_of: date, buckets: Buckets = Buckets()) -> AgingReport:
    """The aged balance as of `as_of`: from the rows the database keeps for the default
    buckets (brought to `as_of` first), else summed by the database over the ledger."""
    if buckets == repository_aging_kept.KEPT_BUCKETS and _kept_can_serve(store, as_of):
        with repository_aging_kept.kept_transaction(store.engine) as (conn, locked):
            kept = repository_aging_kept.kept_aging_rows(conn, as_of) if locked else None
            if kept is not None:
                return assemble(kept, as_of, buckets)
            # a writer still writing, or another report moved the kept date past `as_of`
            return assemble(repository_aging.aging_rows(conn, as_of, buckets), as_of, buckets)
    with store.begin() as conn:
        return assemble(repository_aging.aging_rows(conn, as_of, buckets), as_of, buckets)


def _kept_can_serve(store: Store, as_of: date) -> bool:
    """Whether the kept rows can be brought to `as_of` (the kept date only moves forward):
    an earlier date is summed without taking their lock, writers are not held up."""
    with store.begin() as conn:
        kept = repository_aging_kept.kept_date(conn)
    return kept is None or kept <= as_of


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """An invoice with what is still owed on it as of a date."""

    invoice: Invoice
    open_balance: Money
    status: InvoiceStatus
    days_overdue: int


def invoice_lines(
    store: Store, as_of: date, customer_ref: str | None = None, only_open: bool = False
) -> list[InvoiceLine]:
    """Invoices issued by `as_of` with their open balance and status, oldest due first."""
    with store.begin() as conn:
        invoices = [i for i in repo.load_invoices(conn, customer_ref) if i.issue_date <= as_of]
        wanted = None if customer_ref is None else [i.number for i in invoices]
        allocations = repo.load_allocations(conn, wanted)
    ledger = Ledger(invoices=tuple(invoices), allocations=tuple(allocations))
    lines = [
        InvoiceLine(
            invoice,
            open_balance(ledger, invoice, as_of),
            status(ledger, invoice, as_of),
            days_overdue(invoice.due_date, as_of),
        )
        for invoice in invoices
    ]
    return [line for line in lines if line.open_balance.is_positive or not only_open]


def unapplied_credits(store: Store, as_of: date) -> dict[tuple[str, str], Money]:
    """Money received and not yet applied, by (customer, currency), as of `as_of`."""
    with store.begin() as conn:
        return repository_credit.unapplied_credits(conn, as_of)


def customers(store: Store) -> list[Customer]:
    """Every customer, by reference."""
    with store.begin() as conn:
        return repo.load_customers(conn)


def creditor(store: Store) -> Creditor | None:
    """The creditor, or None before `relance init`."""
    with store.begin() as conn:
        return repo.load_creditor(conn)


def ledger_language(store: Store, default: str = "fr") -> str:
    """The creditor's language, in which listings write amounts and dates; `default` before
    `relance init`."""
    found = creditor(store)
    return found.language if found else default
