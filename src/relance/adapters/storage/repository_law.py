"""Reading and writing contracts, formal notices, interruptions, write-offs and handoffs.

Functions take an open `Connection`; the service decides the transaction. Rows become the
core's records (`Contract`, `Interruption`, `WriteOffDecision`, `AgencyHandoff`), keyed by
customer reference and invoice number, never by database id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage.filters import customer_is
from relance.core.interest import FormalNotice
from relance.core.jurisdiction import Contract
from relance.core.limitation import Interruption, InterruptionKind
from relance.core.money import Money
from relance.core.terms import DiscountTerms, parse_discount_terms
from relance.core.writeoff import (
    AgencyHandoff,
    HandoffStatus,
    WriteOffDecision,
    WriteOffReason,
)


def customer_id(conn: Connection, ref: str) -> int:
    """The database id of customer `ref`; LookupError naming it when unknown."""
    found = conn.execute(select(t.customers.c.id).where(t.customers.c.ref == ref)).scalar()
    if found is None:
        raise LookupError(f"unknown customer {ref!r}")
    return int(found)


def invoice_id(conn: Connection, number: str) -> int:
    """The database id of invoice `number`; LookupError naming it when unknown."""
    found = conn.execute(select(t.invoices.c.id).where(t.invoices.c.number == number)).scalar()
    if found is None:
        raise LookupError(f"unknown invoice {number!r}")
    return int(found)


# -- contracts --------------------------------------------------------------


def _money(minor: int | None, currency: str | None) -> Money | None:
    if minor is None or currency is None:
        return None
    return Money.from_minor(minor, currency)


def save_contract(conn: Connection, customer_ref: str, contract: Contract) -> None:
    """Create or replace a customer's contract terms (its formal notice is kept apart)."""
    owner = customer_id(conn, customer_ref)
    values: dict[str, Any] = {
        "rule_set": contract.rule_set,
        "rate": str(contract.rate) if contract.rate is not None else None,
        "fee_per_invoice_minor": (
            contract.fee_per_invoice.to_minor() if contract.fee_per_invoice else None
        ),
        "fee_per_invoice_currency": (
            contract.fee_per_invoice.currency if contract.fee_per_invoice else None
        ),
        "fee_per_letter_minor": (
            contract.fee_per_letter.to_minor() if contract.fee_per_letter else None
        ),
        "fee_per_letter_currency": (
            contract.fee_per_letter.currency if contract.fee_per_letter else None
        ),
        "discount": str(contract.discount) if contract.discount is not None else None,
        "limitation_years": contract.limitation_years,
        "waive_interest": contract.waive_interest,
        "waive_indemnity": contract.waive_indemnity,
        "updated_at": datetime.now(UTC),
    }
    exists = conn.execute(
        select(tl.law_contracts.c.id).where(tl.law_contracts.c.customer_id == owner)
    ).first()
    if exists is None:
        conn.execute(insert(tl.law_contracts).values(customer_id=owner, **values))
    else:
        conn.execute(
            update(tl.law_contracts).where(tl.law_contracts.c.customer_id == owner).values(**values)
        )


def load_contracts(conn: Connection, refs: Iterable[str] | None = None) -> dict[str, Contract]:
    """Stored contracts by customer reference (customers without one are absent)."""
    c = tl.law_contracts.c
    query = select(tl.law_contracts, t.customers.c.ref).join(
        t.customers, t.customers.c.id == c.customer_id
    )
    if refs is not None:
        query = query.where(t.customers.c.ref.in_(list(refs)))
    found: dict[str, Contract] = {}
    for row in conn.execute(query).mappings():
        found[row["ref"]] = Contract(
            rule_set=row["rule_set"],
            rate=Decimal(row["rate"]) if row["rate"] is not None else None,
            fee_per_invoice=_money(row["fee_per_invoice_minor"], row["fee_per_invoice_currency"]),
            fee_per_letter=_money(row["fee_per_letter_minor"], row["fee_per_letter_currency"]),
            discount=parse_discount_terms(row["discount"]) if row["discount"] else None,
            limitation_years=row["limitation_years"],
            waive_interest=bool(row["waive_interest"]),
            waive_indemnity=bool(row["waive_indemnity"]),
        )
    return found


def set_invoice_discount(
    conn: Connection, invoice_number: str, terms: DiscountTerms | None
) -> None:
    """Put discount terms on one invoice (None removes them)."""
    owner = invoice_id(conn, invoice_number)
    conn.execute(delete(tl.law_invoice_terms).where(tl.law_invoice_terms.c.invoice_id == owner))
    if terms is not None:
        conn.execute(insert(tl.law_invoice_terms).values(invoice_id=owner, discount=str(terms)))


def discount_terms_for(conn: Connection, invoice_db_id: int) -> DiscountTerms | None:
    """The discount terms of an invoice: its own, else its customer's contract's, else None."""
    own = conn.execute(
        select(tl.law_invoice_terms.c.discount).where(
            tl.law_invoice_terms.c.invoice_id == invoice_db_id
        )
    ).scalar()
    if own:
        return parse_discount_terms(own)
    contract = conn.execute(
        select(tl.law_contracts.c.discount)
        .join(t.invoices, t.invoices.c.customer_id == tl.law_contracts.c.customer_id)
        .where(t.invoices.c.id == invoice_db_id)
    ).scalar()
    return parse_discount_terms(contract) if contract else None


