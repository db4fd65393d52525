"""Telling webhook endpoints what happened: the transactional outbox.

Each use case that commits a fact a webhook tells of calls one of these functions with its
own connection, inside its own transaction: the deliveries are written with the fact, so
an event is never lost and never told of a change that was rolled back (a bad file, a dry
run). A fact no endpoint subscribes to costs one small read and writes nothing; the facts'
data is not even built then. The deliveries are posted afterwards, by `webhook_delivery`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from relance.adapters.storage import repository_webhooks as hooks_repo
from relance.adapters.storage.database import Connection
from relance.core.model import Allocation, AllocationKind
from relance.core.money import Money
from relance.core.queued import QueuedAction
from relance.core.webhooks import EventType, money, payloads

Data = Mapping[str, Any]


def new_event_id() -> str:
    """A fresh event id (the `webhook-id` of its deliveries, the same at every attempt)."""
    return "evt_" + secrets.token_hex(16)  # 128 random bits, as a UUID4 has, made faster


def emit(
    conn: Connection,
    kind: EventType,
    facts: Callable[[], Iterable[Data]],
    occurred_at: datetime | None = None,
) -> int:
    """Write a delivery of each fact's event to each endpoint that takes `kind`, in bulk;
    how many events. `facts` is called only when some endpoint subscribes."""
    endpoints = hooks_repo.subscribers(conn, kind)
    if not endpoints:
        return 0
    at = occurred_at or datetime.now(UTC)
    count = 0
    write = payloads(kind, at)

    def rows() -> Iterable[hooks_repo.DeliveryRow]:
        nonlocal count
        for data in facts():
            event_id = new_event_id()
            body = write(event_id, data)
            count += 1
            for endpoint_id in endpoints:
                yield endpoint_id, event_id, kind.value, body, at

    hooks_repo.add_deliveries(conn, rows())
    return count


def actions_proposed(conn: Connection, proposed: Sequence[QueuedAction]) -> int:
    """`action.proposed` for each action a run queued."""

    def facts() -> Iterable[Data]:
        for item in proposed:
            action = item.action
            yield {
                "action_id": item.id,
                "customer_ref": action.customer_ref,
                "level": action.level,
                "level_name": action.level_name,
                "channels": [channel.value for channel in action.channels],
                "invoices": list(action.invoice_numbers),
                "proposed_on": action.proposed_on.isoformat(),
                "status": action.status.value,
            }

    return emit(conn, EventType.ACTION_PROPOSED, facts)


def letter_sent(conn: Connection, data: Data) -> int:
    """`letter.sent` for an action whose letter or e-mail went out (`data`: the action,
    customer, reference, channels, invoices, total due)."""
    return emit(conn, EventType.LETTER_SENT, lambda: [data])


def allocations_made(conn: Connection, allocations: Iterable[Allocation]) -> int:
    """`payment.matched` for each payment applied to an invoice among `allocations` (just
    written in `conn`), and `invoice.paid` for each of their invoices now settled. The
    allocations are only iterated when an endpoint subscribes to either."""
    wants_matched = bool(hooks_repo.subscribers(conn, EventType.PAYMENT_MATCHED))
    wants_paid = bool(hooks_repo.subscribers(conn, EventType.INVOICE_PAID))
    if not (wants_matched or wants_paid):
        return 0  # the allocations are not even made into records
    made = list(allocations)
    matched = [a for a in made if a.kind is AllocationKind.PAYMENT]
    wants_matched = wants_matched and bool(matched)
    if not made:
        return 0
    numbers = {a.invoice_number for a in (made if wants_paid else matched)}
    invoices = hooks_repo.invoice_balances(conn, numbers)
    count = 0
    if wants_matched:
        count += emit(conn, EventType.PAYMENT_MATCHED, lambda: _matched(matched, invoices))
    if wants_paid:
        count += emit(conn, EventType.INVOICE_PAID, lambda: _paid(made, invoices))
    return count


def _matched(
    allocations: Iterable[Allocation], invoices: Mapping[str, tuple[int, str, int, int, str]]
) -> Iterable[Data]:
    for a in allocations:
        invoice_id, ref = invoices[a.invoice_number][:2]
        yield {
            "payment": a.source,
            "invoice_id": invoice_id,
            "invoice": a.invoice_number,
            "customer_ref": ref,
            "amount": money(a.amount.amount, a.amount.currency),
            "date": a.date.isoformat(),
        }


def _paid(
    allocations: Iterable[Allocation], invoices: Mapping[str, tuple[int, str, int, int, str]]
) -> Iterable[Data]:
    # The last allocation of each invoice settled it: its day is the day it was paid.
    last: dict[str, Allocation] = {}
    for a in allocations:
        last[a.invoice_number] = a
    for number, a in last.items():
        invoice_id, ref, amount, applied, currency = invoices[number]
        if applied < amount:
            continue
        yield {
            "invoice_id": invoice_id,
            "invoice": number,
            "customer_ref": ref,
            "amount": money(Money.from_minor(amount, currency).amount, currency),
            "paid_on": a.date.isoformat(),
            "last_allocation": a.kind.value,
        }
