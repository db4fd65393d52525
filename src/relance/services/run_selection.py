"""The customers a daily run reads in full: those the engine could propose, cancel or flag
something for today (`relance.core.run_selection`), chosen from what the database sums per
customer before any invoice is read.

A customer with anything that plays on the engine besides dates and steps (a pending
action, a promise, a plan, a hold, proceedings, an invoice disputed, time-barred, handed
over or under a plan) is always read; so is every customer `may_act` cannot rule out.
Contacts and unapplied credit only ever hold a step back (a response restarts the wait,
credit lowers the balance chased, the contact limits remove channels): a customer they
concern is read when its dates say a step may be due, as any other. On a day between
steps most customers are neither, and cost the run one row of sums each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage.database import Connection
from relance.core.actions import PENDING, Action, ActionStatus
from relance.core.policy import PolicyIndex
from relance.core.run_selection import may_act


def choice_pays(actions: Iterable[tuple[int, Action]]) -> bool:
    """Whether choosing the customers to read can spare the run anything: only once a
    step was carried out. Before that (a first run, or a ledger whose steps are all still
    pending) `may_act` rules out only the customers whose oldest invoice is younger than
    the first level's delay, and the sums that tell them apart cost about what reading
    their few invoices would."""
    return any(action.status is ActionStatus.DONE for _, action in actions)


def customers_to_read(
    conn: Connection,
    as_of: date,
    actions: Iterable[tuple[int, Action]],
    inputs: Mapping[str, Any],
    policies: PolicyIndex,
) -> set[str]:
    """The references of the customers whose decision on `as_of` needs their records and
    invoices; `actions` are the known actions (with their ids), `inputs` the run's other
    records as `decide` takes them (contacts, disputes, promises, plans, holds,
    time-barred and handed-over invoices, credit, proceedings)."""
    by_customer: dict[str, list[Action]] = {}
    for _, action in actions:
        by_customer.setdefault(action.customer_ref, []).append(action)
    chosen = _always_read(conn, by_customer, inputs)
    no_actions: Sequence[Action] = ()
    for (
        ref,
        explicit,
        kind,
        country,
        tags,
    ), oldest_due, number in overdue_repo.oldest_open_by_customer(conn, as_of):
        if ref in chosen:
            continue
        policy = policies.for_shape(explicit, kind, country, tags)
        if may_act(as_of, policy, oldest_due, number, by_customer.get(ref, no_actions)):
            chosen.add(ref)
    return chosen


def _always_read(
    conn: Connection, by_customer: Mapping[str, Sequence[Action]], inputs: Mapping[str, Any]
) -> set[str]:
    """The customers read whatever the dates: every record named here can make the engine
    act beyond what the dates of invoices and steps allow (all of them, whatever their dates:
    reading a customer for nothing costs time, never a decision)."""
    chosen = {ref for ref, mine in by_customer.items() if any(a.status in PENDING for a in mine)}
    return chosen | _paused_or_set_aside(conn, inputs)


def with_history(
    conn: Connection, actions: Iterable[tuple[int, Action]], inputs: Mapping[str, Any]
) -> set[str]:
    """The customers the engine must read in full (`relance.core.first_step` decides the
    others from their totals): those with an action the run knows, a contact logged,
    unapplied credit, a promise, a plan, a hold, proceedings, or an invoice disputed,
    time-barred, handed over or under a plan (whatever their dates: reading a customer
    in full for nothing costs time, never a decision)."""
    found = {action.customer_ref for _, action in actions}
    found.update(contact.customer_ref for contact in inputs["contacts"])
    found.update(inputs["credit"])
    return found | _paused_or_set_aside(conn, inputs)


def _paused_or_set_aside(conn: Connection, inputs: Mapping[str, Any]) -> set[str]:
    """The customers with a promise, a plan, a hold or proceedings, or with an invoice
    disputed, time-barred, handed over or under a plan."""
    found: set[str] = set()
    for name in ("promises", "plans", "holds", "proceedings"):
        found.update(record.customer_ref for record in inputs[name])
    aside = {dispute.invoice_number for dispute in inputs["disputes"]}
    aside.update(inputs["time_barred"], inputs["handed_over"])
    aside.update(number for plan in inputs["plans"] for number in plan.invoice_numbers)
    if aside:
        found.update(overdue_repo.customers_of_invoices(conn, aside))
    return found