# -- formal notices ---------------------------------------------------------


def add_formal_notice(
    conn: Connection,
    customer_ref: str,
    on: date,
    invoice_number: str | None = None,
    note: str = "",
) -> None:
    """Record a formal notice received by a customer, for one invoice or all of them."""
    values: dict[str, Any] = {"customer_id": customer_id(conn, customer_ref), "date": on}
    if invoice_number is not None:
        values["invoice_id"] = invoice_id(conn, invoice_number)
    conn.execute(insert(tl.law_formal_notices).values(note=note, **values))


def formal_notices(
    conn: Connection, customer_ref: str | Sequence[str] | None = None
) -> list[FormalNotice]:
    """Every recorded formal notice (of one customer, of several, or all), by date: one
    naming an invoice, or one for the whole customer (`invoice_number` None)."""
    n = tl.law_formal_notices.c
    query = (
        select(t.customers.c.ref, t.invoices.c.number, n.date)
        .select_from(tl.law_formal_notices)
        .join(t.customers, t.customers.c.id == n.customer_id)
        .outerjoin(t.invoices, t.invoices.c.id == n.invoice_id)
        .order_by(n.date, n.id)
    )
    if customer_ref is not None:
        query = query.where(customer_is(t.customers.c.ref, customer_ref))
    return [FormalNotice(ref, day, number) for ref, number, day in conn.execute(query)]


# -- limitation interruptions -----------------------------------------------


def add_interruption(conn: Connection, interruption: Interruption) -> None:
    """Record an event that restarts an invoice's limitation period."""
    conn.execute(
        insert(tl.law_interruptions).values(
            invoice_id=invoice_id(conn, interruption.invoice_number),
            kind=interruption.kind.value,
            date=interruption.date,
            note=interruption.note,
        )
    )


def load_interruptions(
    conn: Connection, invoice_numbers: Iterable[str] | None = None
) -> list[Interruption]:
    """Recorded interruptions, all or those of `invoice_numbers`, by date."""
    i = tl.law_interruptions.c
    query = (
        select(t.invoices.c.number, i.kind, i.date, i.note)
        .join(t.invoices, t.invoices.c.id == i.invoice_id)
        .order_by(i.date, i.id)
    )
    found: list[Interruption] = []
    if invoice_numbers is None:
        rows = list(conn.execute(query))
    else:
        wanted = list(invoice_numbers)
        rows = []
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            rows.extend(conn.execute(query.where(t.invoices.c.number.in_(chunk))))
    for number, kind, day, note in rows:
        found.append(Interruption(number, InterruptionKind(kind), day, note))
    return found


# -- write-offs and agency handoffs -----------------------------------------


def add_write_off(conn: Connection, decision: WriteOffDecision) -> None:
    """Record a write-off decision (at most one per invoice: the database refuses a second)."""
    conn.execute(
        insert(tl.law_write_offs).values(
            invoice_id=invoice_id(conn, decision.invoice_number),
            date=decision.date,
            reason=decision.reason.value,
            currency=decision.amount.currency,
            amount_minor=decision.amount.to_minor(),
            vat_minor=decision.vat.to_minor(),
            note=decision.note,
        )
    )


def load_write_offs(conn: Connection) -> list[WriteOffDecision]:
    """Every write-off decision, by date then invoice number."""
    w = tl.law_write_offs.c
    query = (
        select(
            t.invoices.c.number,
            t.customers.c.ref,
            w.date,
            w.reason,
            w.currency,
            w.amount_minor,
            w.vat_minor,
            w.note,
        )
        .select_from(tl.law_write_offs)
        .join(t.invoices, t.invoices.c.id == w.invoice_id)
        .join(t.customers, t.customers.c.id == t.invoices.c.customer_id)
        .order_by(w.date, t.invoices.c.number)
    )
    return [
        WriteOffDecision(
            number,
            ref,
            day,
            WriteOffReason(reason),
            Money.from_minor(amount, currency),
            Money.from_minor(vat, currency),
            note,
        )
        for number, ref, day, reason, currency, amount, vat, note in conn.execute(query)
    ]


def add_handoff(conn: Connection, handoff: AgencyHandoff) -> None:
    """Record a change of a claim's status with a collection agency."""
    conn.execute(
        insert(tl.law_agency_handoffs).values(
            invoice_id=invoice_id(conn, handoff.invoice_number),
            agency=handoff.agency,
            date=handoff.date,
            status=handoff.status.value,
            note=handoff.note,
        )
    )


def load_handoffs(
    conn: Connection, invoice_numbers: Iterable[str] | None = None
) -> list[AgencyHandoff]:
    """Recorded agency handoffs, all or those of `invoice_numbers`, oldest first."""
    h = tl.law_agency_handoffs.c
    query = (
        select(t.invoices.c.number, h.agency, h.date, h.status, h.note)
        .join(t.invoices, t.invoices.c.id == h.invoice_id)
        .order_by(h.date, h.id)
    )
    if invoice_numbers is not None:
        query = query.where(t.invoices.c.number.in_(list(invoice_numbers)))
    return [
        AgencyHandoff(number, agency, day, HandoffStatus(status), note)
        for number, agency, day, status, note in conn.execute(query)
    ]
