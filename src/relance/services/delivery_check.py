"""The ledger as of the delivery day, for the check made just before any message leaves
(see `relance.core.staleness`): balances, credit on account, the customer's other actions,
disputes, promises, plans, holds, proceedings, agency handoffs and court actions."""

from __future__ import annotations

from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as rlaw
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_runs as rruns
from relance.adapters.storage.database import Connection
from relance.core.money import Money
from relance.core.policy import PolicyIndex
from relance.core.queued import QueuedAction
from relance.core.staleness import DeliveryCheck, DeliveryFacts, check_delivery


def credit_on_account(conn: Connection, customer_ref: str, as_of: date) -> dict[str, Money]:
    """What `customer_ref` paid on account by `as_of` and is not yet allocated, by currency."""
    found = overdue_repo.unapplied_credit(conn, as_of, customer_ref).get(customer_ref, {})
    return {currency: Money(amount, currency) for currency, amount in found.items()}


def delivery_facts(conn: Connection, item: QueuedAction, as_of: date) -> DeliveryFacts:
    """Everything `check_delivery` asks about one action's customer, as of `as_of`."""
    action = item.action
    ref = action.customer_ref
    numbers = list(action.invoice_numbers)
    balances = {
        invoice.number: balance
        for invoice, balance in repo.open_invoice_balances(conn, as_of, ref)
        if invoice.number in numbers
    }
    plans = tuple(pause_repo.load_plans(conn, ref))
    toward = overdue_repo.allocations_to(conn, (n for p in plans for n in p.invoice_numbers), as_of)
    plan_payments = {
        plan.key: tuple(
            (a.date, a.amount) for a in toward if a.invoice_number in plan.invoice_numbers
        )
        for plan in plans
    }
    customers = repo.load_customers(conn, [ref])
    policy = (
        PolicyIndex(policy_repo.load_policies(conn), policy_repo.load_rules(conn)).for_customer(
            customers[0]
        )
        if customers
        else None
    )
    return DeliveryFacts(
        action=action,
        balances=balances,
        credit=credit_on_account(conn, ref, as_of),
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


def check_action(conn: Connection, item: QueuedAction, as_of: date) -> DeliveryCheck:
    """May `item`'s message leave on `as_of`, and claiming which invoices?"""
    return check_delivery(delivery_facts(conn, item, as_of), as_of)
