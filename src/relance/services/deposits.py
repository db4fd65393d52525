"""Deposits (acomptes) paid before their invoice exists.

A payment that names an invoice not yet in the ledger (a deposit on an order, paid before
the invoice is issued) is kept on the customer's account, waiting for that invoice
(`payments.for_invoice`); until then it is unapplied credit, shown by `relance aging` and
`relance customers` and counted against what the customer is chased for. When the invoice
arrives (an invoices CSV, a Factur-X or UBL file), what is left of the deposit is applied
to it, up to its amount, as a credit manager would do by hand.

A deposit invoice (facture d'acompte) is another thing: an invoice of its own, chased as
any, marked as a deposit on a final invoice (`relance deposit`); once the final invoice is
in the ledger the deposit is deducted from it (`relance.core.deposits`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_invoices import InvoiceRow
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_deposits as deposits_repo
from relance.adapters.storage import repository_payments as rp
from relance.adapters.storage.database import Connection, Store
from relance.core.deposits import DepositLink, DepositProblem, deduction
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money


def apply_waiting_deposits(conn: Connection, numbers: Sequence[str]) -> tuple[int, list[str]]:
    """Apply the deposits waiting for any of the invoices `numbers` (just added to the
    ledger); returns the allocations made and warnings (a deposit of another customer)."""
    if not numbers:
        return 0, []
    waiting = rp.deposits_for(conn, numbers)
    if not waiting:
        return 0, []
    invoices = repo.existing_invoices(conn, sorted({number for _, number in waiting}))
    made, warnings = 0, []
    for deposit, number in waiting:
        invoice = invoices[number]
        customer, currency = deposit.customer_ref, deposit.amount.currency
        if invoice.customer_ref != customer or invoice.currency != currency:
            warnings.append(
                f"deposit {deposit.key} of {customer} names invoice {number}, which is "
                f"{invoice.customer_ref}'s in {invoice.currency}: left as credit"
            )
            continue
        left = deposit.amount.to_minor() - repo.allocated_from(conn, deposit.key)
        still_owed = invoice.amount.to_minor() - rp.allocated_to(conn, number)
        amount = min(left, still_owed)
        if amount <= 0:
            continue
        when = max(deposit.date, invoice.issue_date)
        allocation = Allocation(
            AllocationKind.PAYMENT, deposit.key, number, Money.from_minor(amount, currency), when
        )
        rp.add_allocations(conn, [allocation])
        made += 1
    return made, warnings


# -- deposit invoices (factures d'acompte), deducted from their final invoice -----------


def mark_deposit(
    store: Store, number: str, final_number: str, *, actor: str = "user"
) -> tuple[DepositLink, int]:
    """Record that invoice `number` is a deposit on the final invoice `final_number` (which
    may not be in the ledger yet): its letters say so, and once the final invoice is in the
    ledger the deposit is deducted from it. Returns the link and the allocations made.
    LookupError for an unknown invoice; `DepositProblem` when the two cannot be matched."""
    with store.begin() as conn:
        ids = repo.invoice_ids(conn, [number])
        if number not in ids:
            raise LookupError(f"unknown invoice {number!r}")
        if number == final_number:
            raise DepositProblem(f"invoice {number} cannot be a deposit on itself")
        deposits_repo.add_link(conn, ids[number], final_number)
        invoice = repo.existing_invoices(conn, [number])[number]
        repo.append_event(
            conn, "deposit.marked", actor=actor, customer_ref=invoice.customer_ref,
            subject=number, data={"final": final_number},
        )  # fmt: skip
        made = settle_deposit_invoices(conn, [final_number], actor=actor)
        (link,) = deposits_repo.links(conn, [number])
    return link, made


def settle_deposit_invoices(
    conn: Connection, final_numbers: Sequence[str], *, actor: str = "import"
) -> int:
    """Deduct the deposits waiting for any of the final invoices `final_numbers` now in the
    ledger, on the final invoice's issue date; returns the allocations made."""
    pending = deposits_repo.pending_for(conn, final_numbers)
    if not pending:
        return 0
    numbers = sorted({p.final_number for p in pending} | {p.deposit_number for p in pending})
    invoices = repo.existing_invoices(conn, numbers)
    ids = repo.invoice_ids(conn, numbers)
    made = 0
    for link in pending:
        final = invoices.get(link.final_number)
        if final is None:
            continue  # the final invoice is not in the ledger yet
        deposit = invoices[link.deposit_number]
        allocations = deduction(
            deposit, _open(conn, deposit, ids), final, _open(conn, final, ids), final.issue_date
        )
        rp.add_allocations(conn, list(allocations))
        deposits_repo.mark_settled(conn, ids[deposit.number], final.issue_date)
        repo.append_event(
            conn, "deposit.deducted", actor=actor, customer_ref=final.customer_ref,
            subject=deposit.number,
            data={"final": final.number,
                  "allocations": [[a.invoice_number, str(a.amount.amount)] for a in allocations]},
            dated=final.issue_date,
        )  # fmt: skip
        made += len(allocations)
    return made


def _open(conn: Connection, invoice: Invoice, ids: Mapping[str, int]) -> Money:
    """What is left to pay on `invoice`, every allocation counted."""
    paid = repo.allocated_minor(conn, ids[invoice.number])
    return invoice.amount - Money.from_minor(paid, invoice.currency)


def deposit_finals(conn: Connection, numbers: Sequence[str]) -> dict[str, str]:
    """The final invoice of each deposit invoice among `numbers`: what a letter says."""
    return {link.deposit_number: link.final_number for link in deposits_repo.links(conn, numbers)}


def deposit_links(store: Store) -> list[DepositLink]:
    """Every deposit invoice with its final invoice and the day it was deducted."""
    with store.begin() as conn:
        return deposits_repo.links(conn)


def link_file_deposits(
    conn: Connection, path: Path, rows: Sequence[InvoiceRow], *, actor: str = "import"
) -> list[str]:
    """Mark the invoices of a file's `deposit_for` column as deposits on the final invoice
    each names (already in the ledger or not), as `relance deposit add` does; an invoice
    already marked keeps its link. Returns the final invoices named. FormatError (file,
    line, `deposit_for`) for an invoice named as a deposit on itself, or on a final
    invoice of another customer or currency."""
    wanted = [row for row in rows if row.deposit_for]
    if not wanted:
        return []
    numbers = [row.invoice.number for row in wanted]
    marked = {link.deposit_number for link in deposits_repo.links(conn, numbers)}
    finals = repo.existing_invoices(conn, [row.deposit_for for row in wanted])
    ids = repo.invoice_ids(conn, numbers)
    for line, invoice, final_number in wanted:
        final = finals.get(final_number)
        if final_number == invoice.number:
            why = "an invoice cannot be a deposit on itself"
        elif final is not None and (final.customer_ref, final.currency) != (
            invoice.customer_ref, invoice.currency,
        ):  # fmt: skip
            why = (f"the final invoice {final_number} is {final.customer_ref}'s in "
                   f"{final.currency}, this deposit {invoice.customer_ref}'s in "
                   f"{invoice.currency}")  # fmt: skip
        else:
            why = ""
        if why:
            raise FormatError(path, str(line), "deposit_for", why)
        if invoice.number in marked:
            continue
        deposits_repo.add_link(conn, ids[invoice.number], final_number)
        repo.append_event(
            conn, "deposit.marked", actor=actor, customer_ref=invoice.customer_ref,
            subject=invoice.number, data={"final": final_number, "file": path.name},
        )  # fmt: skip
    return sorted({row.deposit_for for row in wanted})
