"""The ledger as of the delivery day, for the check made just before any message leaves
(see `relance.core.staleness`): balances, credit on account, the customer's other actions,
disputes, promises, plans, holds, proceedings, agency handoffs and court actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as rlaw
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_runs as rruns
from relance.adapters.storage.database import Connection
from relance.core.model import Customer, Invoice
from relance.core.money import Money
from relance.core.policy import PolicyIndex
from relance.core.queued import QueuedAction
from relance.core.staleness import DeliveryCheck, DeliveryFacts, check_delivery


@dataclass(frozen=True, slots=True)
class CustomerView:
    """What both the delivery check and the composition read of an action's customer as
    of the send day, read once: the customer, its open invoices with their balances, and
    its credit on account by currency."""

    customer: Customer | None
    owed: tuple[tuple[Invoice, Money], ...]
    credit: dict[str, Money]


def customer_view(conn: Connection, customer_ref: str, as_of: date) -> CustomerView:
    """The customer `customer_ref` as of `as_of` (see `CustomerView`)."""
    return customer_views(conn, [customer_ref], as_of)[customer_ref]


def customer_views(conn: Connection, refs: Sequence[str], as_of: date) -> dict[str, CustomerView]:
    """`customer_view` of each of `refs`, read in one query per kind of fact (the
    customers, their open balances, their credit on account)."""
    customers = {customer.ref: customer for customer in repo.load_customers(conn, refs)}
    owed = repo.open_balances_of(conn, as_of, refs)
    credit = overdue_repo.unapplied_credit(conn, as_of, customer_refs=refs)
    return {
        ref: CustomerView(
            customers.get(ref),
            tuple(owed[ref]),
            {currency: Money(amount, currency) for currency, amount in credit.get(ref, {}).items()},
        )
        for ref in refs
    }


def delivery_facts(
    conn: Connection, item: QueuedAction, as_of: date, view: CustomerView | None = None
) -> DeliveryFacts:
    """Everything `check_delivery` asks about one action's customer, as of `as_of`."""
    action = item.action
    ref = action.customer_ref
    view = view or customer_view(conn, ref, as_of)
    numbers = list(action.invoice_numbers)
    balances = {
        invoice.number: balance for invoice, balance in view.owed if invoice.number in numbers
    }
    plans = tuple(pause_repo.load_plans(conn, ref))
    toward = overdue_repo.allocations_to(conn, (n for p in plans for n in p.invoice_numbers), as_of)
    plan_payments = {
        plan.key: tuple(
            (a.date, a.amount) for a in toward if a.invoice_number in plan.invoice_numbers
        )
        for plan in plans
    }
    policy = (
        PolicyIndex(policy_repo.load_policies(conn), policy_repo.load_rules(conn)).for_customer(
            view.customer
        )
        if view.customer is not None
        else None
    )
    return DeliveryFacts(
        action=action,
        balances=balances,
        credit=view.credit,
        others=tuple(other for _, other in queue_repo.engine_actions(conn, as_of, ref)),
        disputes=tuple(pause_repo.load_disputes(conn, ref)),
        promises=tuple(pause_repo.load_promises(conn, ref)),
        payments=tuple(
            (day, amount) for _, day, amount in overdue_repo.payments_of(conn, [ref], as_of)
        ),
        plans=plans,
        plan_payments=plan_payments,
        holds=tuple(pause_repo.load_holds(conn, ref)),
        proceedings=tuple(rruns.load_proceedings(conn, [ref])),
        handoffs=tuple(rlaw.load_handoffs(conn, numbers)),
        interruptions=tuple(rlaw.load_interruptions(conn, numbers)),
        promise_grace_days=policy.promise_grace_days if policy else 3,
        plan_grace_days=policy.plan_grace_days if policy else 5,
    )


def check_action(
    conn: Connection, item: QueuedAction, as_of: date, view: CustomerView | None = None
) -> DeliveryCheck:
    """May `item`'s message leave on `as_of`, and claiming which invoices? `view`: the
    customer already read, for the composition that follows."""
    return check_delivery(delivery_facts(conn, item, as_of, view), as_of)
