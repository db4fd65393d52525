"""The outbox as the user sees it: every e-mail relance prepared, where it stands and why,
and the way to cancel those still waiting.

An e-mail is either delivered when `relance send` runs (through SMTP, or written as a
file for the user's mail client with `--to-files`), or it waits in the outbox, visibly,
for a run with SMTP: ``relance outbox`` lists it with its reason. A waiting e-mail is
checked again against the ledger just before it leaves; a stale one is cancelled with its
reason (see `relance.core.staleness`). The user may cancel one (``relance outbox cancel``)
or all of them (``relance outbox purge``). Each cancellation is an event in the history,
and the action of a cancelled message that was still approved is cancelled with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.engine import PENDING, ActionStatus
from relance.core.outbox import OPEN_STATUSES, OutboxStatus
from relance.core.queued import QueuedAction

CANCELLED_EVENT = "outbox.cancelled"


@dataclass(frozen=True, slots=True)
class OutboxLine:
    """One message of the outbox, for a listing."""

    key: str
    action_id: int
    customer_ref: str
    level_name: str
    channel: str
    status: OutboxStatus
    recipients: tuple[str, ...]
    reason: str
    created_at: datetime
    sent_at: datetime | None
    message_id: str


def outbox(store: Store, statuses: Sequence[OutboxStatus] | None = None) -> list[OutboxLine]:
    """The outbox's messages, oldest first, optionally only those in `statuses`."""
    with store.begin() as conn:
        entries = rl.outbox_entries(conn, statuses)
    return [
        OutboxLine(
            e.record.action_id,
            e.action_id,
            e.customer_ref,
            e.level_name,
            e.record.channel,
            e.record.status,
            e.record.recipients,
            e.record.reason or e.record.server_reply,
            e.created_at,
            e.record.sent_at,
            e.record.message_id,
        )
        for e in entries
    ]


def cancel_action_messages(
    conn: Connection,
    item: QueuedAction,
    code: str,
    reason: str,
    actor: str,
    dated: date | None = None,
) -> list[str]:
    """Cancel every message of `item` that has not left, and the action itself while it
    is pending, with `reason` (`code` for the queue); returns the keys cancelled. One
    event says it."""
    keys = [
        e.record.action_id
        for e in rl.outbox_entries(conn, OPEN_STATUSES, [item.id])
        if rl.outbox_set_status(conn, e.record.action_id, OutboxStatus.CANCELLED, reason)
    ]
    action_cancelled = item.action.status in PENDING
    if action_cancelled:
        queue_repo.set_action_status(conn, item.id, ActionStatus.CANCELLED, cancel_reason=code)
    repo.append_event(
        conn,
        CANCELLED_EVENT,
        actor=actor,
        customer_ref=item.action.customer_ref,
        subject=f"action {item.id}",
        data={
            "id": item.id,
            "code": code,
            "messages": keys,
            "action_cancelled": action_cancelled,
        },
        reason=reason,
        dated=dated,
    )
    return keys


def cancel(store: Store, action_id: int, *, reason: str = "", actor: str = "user") -> list[str]:
    """Cancel the waiting messages of `action_id` (and the action, if still approved);
    LookupError when it has none waiting."""
    with store.begin() as conn:
        found = queue_repo.load_queue(conn, ids=[action_id])
        waiting = rl.outbox_entries(conn, OPEN_STATUSES, [action_id])
        if not found or not waiting:
            raise LookupError(f"action {action_id} has no message waiting in the outbox")
        return cancel_action_messages(
            conn, found[0], "by_hand", reason or "cancelled by hand from the outbox", actor
        )


def purge(store: Store, *, reason: str = "", actor: str = "user") -> list[str]:
    """Cancel every message waiting in the outbox; returns the keys cancelled."""
    cancelled: list[str] = []
    with store.begin() as conn:
        waiting = rl.outbox_entries(conn, OPEN_STATUSES)
        ids = sorted({e.action_id for e in waiting})
        for item in queue_repo.load_queue(conn, ids=ids):
            cancelled += cancel_action_messages(
                conn, item, "by_hand", reason or "outbox purged by hand", actor
            )
    return cancelled
