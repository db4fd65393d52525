"""The ledger as of the delivery day, for the check made just before any message leaves
(see `relance.core.staleness`): balances, credit on account, the customer's other actions,
disputes, promises, plans, holds, proceedings, agency handoffs and court actions, read for
a chunk of actions at once (`relance.services.send_facts`)."""

from __future__ import annotations

from datetime import date

from relance.adapters.storage.database import Connection
from relance.core.queued import QueuedAction
from relance.core.staleness import DeliveryCheck, DeliveryFacts, check_delivery
from relance.services.send_facts import SendFacts, read_facts


def delivery_facts(item: QueuedAction, facts: SendFacts) -> DeliveryFacts:
    """Everything `check_delivery` asks about one action's customer, from the facts read
    for its chunk."""
    action = item.action
    ref = action.customer_ref
    view = facts.views[ref]
    numbers = action.invoice_numbers
    balances = {
        invoice.number: balance for invoice, balance in view.owed if invoice.number in numbers
    }
    plans = facts.plans.get(ref, ())
    plan_payments = {
        plan.key: tuple(
            (paid.date, paid.amount)
            for paid in facts.toward_plans
            if paid.invoice_number in plan.invoice_numbers
        )
        for plan in plans
    }
    policy = facts.policies.for_customer(view.customer) if view.customer is not None else None
    return DeliveryFacts(
        action=action,
        balances=balances,
        credit=view.credit,
        others=facts.others.get(ref, ()),
        disputes=facts.disputes.get(ref, ()),
        promises=facts.promises.get(ref, ()),
        payments=facts.payments.get(ref, ()),
        plans=plans,
        plan_payments=plan_payments,
        holds=facts.holds.get(ref, ()),
        proceedings=facts.proceedings.get(ref, ()),
        handoffs=facts.handoffs_of(numbers),
        interruptions=facts.interruptions_of(numbers),
        promise_grace_days=policy.promise_grace_days if policy else 3,
        plan_grace_days=policy.plan_grace_days if policy else 5,
    )


def check_action(
    conn: Connection, item: QueuedAction, as_of: date, facts: SendFacts | None = None
) -> DeliveryCheck:
    """May `item`'s message leave on `as_of`, and claiming which invoices? `facts`: those
    read for its chunk (else read for it alone), for the composition that follows."""
    return check_delivery(delivery_facts(item, facts or read_facts(conn, [item], as_of)), as_of)
