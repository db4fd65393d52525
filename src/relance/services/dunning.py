"""The dunning queue: the actions a run proposed, approved (by hand or by their level),
cancelled by hand, or carried out by hand (a call made, a letter posted). The daily run
itself is in `relance.services.daily_run`; the pauses and the contact log in `pauses`,
the policies in `policies`, a customer's history in `customer_history`.

Each use case is one transaction and appends what it changed to the event log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_history as history_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.actions import ActionStatus
from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.policy import Channel
from relance.core.queued import QueuedAction as QueuedAction  # the queue's type, for interfaces

# Channels whose carrying out is a contact with the debtor, for the contact log.
_CONTACT_OF = {
    Channel.CALL: ContactChannel.CALL,
    Channel.EMAIL: ContactChannel.EMAIL,
    Channel.LETTER: ContactChannel.LETTER,
    Channel.REGISTERED_LETTER: ContactChannel.REGISTERED_LETTER,
}


def queue(store: Store, *, everything: bool = False) -> list[QueuedAction]:
    """The pending actions (proposed or approved), or every action with `everything`."""
    statuses = None if everything else (ActionStatus.PROPOSED, ActionStatus.APPROVED)
    with store.begin() as conn:
        return queue_repo.load_queue(conn, statuses)


def _one(conn: Connection, action_id: int) -> QueuedAction:
    found = queue_repo.load_queue(conn, ids=[action_id])
    if not found:
        raise LookupError(f"no action {action_id} in the queue")
    return found[0]


def approve(
    store: Store, ids: Sequence[int] = (), *, every: bool = False, actor: str = "user"
) -> list[int]:
    """Approve the proposed actions `ids` (or every proposed action); returns their ids."""
    with store.begin() as conn:
        if every:
            chosen = queue_repo.load_queue(conn, (ActionStatus.PROPOSED,))
        else:
            chosen = [_one(conn, action_id) for action_id in ids]
            for item in chosen:
                if item.action.status is not ActionStatus.PROPOSED:
                    raise ValueError(
                        f"action {item.id} is {item.action.status.value}: only a proposed "
                        "action can be approved"
                    )
        for item in chosen:
            queue_repo.set_action_status(conn, item.id, ActionStatus.APPROVED)
        history_repo.append_events(
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
        queue_repo.set_action_status(
            conn, action_id, ActionStatus.CANCELLED, cancel_reason="by_hand"
        )
        repo.append_event(
            conn,
            "action.cancelled",
            actor=actor,
            customer_ref=item.action.customer_ref,
            subject=f"action {action_id}",
            data={"id": action_id, "reason": "by_hand"},
            reason=reason or "cancelled by hand",
        )


def _log_contacts(
    conn: Connection, item: QueuedAction, on: date, outcome: CallOutcome | None, note: str
) -> None:
    """Each channel of an action carried out by hand, in the contact log."""
    # the contact log's storage (pauses, plans) is imported here: listing the queue does
    # without it
    from relance.adapters.storage import repository_pauses as pause_repo

    for channel in item.action.channels:
        contact_channel = _CONTACT_OF.get(channel)
        if contact_channel is None:
            continue
        pause_repo.add_contact(
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
        return mark_done_in(conn, action_id, on, outcome=outcome, note=note, actor=actor)


def mark_done_in(
    conn: Connection,
    action_id: int,
    on: date,
    *,
    outcome: CallOutcome | None = None,
    note: str = "",
    actor: str = "user",
) -> QueuedAction:
    """`mark_done` in the transaction of `conn` (a send marks its printed letters' actions
    done in the transaction that records their print batch). ValueError, before anything
    is written, when the action is not approved or was proposed after `on`."""
    item = _one(conn, action_id)
    if item.action.status is not ActionStatus.APPROVED:
        raise ValueError(
            f"action {action_id} is {item.action.status.value}: approve it before marking it done"
        )
    if on < item.action.proposed_on:
        raise ValueError(f"action {action_id} was proposed on {item.action.proposed_on}")
    queue_repo.set_action_status(
        conn,
        action_id,
        ActionStatus.DONE,
        done_on=on,
        outcome=outcome.value if outcome else "",
    )
    _log_contacts(conn, item, on, outcome, note)
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
