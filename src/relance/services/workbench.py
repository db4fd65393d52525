"""What the web workbench's pages show, each page's data in one call: the day's review,
the queue with its filters, the customers paged, one customer's file.

Read-only: the changes (approve, cancel, log a call, a promise...) go through the same
services as the CLI (`relance.services.dunning`), with the web user as actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_aging
from relance.adapters.storage import repository_pauses as pauses_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_workbench as wrepo
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_workbench import (
    CustomerFilter,
    CustomerPage,
    CustomerSort,
)
from relance.core.aging import AgingReport, Buckets, assemble
from relance.core.engine import ActionStatus
from relance.core.model import Customer
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.policy import Channel
from relance.core.queued import QueuedAction

__all__ = ["CustomerFilter", "CustomerPage", "CustomerSort"]

PROMISE_HORIZON = timedelta(days=7)  # promises falling due within a week either side
PENDING = (ActionStatus.PROPOSED, ActionStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A queued action with its customer, for a page."""

    item: QueuedAction
    customer: Customer | None

    @property
    def balances(self) -> tuple[Money, ...]:
        """What the proposal said the customer owed, per currency."""
        return self.item.step.balances


@dataclass(frozen=True, slots=True)
class Today:
    """The day's review: what waits for approval, the calls, promises and disputes, the
    credits to match, and the aged balance."""

    as_of: date
    proposed: tuple[QueueItem, ...]
    approved: int
    calls: tuple[QueueItem, ...]
    promises: tuple[tuple[Promise, Customer | None], ...]
    disputes: tuple[Dispute, ...]
    unmatched_credits: int
    aging: AgingReport


def _with_customers(conn: Connection, items: Sequence[QueuedAction]) -> list[QueueItem]:
    refs = sorted({item.action.customer_ref for item in items})
    found = {c.ref: c for c in repo.load_customers(conn, refs)} if refs else {}
    return [QueueItem(item, found.get(item.action.customer_ref)) for item in items]


def today(store: Store, as_of: date) -> Today:
    """Everything the Today page shows, as of `as_of`."""
    with store.begin() as conn:
        pending = _with_customers(conn, queue_repo.load_queue(conn, PENDING))
        promises = [
            p
            for p in pauses_repo.load_promises(conn)
            if abs((p.due - as_of).days) <= PROMISE_HORIZON.days
        ]
        promised = {c.ref: c for c in repo.load_customers(conn, [p.customer_ref for p in promises])}
        disputes = [d for d in pauses_repo.load_disputes(conn) if d.active(as_of)]
        unmatched = wrepo.unmatched_credit_count(conn)
        report = assemble(repository_aging.aging_rows(conn, as_of, Buckets()), as_of, Buckets())
    return Today(
        as_of=as_of,
        proposed=tuple(q for q in pending if q.item.action.status is ActionStatus.PROPOSED),
        approved=sum(1 for q in pending if q.item.action.status is ActionStatus.APPROVED),
        calls=tuple(q for q in pending if Channel.CALL in q.item.action.channels),
        promises=tuple(
            sorted(
                ((p, promised.get(p.customer_ref)) for p in promises), key=lambda pair: pair[0].due
            )
        ),
        disputes=tuple(sorted(disputes, key=lambda d: d.opened)),
        unmatched_credits=unmatched,
        aging=report,
    )


@dataclass(frozen=True, slots=True)
class QueueView:
    """The pending actions a filter keeps, and the stages and channels to filter on."""

    items: tuple[QueueItem, ...]
    stages: tuple[str, ...]
    channels: tuple[Channel, ...]


def queue(store: Store, *, stage: str = "", channel: Channel | None = None) -> QueueView:
    """The proposed and approved actions, of one stage (level name) and channel if given."""
    with store.begin() as conn:
        pending = _with_customers(conn, queue_repo.load_queue(conn, PENDING))
    stages = tuple(sorted({q.item.action.level_name for q in pending}))
    channels = tuple(c for c in Channel if any(c in q.item.action.channels for q in pending))
    kept = [
        q
        for q in pending
        if (not stage or q.item.action.level_name == stage)
        and (channel is None or channel in q.item.action.channels)
    ]
    return QueueView(tuple(kept), stages, channels)


def customers(
    store: Store,
    as_of: date,
    *,
    search: str = "",
    which: CustomerFilter = CustomerFilter.OPEN,
    sort: CustomerSort = CustomerSort.BALANCE,
    page: int = 1,
    per_page: int = 50,
) -> CustomerPage:
    """One page of the customers (counted, filtered, sorted and cut by the database)."""
    with store.begin() as conn:
        return wrepo.customer_page(
            conn,
            as_of,
            search=search.strip(),
            which=which,
            sort=sort,
            offset=(max(page, 1) - 1) * per_page,
            limit=per_page,
        )


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice still owed, with its stage in the process."""

    number: str
    issue_date: date
    due_date: date
    amount: Money
    open_balance: Money
    days_late: int
    stage: str  # the level the last step took it to, '' before any


@dataclass(frozen=True, slots=True)
class CustomerFile:
    """One customer's page: who, what they owe, where each invoice stands, the pauses."""

    customer: Customer
    invoices: tuple[OpenInvoice, ...]
    balances: tuple[Money, ...]
    pending: tuple[QueuedAction, ...]
    disputes: tuple[Dispute, ...]
    promises: tuple[Promise, ...]
    holds: tuple[Hold, ...]


def customer_file(store: Store, customer_ref: str, as_of: date) -> CustomerFile:
    """The customer `customer_ref` as of `as_of`; LookupError when there is none."""
    with store.begin() as conn:
        found = repo.load_customers(conn, [customer_ref])
        if not found:
            raise LookupError(f"no customer {customer_ref!r}")
        owed = repo.open_invoice_balances(conn, as_of, customer_ref)
        actions = queue_repo.load_queue(conn, customer_ref=customer_ref)
        disputes = [d for d in pauses_repo.load_disputes(conn, customer_ref) if d.resolved is None]
        promises = pauses_repo.load_promises(conn, customer_ref)
        holds = [h for h in pauses_repo.load_holds(conn, customer_ref) if h.active(as_of)]
    stages = invoice_stage_names(actions)
    invoices = tuple(
        OpenInvoice(
            invoice.number,
            invoice.issue_date,
            invoice.due_date,
            invoice.amount,
            balance,
            (as_of - invoice.due_date).days,
            stages.get(invoice.number, ""),
        )
        for invoice, balance in owed
    )
    totals: dict[str, Money] = {}
    for line in invoices:
        currency = line.open_balance.currency
        totals[currency] = (
            totals[currency] + line.open_balance if currency in totals else line.open_balance
        )
    return CustomerFile(
        found[0],
        invoices,
        tuple(totals[c] for c in sorted(totals)),
        tuple(a for a in actions if a.action.status in PENDING),
        tuple(disputes),
        tuple(sorted(promises, key=lambda p: p.due, reverse=True)),
        tuple(holds),
    )


def invoice_stage_names(actions: Sequence[QueuedAction]) -> dict[str, str]:
    """Each invoice's stage: the level name of the highest step carried out for it."""
    done = sorted(
        (a for a in actions if a.action.status is ActionStatus.DONE),
        key=lambda a: (a.action.done_on or date.min, a.action.level),
    )
    reached: dict[str, tuple[int, str]] = {}
    for queued in done:
        named = {s.number: s.stage_name for s in queued.step.invoices}
        for number, level in queued.action.stages():
            if level >= reached.get(number, (-1, ""))[0]:
                reached[number] = (level, named.get(number, queued.action.level_name))
    return {number: name for number, (_, name) in reached.items()}
