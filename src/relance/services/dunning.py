"""Use cases of the dunning process: the action queue, the contact log, the pauses
(disputes, promises, plans, holds), the policies and a customer's history. The daily run
itself is in `relance.services.daily_run` (its names are re-exported here).

Each use case is one transaction and appends what it changed to the event log. A pause
(dispute, promise, plan, hold) cancels at once the pending actions it makes pointless,
by the same engine rules as the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from relance.adapters.policy_toml import policy_from_toml, policy_to_toml
from relance.adapters.storage import dunning_repository as drepo
from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.adapters.storage.dunning_repository import QueuedAction
from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.engine import ActionStatus
from relance.core.model import Customer
from relance.core.money import Money, total
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.plans import Frequency, PaymentPlan, schedule
from relance.core.policy import Channel, Policy, PolicyIndex
from relance.services.daily_run import (
    RunGoesBack,
    RunReport,
    RunUnderWay,
    append_events,
    apply_cancellations,
    decide_as_of,
    run_dunning,
)

__all__ = ["RunGoesBack", "RunReport", "RunUnderWay", "run_dunning"]

# Channels whose carrying out is a contact with the debtor, for the contact log.
_CONTACT_OF = {
    Channel.CALL: ContactChannel.CALL,
    Channel.EMAIL: ContactChannel.EMAIL,
    Channel.LETTER: ContactChannel.LETTER,
    Channel.REGISTERED_LETTER: ContactChannel.REGISTERED_LETTER,
}


def _settle(conn: Connection, customer_ref: str, as_of: date, actor: str) -> None:
    """Cancel, as the next run would, the customer's pending actions a pause made moot."""
    decision, ids = decide_as_of(conn, as_of, customer_ref)
    apply_cancellations(conn, decision.cancellations, ids, actor, as_of)


# -- the queue ------------------------------------------------------------------------------


def queue(store: Store, *, everything: bool = False) -> list[QueuedAction]:
    """The pending actions (proposed or approved), or every action with `everything`."""
    statuses = None if everything else (ActionStatus.PROPOSED, ActionStatus.APPROVED)
    with store.begin() as conn:
        return drepo.load_queue(conn, statuses)


def _one(conn: Connection, action_id: int) -> QueuedAction:
    found = drepo.load_queue(conn, ids=[action_id])
    if not found:
        raise LookupError(f"no action {action_id} in the queue")
    return found[0]


def approve(
    store: Store, ids: Sequence[int] = (), *, every: bool = False, actor: str = "user"
) -> list[int]:
    """Approve the proposed actions `ids` (or every proposed action); returns their ids."""
    with store.begin() as conn:
        if every:
            chosen = drepo.load_queue(conn, (ActionStatus.PROPOSED,))
        else:
            chosen = [_one(conn, action_id) for action_id in ids]
            for item in chosen:
                if item.action.status is not ActionStatus.PROPOSED:
                    raise ValueError(
                        f"action {item.id} is {item.action.status.value}: only a proposed "
                        "action can be approved"
                    )
        for item in chosen:
            drepo.set_action_status(conn, item.id, ActionStatus.APPROVED)
        append_events(
            conn,
            (
                (
                    "action.approved",
                    item.action.customer_ref,
                    f"action {item.id}",
                    {"id": item.id, "level": item.action.level_name},
                    "",
                )
                for item in chosen
            ),
            actor,
        )
    return [item.id for item in chosen]


def cancel(store: Store, action_id: int, *, reason: str = "", actor: str = "user") -> None:
    """Cancel a pending action by hand."""
    with store.begin() as conn:
        item = _one(conn, action_id)
        if item.action.status not in (ActionStatus.PROPOSED, ActionStatus.APPROVED):
            raise ValueError(f"action {action_id} is {item.action.status.value}: not pending")
        drepo.set_action_status(conn, action_id, ActionStatus.CANCELLED, cancel_reason="by_hand")
        repo.append_event(
            conn,
            "action.cancelled",
            actor=actor,
            customer_ref=item.action.customer_ref,
            subject=f"action {action_id}",
            data={"id": action_id, "reason": "by_hand"},
            reason=reason or "cancelled by hand",
        )


