"""Use cases of the law of late payment beyond interest and limitation: early-payment
discounts, payment terms against the legal caps, write-offs and agency handoffs.

Interest reports, letter charges, contracts and limitation have their own modules
(`interest_reports`, `letter_charges`, `contracts`, `limitation`); the rules files and
the choice of a customer's rule set are in `rule_sets`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.formats.fec_export import write_fec
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money, total
from relance.core.terms import TermCheck, check_payment_term, discount_allocation
from relance.core.writeoff import (
    AgencyHandoff,
    HandoffStatus,
    JournalEntry,
    WriteOffDecision,
    WriteOffReason,
    decide_write_off,
    write_off_allocation,
    write_off_entry,
)
from relance.services import webhook_events
from relance.services.agencies import agency_for_handoff, need_agency
from relance.services.rule_sets import (
    need_creditor,
    rule_set_or_table,
)

# -- early-payment discounts ---------------------------------------------------


def grant_early_payment_discount(
    conn: Connection, invoice: Invoice, invoice_db_id: int, payment: Allocation
) -> Allocation | None:
    """Called by the import after a payment is allocated to `invoice`: when the invoice
    (or its customer's contract) has discount terms and the payment, made within the
    window, brings what was paid up to the discounted amount, record the rest as a
    DISCOUNT allocation and return it; otherwise do nothing and return None."""
    if payment.kind is not AllocationKind.PAYMENT:
        return None
    terms = law_repo.discount_terms_for(conn, invoice_db_id)
    if terms is None:
        return None
    paid = Money.from_minor(repo.allocated_minor(conn, invoice_db_id), invoice.currency)
    granted = discount_allocation(invoice, terms, paid, payment.date, payment.source)
    if granted is None:
        return None
    repo.add_allocation(conn, granted, invoice_db_id)
    repo.append_event(
        conn,
        "discount",
        actor="import",
        customer_ref=invoice.customer_ref,
        subject=invoice.number,
        data={"terms": str(terms), "amount": str(granted.amount.amount), "payment": payment.source},
        reason=f"paid within the early-payment window ({terms})",
        dated=payment.date,
    )
    return granted


def set_invoice_discount(store: Store, invoice_number: str, terms_text: str | None) -> None:
    """Put discount terms such as "2/10 net 30" on one invoice (None removes them)."""
    from relance.core.terms import parse_discount_terms

    terms = parse_discount_terms(terms_text) if terms_text else None
    with store.begin() as conn:
        law_repo.set_invoice_discount(conn, invoice_number, terms)


# -- payment terms ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermWarning:
    """An invoice whose agreed term exceeds (or only fits with a clause) the legal cap."""

    invoice: Invoice
    check: TermCheck
    rule_set: str


def payment_term_warnings(store: Store) -> tuple[TermWarning, ...]:
    """Invoices whose term exceeds their rule set's cap (France B2B: 60 days, or 45 days
    end of month with a clause), by invoice date."""
    with store.begin() as conn:
        creditor = need_creditor(conn)
        customers = {c.ref: c for c in repo.load_customers(conn)}
        contracts = law_repo.load_contracts(conn)
        invoices = repo.load_invoices(conn)
    by_customer = {
        ref: rule_set_or_table(creditor, customer, contracts.get(ref))
        for ref, customer in customers.items()
    }
    found = []
    for invoice in invoices:
        rule_set = by_customer[invoice.customer_ref]
        if rule_set.term_cap_days is None:
            continue
        check = check_payment_term(
            invoice, rule_set.term_cap_days, rule_set.term_cap_end_of_month_days
        )
        if check.is_problem:
            found.append(TermWarning(invoice, check, rule_set.code))
    return tuple(sorted(found, key=lambda w: (w.invoice.issue_date, w.invoice.number)))


# -- write-off and agency handoffs ------------------------------------------------


def write_off(
    store: Store,
    invoice_number: str,
    reason: WriteOffReason,
    on: date,
    note: str = "",
    vat_recoverable: bool = True,
    actor: str = "user",
) -> WriteOffDecision:
    """Write off what is still owed on an invoice: record the decision, a WRITE_OFF
    allocation (its status becomes written off) and an event. Raises `NothingToWriteOff`
    (a ValueError) when nothing is owed, LookupError for an unknown invoice."""
    with store.begin() as conn:
        return write_off_in(conn, invoice_number, reason, on, note, vat_recoverable, actor)


def write_off_in(
    conn: Connection,
    invoice_number: str,
    reason: WriteOffReason,
    on: date,
    note: str = "",
    vat_recoverable: bool = True,
    actor: str = "user",
) -> WriteOffDecision:
    """`write_off` in the caller's transaction (a customer's handoff writes off several
    invoices at once, all or none)."""
    found = repo.load_invoices(conn, numbers=[invoice_number])
    if not found:
        raise LookupError(f"unknown invoice {invoice_number!r}")
    invoice = found[0]
    allocations = repo.load_allocations(conn, [invoice_number])
    # every allocation counts, even one dated after `on`: never write off money received
    owed = invoice.amount - total((a.amount for a in allocations), invoice.currency)
    decision = decide_write_off(invoice, owed, on, reason, note, vat_recoverable)
    allocation = write_off_allocation(decision)
    repo.add_allocation(conn, allocation, law_repo.invoice_id(conn, invoice_number))
    webhook_events.allocations_made(conn, [allocation])
    law_repo.add_write_off(conn, decision)
    repo.append_event(
        conn,
        "write_off",
        actor=actor,
        customer_ref=invoice.customer_ref,
        subject=invoice_number,
        data={
            "date": on.isoformat(),
            "reason": reason.value,
            "amount": str(decision.amount.amount),
            "vat": str(decision.vat.amount),
            "currency": decision.amount.currency,
        },
        reason=note or reason.value,
        dated=on,
    )
    return decision


@dataclass(frozen=True, slots=True)
class WriteOffExport:
    """What `export_write_offs` wrote, and what it left out and why."""

    path: Path
    entries: tuple[JournalEntry, ...]
    problems: tuple[str, ...] = ()


def write_off_entries(store: Store) -> tuple[tuple[JournalEntry, ...], tuple[str, ...]]:
    """Every write-off as a journal entry (654 / 44571 / 411), numbered in date order;
    decisions in another currency than EUR are left out with a problem (FEC is in euros)."""
    with store.begin() as conn:
        decisions = law_repo.load_write_offs(conn)
        numbers = [d.invoice_number for d in decisions]
        invoices = {i.number: i for i in repo.load_invoices(conn, numbers=numbers)}
        customers = {
            c.ref: c for c in repo.load_customers(conn, {d.customer_ref for d in decisions})
        }
    problems = [
        f"write-off of {d.invoice_number} is in {d.amount.currency}: "
        "convert it to euros before it can go in a FEC"
        for d in decisions
        if d.amount.currency != "EUR"
    ]
    # numbered after the others are left out: FEC entry numbers run without gaps
    in_euros = [d for d in decisions if d.amount.currency == "EUR"]
    entries = [
        write_off_entry(
            decision,
            invoices[decision.invoice_number],
            customers[decision.customer_ref],
            f"PP{index:06d}",
        )
        for index, decision in enumerate(in_euros, start=1)
    ]
    return tuple(entries), tuple(problems)


def export_write_offs(store: Store, path: Path) -> WriteOffExport:
    """Write every write-off's accounting entry to `path` as FEC lines."""
    entries, problems = write_off_entries(store)
    write_fec(path, entries)
    return WriteOffExport(path, entries, problems)


