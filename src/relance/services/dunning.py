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


def _contacts(
    item: QueuedAction, on: date, outcome: CallOutcome | None, note: str
) -> list[Contact]:
    """Each channel of an action carried out by hand, as its entry in the contact log."""
    found = []
    for channel in item.action.channels:
        contact_channel = _CONTACT_OF.get(channel)
        if contact_channel is not None:
            call = contact_channel is ContactChannel.CALL
            found.append(Contact(item.action.customer_ref, on, contact_channel,
                                 Direction.OUTGOING, outcome if call else None, note,
                                 item.action.key))  # fmt: skip
    return found


def _log_contacts(conn: Connection, contacts: Sequence[Contact]) -> None:
    # the contact log's storage (pauses, plans) is imported here: listing the queue does
    # without it
    from relance.adapters.storage import repository_pauses as pause_repo

    pause_repo.add_contacts(conn, contacts)


def _check_done(item: QueuedAction, on: date) -> None:
    """ValueError when `item` may not be marked done on `on`: not approved, or proposed
    after `on`."""
    if item.action.status is not ActionStatus.APPROVED:
        raise ValueError(
            f"action {item.id} is {item.action.status.value}: approve it before marking it done"
        )
    if on < item.action.proposed_on:
        raise ValueError(f"action {item.id} was proposed on {item.action.proposed_on}")


def _done_event(item: QueuedAction, on: date, outcome: CallOutcome | None, note: str) -> tuple[
    str, str, str, dict[str, object], str
]:  # fmt: skip
    """The `action.done` event of `item`: kind, customer, subject, data, reason."""
    data = {"id": item.id, "level": item.action.level_name, "done_on": on.isoformat(),
            "outcome": outcome.value if outcome else None}  # fmt: skip
    return "action.done", item.action.customer_ref, f"action {item.id}", data, note


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
    _check_done(item, on)
    queue_repo.set_action_status(
        conn,
        action_id,
        ActionStatus.DONE,
        done_on=on,
        outcome=outcome.value if outcome else "",
    )
    _log_contacts(conn, _contacts(item, on, outcome, note))
    kind, ref, subject, data, reason = _done_event(item, on, outcome, note)
    repo.append_event(conn, kind, actor=actor, customer_ref=ref, subject=subject, data=data,
                      reason=reason, dated=on)  # fmt: skip
    return _one(conn, action_id)


def mark_all_done_in(
    conn: Connection, action_ids: Sequence[int], on: date, *, note: str = "", actor: str = "user"
) -> dict[int, str]:
    """`mark_done_in` of each of `action_ids` (no call outcome) in a few statements: a send
    marks its printed letters' actions done with their print batch. By id, why an action
    could not be marked done (nothing of it written); LookupError for an unknown action."""
    found = {item.id: item for item in queue_repo.load_queue(conn, ids=action_ids)}
    refused: dict[int, str] = {}
    done: list[QueuedAction] = []
    for action_id in action_ids:
        if action_id not in found:
            raise LookupError(f"no action {action_id} in the queue")
        try:
            _check_done(found[action_id], on)
        except ValueError as exc:
            refused[action_id] = str(exc)
            continue
        done.append(found[action_id])
    if done:
        queue_repo.set_actions_done(conn, [item.id for item in done], on)
        _log_contacts(conn, [c for item in done for c in _contacts(item, on, None, note)])
        history_repo.append_events(
            conn, (_done_event(item, on, None, note) for item in done), actor, dated=on
        )
    return refused
