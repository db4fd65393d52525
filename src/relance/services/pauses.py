"""The pauses of the dunning process, and the contact log: disputes, promises to pay,
payment plans, holds, and the calls, e-mails and letters exchanged with a customer.

Each use case is one transaction and appends what it changed to the event log. A pause
cancels at once the pending actions it makes pointless, by the same engine rules as the
run (`record_pause`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.money import Money, total
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.plans import Frequency, PaymentPlan, schedule
from relance.core.policy import PolicyIndex
from relance.services.customer_lookup import known_customer
from relance.services.daily_run import apply_cancellations, decide_as_of


def record_pause(
    conn: Connection,
    kind: str,
    customer_ref: str,
    on: date,
    actor: str,
    *,
    subject: str = "",
    data: Mapping[str, Any],
    reason: str = "",
) -> None:
    """Append the event of a pause that starts on `on`, then cancel, as the next run
    would, the customer's pending actions it made moot."""
    repo.append_event(
        conn, kind, actor=actor, customer_ref=customer_ref, subject=subject, data=data,
        reason=reason, dated=on,
    )  # fmt: skip
    decision, ids = decide_as_of(conn, on, customer_ref)
    apply_cancellations(conn, decision.cancellations, ids, actor, on)


def record_end(
    conn: Connection, kind: str, customer_ref: str, on: date, reason: str, actor: str
) -> None:
    """Append the event of a pause that ends on `on` (the next run chases again)."""
    repo.append_event(
        conn, kind, actor=actor, customer_ref=customer_ref, data={"until": on.isoformat()},
        reason=reason, dated=on,
    )  # fmt: skip


# -- the contact log --------------------------------------------------------------------------


def log_contact(
    store: Store,
    customer_ref: str,
    channel: ContactChannel,
    on: date,
    *,
    direction: Direction = Direction.OUTGOING,
    outcome: CallOutcome | None = None,
    at_time: time | None = None,
    note: str = "",
    actor: str = "user",
) -> list[str]:
    """Log a call, e-mail or letter, sent or received; returns warnings (a call outside
    the policy's call window, in the debtor's local time)."""
    if outcome is not None and channel is not ContactChannel.CALL:
        raise ValueError("an outcome is recorded for calls only")
    warnings: list[str] = []
    with store.begin() as conn:
        customer = known_customer(conn, customer_ref)
        policy = PolicyIndex(
            policy_repo.load_policies(conn), policy_repo.load_rules(conn)
        ).for_customer(customer)
        if channel is ContactChannel.CALL and at_time is not None and policy is not None:
            window = policy.limits.call_window
            if not window.allows(at_time):
                warnings.append(
                    f"a call at {at_time.strftime('%H:%M')} is outside the hours allowed for "
                    f"calls ({window.start.strftime('%H:%M')}-{window.end.strftime('%H:%M')}, "
                    "the debtor's local time)"
                )
        contact = Contact(customer_ref, on, channel, direction, outcome, note)
        pause_repo.add_contact(conn, contact, at_time)
        repo.append_event(
            conn,
            f"contact.{channel.value}",
            actor=actor,
            customer_ref=customer_ref,
            subject=direction.value,
            data={
                "on": on.isoformat(),
                "time": at_time.strftime("%H:%M") if at_time else None,
                "outcome": outcome.value if outcome else None,
                "response": contact.is_response,
            },
            reason=note,
            dated=on,
        )
    return warnings


# -- pauses -----------------------------------------------------------------------------------


def _invoice_owner(conn: Connection, number: str) -> str:
    found = repo.load_invoices(conn, numbers=[number])
    if not found:
        raise LookupError(f"no invoice {number!r}")
    return found[0].customer_ref


def dispute(
    store: Store, invoice_number: str, reason: str, on: date, *, actor: str = "user"
) -> None:
    """Take an invoice out of dunning while the customer contests it."""
    if not reason.strip():
        raise ValueError("a dispute needs a reason")
    with store.begin() as conn:
        ref = _invoice_owner(conn, invoice_number)
        if pause_repo.open_dispute_id(conn, invoice_number) is not None:
            raise ValueError(f"invoice {invoice_number} is already disputed")
        pause_repo.add_dispute(conn, Dispute(invoice_number, on, reason), ref)
        record_pause(
            conn,
            "dispute.opened",
            ref,
            on,
            actor,
            subject=invoice_number,
            data={"opened": on.isoformat()},
            reason=reason,
        )


def resolve(
    store: Store, invoice_number: str, on: date, *, resolution: str = "", actor: str = "user"
) -> None:
    """End the dispute on an invoice: it is chased again from `on` if still owed."""
    with store.begin() as conn:
        ref = _invoice_owner(conn, invoice_number)
        dispute_id = pause_repo.open_dispute_id(conn, invoice_number)
        if dispute_id is None:
            raise LookupError(f"invoice {invoice_number} has no open dispute")
        pause_repo.resolve_dispute(conn, dispute_id, on, resolution)
        repo.append_event(
            conn,
            "dispute.resolved",
            actor=actor,
            customer_ref=ref,
            subject=invoice_number,
            data={"resolved": on.isoformat()},
            reason=resolution,
            dated=on,
        )


