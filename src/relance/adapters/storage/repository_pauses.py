"""The contact log and the pauses as stored: disputes, promises to pay, payment plans and
holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    Connection,
    insert,
    select,
    update,
)

from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.driver import DayReader, driver_rows
from relance.adapters.storage.filters import customer_is
from relance.adapters.storage.lists import decode_list, encode_list
from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.plans import Instalment, PaymentPlan

# -- the contact log ---------------------------------------------------------------


def add_contact(conn: Connection, contact: Contact, at_time: time | None = None) -> None:
    """Append one entry to the contact log."""
    conn.execute(insert(d.dunning_contacts).values(_contact_row(contact, at_time)))


def add_contacts(conn: Connection, contacts: Sequence[Contact]) -> None:
    """Append several entries to the contact log in one statement."""
    if contacts:
        conn.execute(insert(d.dunning_contacts), [_contact_row(c, None) for c in contacts])


def _contact_row(contact: Contact, at_time: time | None) -> dict[str, object]:
    return {
        "customer_ref": contact.customer_ref,
        "on": contact.on,
        "at_time": at_time,
        "channel": contact.channel.value,
        "direction": contact.direction.value,
        "outcome": contact.outcome.value if contact.outcome else None,
        "note": contact.note,
        "action_key": contact.action_key,
        "recorded_at": datetime.now(UTC),
    }


def load_contacts(
    conn: Connection, as_of: date, customer_ref: str | Sequence[str] | None = None
) -> list[Contact]:
    """Contacts made on or before `as_of` (of one customer, or of several), in the order
    they were logged."""
    c = d.dunning_contacts
    query = select(
        c.c.customer_ref, c.c.on, c.c.channel, c.c.direction, c.c.outcome, c.c.note,
        c.c.action_key,
    ).where(c.c.on <= as_of).order_by(c.c.id)  # fmt: skip
    if customer_ref is not None:
        query = query.where(customer_is(c.c.customer_ref, customer_ref))
    # Read through the driver: a run reads the whole log (one entry a step carried out at
    # least); days, channels, directions and outcomes repeat, each made once.
    day = DayReader()
    channels = {channel.value: channel for channel in ContactChannel}
    directions = {direction.value: direction for direction in Direction}
    outcomes: dict[str | None, CallOutcome | None] = {o.value: o for o in CallOutcome}
    outcomes[None] = outcomes[""] = None
    rows = driver_rows(conn, query, streamed=True)  # not held whole by the driver
    return [
        Contact(ref, day(on), channels[channel], directions[direction], outcomes[outcome], note,
                action_key)
        for ref, on, channel, direction, outcome, note, action_key in rows
    ]  # fmt: skip


# -- pauses: disputes, promises, plans, holds -------------------------------------------


def add_dispute(conn: Connection, dispute: Dispute, customer_ref: str) -> None:
    """Record a dispute on an invoice."""
    conn.execute(
        insert(d.disputes).values(
            invoice_number=dispute.invoice_number,
            customer_ref=customer_ref,
            opened=dispute.opened,
            reason=dispute.reason,
            resolved=dispute.resolved,
            resolution=dispute.resolution,
        )
    )


def open_dispute_id(conn: Connection, invoice_number: str) -> int | None:
    """The id of the unresolved dispute on `invoice_number`, if any."""
    query = select(d.disputes.c.id).where(
        d.disputes.c.invoice_number == invoice_number, d.disputes.c.resolved.is_(None)
    )
    return conn.execute(query.order_by(d.disputes.c.id.desc())).scalars().first()


def resolve_dispute(conn: Connection, dispute_id: int, resolved: date, resolution: str) -> None:
    """Close a dispute."""
    conn.execute(
        update(d.disputes)
        .where(d.disputes.c.id == dispute_id)
        .values(resolved=resolved, resolution=resolution)
    )


def load_disputes(
    conn: Connection, customer_ref: str | Sequence[str] | None = None
) -> list[Dispute]:
    """Every dispute, resolved or not (of one customer, or of several)."""
    return [dispute for _, dispute in disputes_with_customers(conn, customer_ref)]


def disputes_with_customers(
    conn: Connection, customer_ref: str | Sequence[str] | None = None
) -> list[tuple[str, Dispute]]:
    """`load_disputes`, each dispute with its customer's reference."""
    query = select(d.disputes).order_by(d.disputes.c.id)
    if customer_ref is not None:
        query = query.where(customer_is(d.disputes.c.customer_ref, customer_ref))
    return [
        (
            row.customer_ref,
            Dispute(row.invoice_number, row.opened, row.reason, row.resolved, row.resolution),
        )
        for row in conn.execute(query)
    ]


