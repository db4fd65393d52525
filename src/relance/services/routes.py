"""`relance routes CUSTOMER`: the routes of a customer's claim after the formal notice
compared, with the basis of each figure (`relance.core.routes`). It changes nothing: the
user decides with `relance handoff`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from relance.adapters.route_rules import read_route_rules
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.agencies import guarantee_refusal
from relance.core.charges import ChargeKind, Charges
from relance.core.handoff import ClaimItem, proceedings_refusal
from relance.core.model import CustomerKind
from relance.core.money import Money, total
from relance.core.routes import Claim, ClosedFile, Comparison, compare_routes
from relance.core.writeoff import HandoffStatus
from relance.services.handoffs import need_claim, proceeding_of
from relance.services.interest_reports import customer_claims


@dataclass(frozen=True, slots=True)
class CustomerRoutes:
    """The routes compared for one currency of the customer's claim: its invoices, the
    comparison, and what was left out of the claim (interest that cannot be claimed)."""

    invoices: tuple[str, ...]
    comparison: Comparison
    notes: tuple[str, ...] = ()


def compare(store: Store, customer_ref: str, on: date) -> tuple[CustomerRoutes, ...]:
    """The routes of the customer's claim on `on`, one comparison per currency.
    `NothingToHandOver` when no invoice is past the formal notice."""
    rules = read_route_rules()
    with store.begin() as conn:
        items = need_claim(conn, customer_ref, on)
        customer, _, claims, _ = customer_claims(conn, customer_ref, on)
        agencies = [a for a in agency_repo.load_agencies(conn) if guarantee_refusal(a, on) is None]
        history = closed_files(conn, on)
        proceeding = proceeding_of(conn, customer_ref, on)
    charges = {claim.invoice_number: claim for claim in claims}
    found = []
    for currency in sorted({item.balance.currency for item in items}):
        mine = [item for item in items if item.balance.currency == currency]
        claim, notes = _claim(mine, charges, currency, customer.kind is CustomerKind.BUSINESS)
        claim = dataclasses.replace(claim, debtor_country=customer.country or "FR")
        found.append(
            CustomerRoutes(
                tuple(item.invoice.number for item in mine),
                compare_routes(
                    claim,
                    agencies,
                    rules,
                    history,
                    lambda route: proceedings_refusal(route, proceeding),
                ),
                notes,
            )
        )
    return tuple(found)


def _claim(
    items: Sequence[ClaimItem], charges: dict[str, Charges], currency: str, business: bool
) -> tuple[Claim, tuple[str, ...]]:
    interest: list[Money] = []
    indemnity: list[Money] = []
    vat: list[Money] = []
    notes: list[str] = []
    for item in items:
        invoice = item.invoice
        if invoice.amount.is_positive:
            vat.append(Money(item.balance.amount * invoice.tax.amount / invoice.amount.amount,
                             currency))  # fmt: skip
        found = charges.get(invoice.number)
        if found is None:
            continue
        if found.blocking:
            notes.append(f"{invoice.number}: interest left out ({'; '.join(found.blocking)})")
            continue
        for kind, into in ((ChargeKind.INTEREST, interest), (ChargeKind.INDEMNITY, indemnity)):
            into.extend(c.amount for c in found.of_kind(kind) if c.amount.currency == currency)
    claim = Claim(
        currency,
        total((item.balance for item in items), currency),
        total(interest, currency),
        total(indemnity, currency),
        max(item.age_days for item in items),
        total(vat, currency),
        business,
    )
    return claim, tuple(notes)


def closed_files(conn: Connection, on: date) -> list[ClosedFile]:
    """relance's own agency claims that ended by `on` (recovered, or returned): the age
    and amount handed over, and what the agency recovered on each (one per invoice)."""
    routes = [r for r in agency_repo.load_routes(conn) if r.route == "agency" and r.date <= on]
    if not routes:
        return []
    handoffs = law_repo.load_handoffs(conn, [r.invoice_number for r in routes])
    latest: dict[str, HandoffStatus] = {}
    for handoff in handoffs:  # oldest first: the last one wins
        if handoff.date <= on:
            latest[handoff.invoice_number] = handoff.status
    recovered: dict[tuple[str, str], Money] = {}
    for row in agency_repo.load_recoveries(conn):
        if row.date <= on:
            key = (row.agency, row.invoice_number)
            recovered[key] = recovered.get(key, Money.zero(row.amount.currency)) + row.amount
    ended = (HandoffStatus.RECOVERED_BY_AGENCY, HandoffStatus.RETURNED_BY_AGENCY)
    return [
        ClosedFile(
            r.age_days,
            r.claim.amount,
            recovered.get((r.agency or "", r.invoice_number), Money.zero(r.claim.currency)).amount,
        )
        for r in routes
        if latest.get(r.invoice_number) in ended
    ]