def record_handoff(
    store: Store,
    invoice_number: str,
    agency: str,
    status: HandoffStatus,
    on: date,
    note: str = "",
    actor: str = "user",
    *,
    checked: bool = False,
) -> AgencyHandoff:
    """Record a change of an invoice's claim's state at a collection agency. With
    `checked`, the agency must be on record, and sending the claim to it (`with_agency`)
    needs its guarantees (`AgencyRefused` says what is missing)."""
    handoff = AgencyHandoff(invoice_number, agency, on, status, note)
    with store.begin() as conn:
        if checked and status is HandoffStatus.WITH_AGENCY:
            agency_for_handoff(conn, agency, on)
            _route_one(conn, invoice_number, agency, on, note, actor)
        elif checked:
            need_agency(conn, agency)
        invoices = repo.load_invoices(conn, numbers=[invoice_number])
        if not invoices:
            raise LookupError(f"unknown invoice {invoice_number!r}")
        law_repo.add_handoff(conn, handoff)
        repo.append_event(
            conn,
            "agency_handoff",
            actor=actor,
            customer_ref=invoices[0].customer_ref,
            subject=invoice_number,
            data={"agency": agency, "status": status.value, "date": on.isoformat()},
            reason=note,
            dated=on,
        )
    return handoff


def _route_one(
    conn: Connection, invoice_number: str, agency: str, on: date, note: str, actor: str
) -> None:
    """Record one invoice sent alone to an agency as a file of its own (its claim and age
    that day), so its recoveries and fees follow as for a customer's handoff."""
    owner = repo.load_invoices(conn, numbers=[invoice_number])[0].customer_ref
    found = [
        (i, b) for i, b in repo.open_invoice_balances(conn, on, owner) if i.number == invoice_number
    ]
    if not found:
        raise ValueError(f"invoice {invoice_number} has nothing owed on {on.isoformat()}")
    invoice, balance = found[0]
    fees = need_agency(conn, agency).fees
    agency_repo.add_route(
        conn,
        agency_repo.RouteRow(
            invoice_number, invoice.customer_ref, "agency", agency, on, balance,
            max(0, (on - invoice.due_date).days), actor, note,
            Money(fees.fixed_fee, fees.currency) if fees.currency == balance.currency else None,
        ),
    )  # fmt: skip