def mark_done(
    store: Store,
    action_id: int,
    on: date,
    *,
    outcome: CallOutcome | None = None,
    note: str = "",
    actor: str = "user",
) -> QueuedAction:
    """Record that an approved action was carried out by hand on `on` (a call made, a
    letter posted); each of its channels goes to the contact log, the call with
    `outcome` (a call that reached the customer is a response)."""
    with store.begin() as conn:
        item = _one(conn, action_id)
        if item.action.status is not ActionStatus.APPROVED:
            raise ValueError(
                f"action {action_id} is {item.action.status.value}: approve it before "
                "marking it done"
            )
        if on < item.action.proposed_on:
            raise ValueError(f"action {action_id} was proposed on {item.action.proposed_on}")
        drepo.set_action_status(
            conn,
            action_id,
            ActionStatus.DONE,
            done_on=on,
            outcome=outcome.value if outcome else "",
        )
        for channel in item.action.channels:
            contact_channel = _CONTACT_OF.get(channel)
            if contact_channel is None:
                continue
            drepo.add_contact(
                conn,
                Contact(
                    item.action.customer_ref,
                    on,
                    contact_channel,
                    Direction.OUTGOING,
                    outcome if contact_channel is ContactChannel.CALL else None,
                    note,
                    item.action.key,
                ),
            )
        repo.append_event(
            conn,
            "action.done",
            actor=actor,
            customer_ref=item.action.customer_ref,
            subject=f"action {action_id}",
            data={
                "id": action_id,
                "level": item.action.level_name,
                "done_on": on.isoformat(),
                "outcome": outcome.value if outcome else None,
            },
            reason=note,
            dated=on,
        )
        return _one(conn, action_id)


# -- the contact log --------------------------------------------------------------------------


def _customer(conn: Connection, ref: str) -> Customer:
    found = repo.load_customers(conn, [ref])
    if not found:
        raise LookupError(f"no customer {ref!r}")
    return found[0]


def _policy_of(conn: Connection, customer: Customer) -> Policy | None:
    return PolicyIndex(drepo.load_policies(conn), drepo.load_rules(conn)).for_customer(customer)


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
        customer = _customer(conn, customer_ref)
        policy = _policy_of(conn, customer)
        if channel is ContactChannel.CALL and at_time is not None and policy is not None:
            window = policy.limits.call_window
            if not window.allows(at_time):
                warnings.append(
                    f"a call at {at_time.strftime('%H:%M')} is outside the hours allowed for "
                    f"calls ({window.start.strftime('%H:%M')}-{window.end.strftime('%H:%M')}, "
                    "the debtor's local time)"
                )
        contact = Contact(customer_ref, on, channel, direction, outcome, note)
        drepo.add_contact(conn, contact, at_time)
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
        if drepo.open_dispute_id(conn, invoice_number) is not None:
            raise ValueError(f"invoice {invoice_number} is already disputed")
        drepo.add_dispute(conn, Dispute(invoice_number, on, reason), ref)
        repo.append_event(
            conn,
            "dispute.opened",
            actor=actor,
            customer_ref=ref,
            subject=invoice_number,
            data={"opened": on.isoformat()},
            reason=reason,
            dated=on,
        )
        _settle(conn, ref, on, actor)


def resolve(
    store: Store, invoice_number: str, on: date, *, resolution: str = "", actor: str = "user"
) -> None:
    """End the dispute on an invoice: it is chased again from `on` if still owed."""
    with store.begin() as conn:
        ref = _invoice_owner(conn, invoice_number)
        dispute_id = drepo.open_dispute_id(conn, invoice_number)
        if dispute_id is None:
            raise LookupError(f"invoice {invoice_number} has no open dispute")
        drepo.resolve_dispute(conn, dispute_id, on, resolution)
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
        _customer(conn, customer_ref)
        made = Promise(
            f"{customer_ref}/{made_on.isoformat()}/{due.isoformat()}/{amount.to_minor()}",
            customer_ref,
            made_on,
            due,
            amount,
        )
        if any(p.key == made.key for p in drepo.load_promises(conn, customer_ref)):
            raise ValueError(f"this promise is already recorded ({made.key})")
        drepo.add_promise(conn, made, note)
        repo.append_event(
            conn,
            "promise.made",
            actor=actor,
            customer_ref=customer_ref,
            subject=str(amount),
            data={"made_on": made_on.isoformat(), "due": due.isoformat(), "amount": str(amount)},
            reason=note,
            dated=made_on,
        )
        _settle(conn, customer_ref, made_on, actor)
    return made


def customer_currency(store: Store, customer_ref: str) -> str:
    """The currency a customer is invoiced in (its oldest open invoice's, else the
    creditor's), for a promise typed without one."""
    with store.begin() as conn:
        _customer(conn, customer_ref)
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
        _customer(conn, customer_ref)
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
        if any(p.key == agreed.key for p in drepo.load_plans(conn, customer_ref)):
            raise ValueError(f"this plan is already recorded ({agreed.key})")
        plan_id = drepo.add_plan(conn, agreed, every)
        repo.append_event(
            conn,
            "plan.agreed",
            actor=actor,
            customer_ref=customer_ref,
            subject=f"plan {plan_id}",
            data={
                "invoices": list(invoice_numbers),
                "total": str(amount),
                "instalments": [[p.due.isoformat(), str(p.amount)] for p in parts],
            },
            dated=agreed_on,
        )
        _settle(conn, customer_ref, agreed_on, actor)
    return agreed


