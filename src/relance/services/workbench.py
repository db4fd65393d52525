"""What the web workbench's pages show, each page's data in one call: the day's review,
the queue with its filters, one customer's file (the customers paged:
`customer_list`).

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
from relance.adapters.storage import repository_queue_view as view_repo
from relance.adapters.storage import repository_workbench as wrepo
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_queue_view import QueueFilter
from relance.core.aging import AgingReport, AgingTable, Buckets
from relance.core.engine import ActionStatus
from relance.core.model import Customer
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.policy import Channel
from relance.core.queued import QueuedAction
from relance.services import ledger_cache

PROMISE_HORIZON = timedelta(days=7)  # promises falling due within a week either side
PENDING = (ActionStatus.PROPOSED, ActionStatus.APPROVED)
QUEUE_PAGE = 50  # actions on a page of the queue
TODAY_LIST = 10  # proposals and calls listed on the Today page (the rest: the queue)


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
    proposed: tuple[QueueItem, ...]  # the first TODAY_LIST
    proposed_count: int
    approved: int
    calls: tuple[QueueItem, ...]  # the first TODAY_LIST
    calls_count: int
    promises: tuple[tuple[Promise, Customer | None], ...]
    disputes: tuple[Dispute, ...]
    unmatched_credits: int
    aging: AgingReport


def _with_customers(conn: Connection, items: Sequence[QueuedAction]) -> list[QueueItem]:
    refs = sorted({item.action.customer_ref for item in items})
    found = {c.ref: c for c in repo.load_customers(conn, refs)} if refs else {}
    return [QueueItem(item, found.get(item.action.customer_ref)) for item in items]


def today(store: Store, as_of: date) -> Today:
    """Everything the Today page shows, as of `as_of`: the counts and the first few
    proposals and calls are read by the database, the aged balance is summed by it."""
    proposed = QueueFilter((ActionStatus.PROPOSED,))
    calls = QueueFilter(PENDING, channel=Channel.CALL)
    proposed_ids, call_ids = queue_ids(store, proposed), queue_ids(store, calls)
    first = _load_items(store, proposed_ids[:TODAY_LIST])
    to_call = _load_items(store, call_ids[:TODAY_LIST])
    with store.begin() as conn:
        promises = [
            p
            for p in pauses_repo.load_promises(conn)
            if abs((p.due - as_of).days) <= PROMISE_HORIZON.days
        ]
        promised = {c.ref: c for c in repo.load_customers(conn, [p.customer_ref for p in promises])}
        disputes = [d for d in pauses_repo.load_disputes(conn) if d.active(as_of)]
        unmatched = wrepo.unmatched_credit_count(conn)
    return Today(
        as_of=as_of,
        proposed=tuple(first),
        proposed_count=len(proposed_ids),
        approved=len(queue_ids(store, QueueFilter((ActionStatus.APPROVED,)))),
        calls=tuple(to_call),
        calls_count=len(call_ids),
        promises=tuple(
            sorted(
                ((p, promised.get(p.customer_ref)) for p in promises), key=lambda pair: pair[0].due
            )
        ),
        disputes=tuple(sorted(disputes, key=lambda d: d.opened)),
        unmatched_credits=unmatched,
        aging=aging_totals(store, as_of),
    )


@dataclass(frozen=True, slots=True)
class QueueView:
    """One page of the pending actions a filter keeps, how many it keeps in all, and the
    stages and channels to filter on."""

    items: tuple[QueueItem, ...]
    stages: tuple[str, ...]
    channels: tuple[Channel, ...]
    total: int = 0
    page: int = 1
    pages: int = 1


def queue(
    store: Store,
    *,
    stage: str = "",
    channel: Channel | None = None,
    page: int = 1,
    per_page: int = QUEUE_PAGE,
) -> QueueView:
    """The proposed and approved actions, of one stage (level name) and channel if given,
    `per_page` of them on page `page` (counted and cut by the database)."""
    ids = queue_ids(store, QueueFilter(PENDING, stage, channel))
    pages = max(1, -(-len(ids) // per_page))
    page = min(max(page, 1), pages)
    items = _load_items(store, ids[(page - 1) * per_page : page * per_page])

    def facets() -> tuple[tuple[str, ...], tuple[Channel, ...]]:
        with store.begin() as conn:
            return view_repo.queue_facets(conn, PENDING)

    stages, channels = ledger_cache.kept(store, ("queue facets",), facets)
    return QueueView(tuple(items), stages, channels, len(ids), page, pages)


def queue_ids(store: Store, which: QueueFilter) -> tuple[int, ...]:
    """The ids of the queued actions `which` keeps, in the queue's order (kept until the
    next commit: a run queues a step for every customer in arrears)."""

    def compute() -> tuple[int, ...]:
        with store.begin() as conn:
            return tuple(view_repo.queue_ids(conn, which))

    return ledger_cache.kept(store, ("queue ids", which), compute)


def _load_items(store: Store, ids: Sequence[int]) -> list[QueueItem]:
    if not ids:
        return []
    with store.begin() as conn:
        return _with_customers(conn, queue_repo.load_queue(conn, ids=ids))


def queue_item(store: Store, action_id: int) -> QueueItem | None:
    """The pending action `action_id` with its customer, None when it is not pending."""
    with store.begin() as conn:
        found = queue_repo.load_queue(conn, PENDING, ids=[action_id])
        return _with_customers(conn, found)[0] if found else None


def aging_totals(store: Store, as_of: date, buckets: Buckets = Buckets()) -> AgingReport:
    """The aged balance's totals per currency as of `as_of` (no customers' rows), summed by
    the database and kept until the next commit (`ledger_cache`)."""

    def compute() -> dict[str, list[int]]:
        with store.begin() as conn:
            return repository_aging.aging_totals(conn, as_of, buckets)

    totals = ledger_cache.kept(store, ("aging totals", as_of, buckets), compute)
    tables = tuple(
        AgingTable(currency, (), tuple(Money.from_minor(m, currency) for m in minor))
        for currency, minor in totals.items()
    )
    return AgingReport(as_of, buckets, tables)


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
    invoice_count: int = 0  # open invoices in all (`invoices` may hold the oldest only)


def customer_file(
    store: Store, customer_ref: str, as_of: date, *, shown: int | None = None
) -> CustomerFile:
    """The customer `customer_ref` as of `as_of`, with the `shown` oldest open invoices
    (all without it; the balances count them all); LookupError when there is none."""
    with store.begin() as conn:
        found = repo.load_customers(conn, [customer_ref])
        if not found:
            raise LookupError(f"no customer {customer_ref!r}")
        owed = repo.open_invoice_balances(conn, as_of, customer_ref, limit=shown)
        balances, count = wrepo.open_balances_of(conn, customer_ref, as_of)
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
    return CustomerFile(
        found[0],
        invoices,
        tuple(balances),
        tuple(a for a in actions if a.action.status in PENDING),
        tuple(disputes),
        tuple(sorted(promises, key=lambda p: p.due, reverse=True)),
        tuple(holds),
        count,
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
