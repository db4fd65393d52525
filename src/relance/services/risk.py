"""Credit risk (docs/prevention.md): each customer's exposure against its credit limit,
and its payment behaviour graded A to E with the reasons, as of any date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_pauses as pauses_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_risk as risk_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.actions import Action
from relance.core.model import Allocation, Customer, Invoice
from relance.core.pauses import Dispute, Promise
from relance.core.risk import Behaviour, Exposure, assess
from relance.core.writeoff import HandoffStatus
from relance.services.customer_lookup import known_customer


def over_limit(store: Store, as_of: date) -> list[Exposure]:
    """The customers whose exposure (open balance, due or not) exceeds their credit limit
    on `as_of`: what an import and the daily run's summary flag."""
    with store.begin() as conn:
        return over_limit_in(conn, as_of)


def over_limit_in(conn: Connection, as_of: date) -> list[Exposure]:
    """`over_limit` within the transaction `conn`."""
    return [e for e in risk_repo.exposures(conn, as_of, over_only=True) if e.over_limit]


@dataclass(slots=True)
class _Records:
    """One customer's records that its behaviour is read from."""

    invoices: list[Invoice] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RiskLine:
    """One customer's behaviour, grade and exposure as of a day."""

    customer: Customer
    behaviour: Behaviour
    exposures: tuple[Exposure, ...]
    invoices: tuple[Invoice, ...] = ()


def risk_report(store: Store, as_of: date, customer_ref: str | None = None) -> list[RiskLine]:
    """Every customer's (or one's) payment behaviour and grade as of `as_of`, with its
    exposure against its limit. LookupError for an unknown customer."""
    with store.begin() as conn:
        if customer_ref is not None:
            customers = [known_customer(conn, customer_ref)]
        else:
            customers = repo.load_customers(conn)
        return _lines(conn, as_of, customers)


def _lines(conn: Connection, as_of: date, customers: Sequence[Customer]) -> list[RiskLine]:
    one = customers[0].ref if len(customers) == 1 else None
    invoices = repo.load_invoices(conn, one)
    numbers = [i.number for i in invoices]
    owner = {i.number: i.customer_ref for i in invoices}
    allocations = repo.load_allocations(conn, numbers if one else None)
    actions = [a for _, a in queue_repo.engine_actions(conn, as_of, one)]
    handed = {
        h.invoice_number: h.date
        for h in law_repo.load_handoffs(conn, numbers if one else None)
        if h.status in (HandoffStatus.WITH_AGENCY, HandoffStatus.RECOVERED_BY_AGENCY)
        and h.date <= as_of
    }
    grouped: dict[str, _Records] = defaultdict(_Records)
    for invoice in invoices:
        grouped[invoice.customer_ref].invoices.append(invoice)
    for allocation in allocations:
        if allocation.invoice_number in owner:
            grouped[owner[allocation.invoice_number]].allocations.append(allocation)
    for action in actions:
        grouped[action.customer_ref].actions.append(action)
    for promise in pauses_repo.load_promises(conn, one):
        grouped[promise.customer_ref].promises.append(promise)
    for dispute in pauses_repo.load_disputes(conn, one):
        if dispute.invoice_number in owner:
            grouped[owner[dispute.invoice_number]].disputes.append(dispute)
    refs = [c.ref for c in customers]
    exposure: dict[str, list[Exposure]] = defaultdict(list)
    for found in risk_repo.exposures(conn, as_of, refs, limited=False):
        exposure[found.customer_ref].append(found)
    lines = []
    for customer in customers:
        mine = grouped[customer.ref]
        behaviour = assess(
            customer.ref, mine.invoices, mine.allocations, as_of, actions=mine.actions,
            promises=mine.promises, disputes=mine.disputes, handed_over=handed,
        )  # fmt: skip
        exposed = tuple(exposure.get(customer.ref, ()))
        lines.append(RiskLine(customer, behaviour, exposed, tuple(mine.invoices)))
    return lines