def hold(store: Store, customer_ref: str, reason: str, since: date, *, actor: str = "user") -> None:
    """Stop every collection step for a customer, with a reason, until released."""
    if not reason.strip():
        raise ValueError("a hold needs a reason")
    with store.begin() as conn:
        _customer(conn, customer_ref)
        drepo.add_hold(conn, Hold(customer_ref, since, reason))
        repo.append_event(
            conn,
            "hold.placed",
            actor=actor,
            customer_ref=customer_ref,
            data={"since": since.isoformat()},
            reason=reason,
            dated=since,
        )
        _settle(conn, customer_ref, since, actor)


def release(
    store: Store, customer_ref: str, on: date, *, reason: str = "", actor: str = "user"
) -> None:
    """End the customer's holds on `on`."""
    with store.begin() as conn:
        _customer(conn, customer_ref)
        if drepo.release_holds(conn, customer_ref, on) == 0:
            raise LookupError(f"customer {customer_ref} is not on hold")
        repo.append_event(
            conn,
            "hold.released",
            actor=actor,
            customer_ref=customer_ref,
            data={"until": on.isoformat()},
            reason=reason,
            dated=on,
        )


# -- policies -----------------------------------------------------------------------------


def policies(store: Store) -> tuple[Policy, ...]:
    """The policies in force (stored, or the shipped defaults)."""
    with store.begin() as conn:
        return drepo.load_policies(conn)


def export_policy(store: Store, name: str) -> str:
    """One policy as TOML text (LookupError when unknown)."""
    for found in policies(store):
        if found.name == name:
            return policy_to_toml(found)
    raise LookupError(f"no policy {name!r}")


def import_policy(store: Store, path: Path, *, actor: str = "user") -> Policy:
    """Read a policy file and store it, replacing the policy of the same name; a file
    with problems raises ValueError naming the file, the level and the field."""
    loaded, problems = policy_from_toml(path.read_text(encoding="utf-8"), str(path))
    if loaded is None:
        raise ValueError("; ".join(str(p) for p in problems))
    with store.begin() as conn:
        drepo.save_policy(conn, loaded)
        repo.append_event(
            conn,
            "policy.imported",
            actor=actor,
            subject=loaded.name,
            data={"file": path.name, "levels": [level.name for level in loaded.levels]},
        )
    return loaded


def assign_policy(
    store: Store, customer_ref: str, name: str | None, *, actor: str = "user"
) -> None:
    """Give a customer a policy by name (None: back to the assignment rules)."""
    with store.begin() as conn:
        _customer(conn, customer_ref)
        if name is not None and name not in {p.name for p in drepo.load_policies(conn)}:
            raise LookupError(f"no policy {name!r}")
        conn.execute(
            update(t.customers).where(t.customers.c.ref == customer_ref).values(policy=name)
        )
        repo.append_event(
            conn,
            "policy.assigned",
            actor=actor,
            customer_ref=customer_ref,
            subject=name or "(by rule)",
        )


# -- history --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a customer's timeline: the business day it happened on (`dated`, the
    command's --date) and the moment it was recorded (`at`)."""

    at: datetime
    actor: str
    kind: str
    subject: str
    reason: str
    data: Mapping[str, Any]
    dated: date


def history(store: Store, customer_ref: str) -> list[Event]:
    """A customer's timeline: every event about it, in the order it was recorded, each with
    the business day it happened on."""
    with store.begin() as conn:
        _customer(conn, customer_ref)
        e = t.events
        query = select(e).where(e.c.customer_ref == customer_ref).order_by(e.c.id)
        return [
            Event(row.at, row.actor, row.kind, row.subject, row.reason, row.data,
                  business_day(row.dated, row.data, row.at))
            for row in conn.execute(query)
        ]  # fmt: skip


def business_day(dated: date | None, data: Mapping[str, Any], at: datetime) -> date:
    """The day an event happened on: its own date, else the run's `as_of` it records, else
    (an event recorded before relance kept business days) the day it was recorded."""
    if dated is not None:
        return dated
    if isinstance(data.get("as_of"), str):
        try:
            return date.fromisoformat(data["as_of"])
        except ValueError:
            pass
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().date()