def add_promise(conn: Connection, promise: Promise, note: str = "") -> None:
    """Record a promise to pay."""
    conn.execute(
        insert(d.promises).values(
            key=promise.key,
            customer_ref=promise.customer_ref,
            made_on=promise.made_on,
            due=promise.due,
            amount_minor=promise.amount.to_minor(),
            currency=promise.amount.currency,
            note=note,
        )
    )


def load_promises(
    conn: Connection, customer_ref: str | Sequence[str] | None = None
) -> list[Promise]:
    """Every promise to pay."""
    query = select(d.promises).order_by(d.promises.c.id)
    if customer_ref is not None:
        query = query.where(customer_is(d.promises.c.customer_ref, customer_ref))
    return [
        Promise(
            row.key,
            row.customer_ref,
            row.made_on,
            row.due,
            Money.from_minor(row.amount_minor, row.currency),
        )
        for row in conn.execute(query)
    ]


def add_plan(conn: Connection, plan: PaymentPlan, every: str) -> int:
    """Record a payment plan and its instalments; returns its id."""
    plan_id = conn.execute(
        insert(d.payment_plans)
        .values(
            key=plan.key,
            customer_ref=plan.customer_ref,
            invoice_numbers=encode_list(plan.invoice_numbers),
            agreed_on=plan.agreed_on,
            every=every,
        )
        .returning(d.payment_plans.c.id)
    ).scalar_one()
    conn.execute(
        insert(d.plan_instalments),
        [
            {
                "plan_id": plan_id,
                "position": position,
                "due": instalment.due,
                "amount_minor": instalment.amount.to_minor(),
                "currency": instalment.amount.currency,
            }
            for position, instalment in enumerate(plan.instalments)
        ],
    )
    return int(plan_id)


def load_plans(
    conn: Connection, customer_ref: str | Sequence[str] | None = None
) -> list[PaymentPlan]:
    """Every payment plan with its instalments."""
    plans = d.payment_plans
    query = select(plans).order_by(plans.c.id)
    if customer_ref is not None:
        query = query.where(customer_is(plans.c.customer_ref, customer_ref))
    rows = list(conn.execute(query))
    if not rows:
        return []
    parts: dict[int, list[Instalment]] = {}
    inst = d.plan_instalments
    query_parts = (
        select(inst)
        .where(inst.c.plan_id.in_([row.id for row in rows]))
        .order_by(inst.c.plan_id, inst.c.position)
    )
    for part in conn.execute(query_parts):
        parts.setdefault(part.plan_id, []).append(
            Instalment(part.due, Money.from_minor(part.amount_minor, part.currency))
        )
    return [
        PaymentPlan(
            row.key,
            row.customer_ref,
            decode_list(row.invoice_numbers),
            row.agreed_on,
            tuple(parts.get(row.id, ())),
        )
        for row in rows
    ]


def add_hold(conn: Connection, hold: Hold) -> None:
    """Record a hold on a customer."""
    conn.execute(
        insert(d.holds).values(
            customer_ref=hold.customer_ref, since=hold.since, reason=hold.reason, until=hold.until
        )
    )


def release_holds(conn: Connection, customer_ref: str, on: date) -> int:
    """End the customer's open holds on `on`; returns how many were ended."""
    result = conn.execute(
        update(d.holds)
        .where(d.holds.c.customer_ref == customer_ref, d.holds.c.until.is_(None))
        .values(until=on)
    )
    return int(result.rowcount)


def load_holds(conn: Connection, customer_ref: str | Sequence[str] | None = None) -> list[Hold]:
    """Every hold, ended or not."""
    query = select(d.holds).order_by(d.holds.c.id)
    if customer_ref is not None:
        query = query.where(customer_is(d.holds.c.customer_ref, customer_ref))
    return [Hold(row.customer_ref, row.since, row.reason, row.until) for row in conn.execute(query)]
