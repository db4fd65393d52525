"""Tables of the webhooks: the endpoints, one delivery per event and endpoint, and each
attempt at posting one.

`webhook_endpoints` keeps each endpoint's signing secret as it is: relance must sign with
it, so it cannot keep a hash (the ledger is readable by its owner only, `docs/api.md`).
`webhook_deliveries` is the outbox: its rows are written in the same transaction as the
fact they tell of (a run's proposals, a payment's allocation), so an event is never lost
nor told of a change that was rolled back. `webhook_attempts` logs every post.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from relance.adapters.storage.tables import metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("events", JSON, nullable=False),  # list of event types
    Column("description", Text, nullable=False, default=""),
    Column("secret", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("endpoint_id", Integer, ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event_id", String(40), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    # what a deliverer looks for: the pending ones that are due
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("webhook_deliveries.id"), nullable=False, index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text, nullable=False, default=""),
)