def promise(
    store: Store,
    customer_ref: str,
    amount: Money,
    due: date,
    made_on: date,
    *,
    note: str = "",
    actor: str = "user",
) -> Promise:
    """Record a promise to pay `amount` by `due`: the customer is paused until then plus
    the policy's grace days; a broken promise resumes the process at the next level."""
    if not amount.is_positive:
        raise ValueError("a promise is to pay a positive amount")
    if due < made_on:
        raise ValueError(f"a promise made on {made_on} cannot fall due on {due}")
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        made = Promise(
            f"{customer_ref}/{made_on.isoformat()}/{due.isoformat()}/{amount.to_minor()}",
            customer_ref,
            made_on,
            due,
            amount,
        )
        if any(p.key == made.key for p in pause_repo.load_promises(conn, customer_ref)):
            raise ValueError(f"this promise is already recorded ({made.key})")
        pause_repo.add_promise(conn, made, note)
        record_pause(
            conn,
            "promise.made",
            customer_ref,
            made_on,
            actor,
            subject=str(amount),
            data={"made_on": made_on.isoformat(), "due": due.isoformat(), "amount": str(amount)},
            reason=note,
        )
    return made


def customer_currency(store: Store, customer_ref: str) -> str:
    """The currency a customer is invoiced in (its oldest open invoice's, else the
    creditor's), for a promise typed without one."""
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        for invoice in repo.load_invoices(conn, customer_ref):
            return invoice.currency
        creditor = repo.load_creditor(conn)
    return creditor.currency if creditor else "EUR"


def plan(
    store: Store,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    instalments: int,
    first: date,
    every: str,
    agreed_on: date,
    *,
    actor: str = "user",
) -> PaymentPlan:
    """Agree a payment plan over some of the customer's open invoices: their open
    balance as of `agreed_on` split into `instalments` from `first`, every `every`."""
    frequency = Frequency.parse(every)
    if not invoice_numbers:
        raise ValueError("a plan covers at least one invoice")
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        balances = {
            invoice.number: balance
            for invoice, balance in repo.open_invoice_balances(conn, agreed_on, customer_ref)
        }
        missing = [n for n in invoice_numbers if n not in balances]
        if missing:
            raise ValueError(
                f"not open invoices of {customer_ref} on {agreed_on}: {', '.join(missing)}"
            )
        currencies = {balances[n].currency for n in invoice_numbers}
        if len(currencies) != 1:
            raise ValueError("a plan covers invoices in one currency")
        amount = total((balances[n] for n in invoice_numbers), currencies.pop())
        parts = schedule(amount, instalments, first, frequency)
        agreed = PaymentPlan(
            f"{customer_ref}/{agreed_on.isoformat()}/{'+'.join(sorted(invoice_numbers))}",
            customer_ref,
            tuple(invoice_numbers),
            agreed_on,
            parts,
        )
        if any(p.key == agreed.key for p in pause_repo.load_plans(conn, customer_ref)):
            raise ValueError(f"this plan is already recorded ({agreed.key})")
        plan_id = pause_repo.add_plan(conn, agreed, every)
        record_pause(
            conn,
            "plan.agreed",
            customer_ref,
            agreed_on,
            actor,
            subject=f"plan {plan_id}",
            data={
                "invoices": list(invoice_numbers),
                "total": str(amount),
                "instalments": [[p.due.isoformat(), str(p.amount)] for p in parts],
            },
        )
    return agreed


def hold(store: Store, customer_ref: str, reason: str, since: date, *, actor: str = "user") -> None:
    """Stop every collection step for a customer, with a reason, until released."""
    if not reason.strip():
        raise ValueError("a hold needs a reason")
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        pause_repo.add_hold(conn, Hold(customer_ref, since, reason))
        record_pause(
            conn,
            "hold.placed",
            customer_ref,
            since,
            actor,
            data={"since": since.isoformat()},
            reason=reason,
        )


def release(
    store: Store, customer_ref: str, on: date, *, reason: str = "", actor: str = "user"
) -> None:
    """End the customer's holds on `on`."""
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        if pause_repo.release_holds(conn, customer_ref, on) == 0:
            raise LookupError(f"customer {customer_ref} is not on hold")
        record_end(conn, "hold.released", customer_ref, on, reason, actor)


def holds_in_force(store: Store, on: date) -> dict[str, str]:
    """The reason of each customer's hold in force on `on`, by customer (the oldest one
    when several are)."""
    with store.begin() as conn:
        holds = pause_repo.load_holds(conn)
    found: dict[str, str] = {}
    for placed in holds:
        if placed.active(on):
            found.setdefault(placed.customer_ref, placed.reason)
    return found
