"""The event log as a customer's history reads it, and as a run writes it (many events
at once, through the driver). One event at a time is `repository.append_event`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select

from relance.adapters.storage import tables as t
from relance.adapters.storage.driver import insert_many, json_text

# An event of the log as a run writes many at once: kind, customer, subject, data, reason.
EventRow = tuple[str, str | None, str, Mapping[str, Any], str]
_EVENT_COLUMNS = ("at", "dated", "actor", "kind", "customer_ref", "subject", "data", "reason")


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


def append_events(
    conn: Connection, rows: Iterable[EventRow], actor: str, dated: date | None = None
) -> None:
    """Append many events at once, all at the same instant and of the business day
    `dated` (the columns `repository.append_event` writes)."""
    at = datetime.now(UTC)
    insert_many(
        conn,
        t.events,
        _EVENT_COLUMNS,
        (
            (at, dated, actor, kind, ref, subject, json_text(data), reason)
            for kind, ref, subject, data, reason in rows
        ),
        encoded=("data",),  # encoded here, with no layer of conversion per row
    )


def customer_events(conn: Connection, customer_ref: str) -> list[Event]:
    """Every event about a customer, in the order it was recorded, each with the business
    day it happened on."""
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
