"""The webhooks' endpoints, deliveries and attempts, as core records.

Deliveries are claimed for a while (a lease) before they are posted: the claim is one
short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite), so
two deliverers at once never take the same delivery, and one that dies mid-post leaves
its deliveries to be taken again when the lease ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_webhooks as tw
from relance.adapters.storage.driver import insert_many
from relance.core.bulk import chunks
from relance.core.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint, EventType

# A delivery as an event is written: endpoint, event id, type, payload, when.
DeliveryRow = tuple[int, str, str, bytes, datetime]
_DELIVERY_COLUMNS = (
    "endpoint_id", "event_id", "event_type", "payload", "created_at", "status", "attempts",
    "next_attempt_at", "last_error",
)  # fmt: skip


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes: the columns are stored in UTC
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _endpoint(row: Any) -> Endpoint:
    created = _utc(row.created_at)
    assert created is not None
    events = tuple(EventType(name) for name in row.events)
    return Endpoint(row.id, row.url, events, row.description, created, row.secret[:10] + "…")


def add_endpoint(
    conn: Connection,
    url: str,
    events: Sequence[EventType],
    description: str,
    secret: str,
    at: datetime,
) -> int:
    """Store a new endpoint; its id."""
    values = dict(
        url=url, events=[e.value for e in events], description=description, secret=secret,
        created_at=at,
    )  # fmt: skip
    query = insert(tw.webhook_endpoints).values(**values).returning(tw.webhook_endpoints.c.id)
    return int(conn.execute(query).scalar_one())


def endpoints(conn: Connection) -> list[Endpoint]:
    """The endpoints not removed, oldest first."""
    e = tw.webhook_endpoints
    query = select(e).where(e.c.removed_at.is_(None)).order_by(e.c.id)
    return [_endpoint(row) for row in conn.execute(query)]


def endpoint(conn: Connection, endpoint_id: int) -> Endpoint | None:
    """The endpoint `endpoint_id` when it was not removed, else None."""
    e = tw.webhook_endpoints
    query = select(e).where(e.c.id == endpoint_id, e.c.removed_at.is_(None))
    row = conn.execute(query).first()
    return None if row is None else _endpoint(row)


def remove_endpoint(conn: Connection, endpoint_id: int, at: datetime) -> None:
    """Remove an endpoint: it gets no new event, and its pending deliveries fail."""
    e, d = tw.webhook_endpoints, tw.webhook_deliveries
    conn.execute(update(e).where(e.c.id == endpoint_id).values(removed_at=at))
    pending = (d.c.endpoint_id == endpoint_id) & (d.c.status == DeliveryStatus.PENDING.value)
    conn.execute(
        update(d)
        .where(pending)
        .values(status=DeliveryStatus.FAILED.value, next_attempt_at=None,
                last_error="the endpoint was removed")
    )  # fmt: skip


def subscribers(conn: Connection, kind: EventType) -> list[int]:
    """The ids of the endpoints that take events of `kind` (a few rows: read and sorted
    here rather than by a JSON query each database writes its own way)."""
    e = tw.webhook_endpoints
    query = select(e.c.id, e.c.events).where(e.c.removed_at.is_(None)).order_by(e.c.id)
    return [row.id for row in conn.execute(query) if kind.value in row.events]


def add_deliveries(conn: Connection, rows: Iterable[DeliveryRow]) -> None:
    """Write deliveries, pending and due at once, in bulk (the driver's executemany)."""
    pending = DeliveryStatus.PENDING.value
    insert_many(
        conn,
        tw.webhook_deliveries,
        _DELIVERY_COLUMNS,
        ((*row, pending, 0, row[4], "") for row in rows),
    )


def _deliveries() -> Any:
    d, e = tw.webhook_deliveries, tw.webhook_endpoints
    return select(d, e.c.url, e.c.secret).select_from(d.join(e, e.c.id == d.c.endpoint_id))


def _delivery(row: Any) -> Delivery:
    created = _utc(row.created_at)
    assert created is not None
    return Delivery(
        row.id, row.endpoint_id, row.url, row.event_id, EventType(row.event_type),
        bytes(row.payload), DeliveryStatus(row.status), row.attempts,
        _utc(row.next_attempt_at), created, row.last_status_code, row.last_error,
        _utc(row.delivered_at),
    )  # fmt: skip


def any_due(conn: Connection, now: datetime) -> bool:
    """Whether some pending delivery is due at `now` (a read: no lock taken)."""
    d = tw.webhook_deliveries
    due = (d.c.status == DeliveryStatus.PENDING.value) & (d.c.next_attempt_at <= now)
    return conn.execute(select(d.c.id).where(due).limit(1)).first() is not None


def claim_due(
    conn: Connection, now: datetime, until: datetime, limit: int
) -> list[tuple[Delivery, str]]:
    """Take up to `limit` pending deliveries due at `now` (oldest first), each with its
    endpoint's secret, and move their next attempt to `until` (the lease): no other
    deliverer takes them meanwhile. Call inside `repository_sending.exclusive`."""
    d = tw.webhook_deliveries
    due = (d.c.status == DeliveryStatus.PENDING.value) & (d.c.next_attempt_at <= now)
    ids_query = select(d.c.id).where(due).order_by(d.c.next_attempt_at, d.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        ids_query = ids_query.with_for_update(skip_locked=True)
    ids = list(conn.execute(ids_query).scalars())
    if not ids:
        return []
    rows = conn.execute(_deliveries().where(d.c.id.in_(ids)).order_by(d.c.id)).all()
    conn.execute(update(d).where(d.c.id.in_(ids)).values(next_attempt_at=until))
    return [(_delivery(row), row.secret) for row in rows]


def record_attempt(
    conn: Connection, attempt: Attempt, status: DeliveryStatus, next_at: datetime | None
) -> None:
    """Log one attempt and set where its delivery stands."""
    conn.execute(
        insert(tw.webhook_attempts).values(
            delivery_id=attempt.delivery_id, attempted_at=attempt.attempted_at,
            status_code=attempt.status_code, duration_ms=attempt.duration_ms,
            error=attempt.error,
        )
    )  # fmt: skip
    d = tw.webhook_deliveries
    conn.execute(
        update(d)
        .where(d.c.id == attempt.delivery_id)
        .values(
            attempts=d.c.attempts + 1, status=status.value, next_attempt_at=next_at,
            last_status_code=attempt.status_code, last_error=attempt.error,
            delivered_at=attempt.attempted_at if status is DeliveryStatus.DELIVERED else None,
        )
    )  # fmt: skip


def deliveries(
    conn: Connection,
    *,
    status: DeliveryStatus | None = None,
    endpoint_id: int | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[Delivery]:
    """Deliveries, newest first, optionally of one status or endpoint, below id `after`."""
    d = tw.webhook_deliveries
    query = _deliveries().order_by(d.c.id.desc())
    if status is not None:
        query = query.where(d.c.status == status.value)
    if endpoint_id is not None:
        query = query.where(d.c.endpoint_id == endpoint_id)
    if after is not None:
        query = query.where(d.c.id < after)
    if limit is not None:
        query = query.limit(limit)
    return [_delivery(row) for row in conn.execute(query)]


def delivery(conn: Connection, delivery_id: int) -> Delivery | None:
    """One delivery, or None."""
    row = conn.execute(_deliveries().where(tw.webhook_deliveries.c.id == delivery_id)).first()
    return None if row is None else _delivery(row)


def attempts(conn: Connection, delivery_id: int) -> list[Attempt]:
    """The attempts at one delivery, in order."""
    a = tw.webhook_attempts
    query = select(a).where(a.c.delivery_id == delivery_id).order_by(a.c.id)
    return [
        Attempt(row.delivery_id, _utc(row.attempted_at) or row.attempted_at, row.status_code,
                row.duration_ms, row.error)
        for row in conn.execute(query)
    ]  # fmt: skip


def retry(conn: Connection, delivery_id: int, at: datetime) -> None:
    """Make a delivery pending again, due at `at`, with a fresh set of attempts."""
    d = tw.webhook_deliveries
    conn.execute(
        update(d)
        .where(d.c.id == delivery_id)
        .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=at)
    )


def delivery_count(conn: Connection) -> int:
    """How many deliveries there are, of every status."""
    return int(conn.execute(select(func.count()).select_from(tw.webhook_deliveries)).scalar_one())


def invoice_balances(
    conn: Connection, numbers: Iterable[str]
) -> dict[str, tuple[int, str, int, int, str]]:
    """For each invoice of `numbers`: its id, customer's reference, amount and what was
    applied to it so far (minor units), and its currency."""
    inv, alloc, cust = t.invoices, t.allocations, t.customers
    found: dict[str, tuple[int, str, int, int, str]] = {}
    for chunk in chunks(sorted(set(numbers)), 5000):
        query = (
            select(inv.c.id, inv.c.number, cust.c.ref, inv.c.amount_minor, inv.c.currency)
            .join(cust, cust.c.id == inv.c.customer_id)
            .where(inv.c.number.in_(chunk))
        )
        rows = conn.execute(query).all()
        ids = [row.id for row in rows]
        applied_query = (
            select(alloc.c.invoice_id, func.sum(alloc.c.amount_minor))
            .where(alloc.c.invoice_id.in_(ids))
            .group_by(alloc.c.invoice_id)
        )
        applied = {int(i): int(m) for i, m in conn.execute(applied_query)}
        for row in rows:
            found[row.number] = (
                int(row.id),
                row.ref,
                int(row.amount_minor),
                applied.get(row.id, 0),
                row.currency,
            )
    return found
