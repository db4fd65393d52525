"""The dunning queue as stored: the actions a run proposes, their status, and the flags
it raises for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)

from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.driver import (
    CHUNK,
    DayReader,
    driver_rows,
    insert_many,
    json_text,
)
from relance.adapters.storage.filters import customer_is
from relance.adapters.storage.lists import decode_list
from relance.adapters.storage.queued_step_json import step_from_json, step_text
from relance.core.actions import Action, ActionStatus, Flag, Proposal
from relance.core.policy import Channel
from relance.core.queued import QueuedAction, QueuedStep, queued_step

# -- the queue --------------------------------------------------------------------


@lru_cache(maxsize=256)
def channel_values(channels: tuple[Channel, ...]) -> tuple[str, ...]:
    """The channels' names (a level's few combinations, remembered: a run asks 200,000
    times)."""
    return tuple(channel.value for channel in channels)


_ACTION_COLUMNS = (
    "key", "customer_ref", "policy", "level", "level_name", "channels", "invoice_numbers",
    "proposed_on", "status", "done_on", "outcome", "cancel_reason", "details", "invoice_levels",
)  # fmt: skip


def insert_proposals(
    conn: Connection,
    proposals: Sequence[Proposal],
    steps: Sequence[QueuedStep] | None = None,
) -> dict[str, int]:
    """Queue `proposals` (approved at once when their level needs no approval), with
    their queued `steps` when already made (else `queued_step`); returns the new ids by
    action key."""
    a = d.dunning_actions
    # Every id given from here on is above the highest one now (SQLite takes max + 1, a
    # PostgreSQL sequence only grows), so the new rows are found by id, not by key.
    before = conn.execute(select(func.coalesce(func.max(a.c.id), 0))).scalar_one()
    # A level's channels are the same list in every row: its JSON made once per
    # combination; the invoices' and the step's JSON once per row, handed to the driver.
    channels: dict[tuple[Channel, ...], str] = {}
    for p in proposals:
        if p.action.channels not in channels:
            channels[p.action.channels] = json_text(channel_values(p.action.channels))
    status = {True: ActionStatus.PROPOSED.value, False: ActionStatus.APPROVED.value}
    insert_many(
        conn,
        a,
        _ACTION_COLUMNS,
        (
            (
                p.action.key,
                p.action.customer_ref,
                p.action.policy,
                p.action.level,
                p.action.level_name,
                channels[p.action.channels],
                json_text(p.action.invoice_numbers),
                p.action.proposed_on,
                status[p.needs_approval],
                None,
                "",
                None,
                step_text(queued_step(p) if steps is None else steps[n]),
                list(p.action.invoice_levels) if p.action.invoice_levels else None,
            )
            for n, p in enumerate(proposals)
        ),
        encoded=("channels", "invoice_numbers", "details"),
    )
    wanted = {p.action.key for p in proposals}
    # Rows of another transaction committed meanwhile may show up: keep our keys only.
    return {
        key: id_
        for key, id_ in driver_rows(conn, select(a.c.key, a.c.id).where(a.c.id > before))
        if key in wanted
    }


def _action(row: Any) -> Action:
    return Action(
        row.key,
        row.customer_ref,
        row.policy,
        row.level,
        row.level_name,
        tuple(Channel(c) for c in decode_list(row.channels)),
        decode_list(row.invoice_numbers),
        row.proposed_on,
        ActionStatus(row.status),
        row.done_on,
        tuple(row.invoice_levels) if row.invoice_levels else (),
    )


def known_to_run(as_of: date) -> ColumnElement[bool]:
    """The actions a run on `as_of` knows (`engine_actions`): pending or done, or
    cancelled on that day, and proposed by then."""
    a = d.dunning_actions
    return and_(
        or_(a.c.status != ActionStatus.CANCELLED.value, a.c.proposed_on == as_of),
        a.c.proposed_on <= as_of,
    )


def engine_actions(
    conn: Connection, as_of: date, customer_ref: str | Sequence[str] | None = None
) -> list[tuple[int, Action]]:
    """The actions a run must know, with their ids: every pending or done action, and the
    cancelled ones proposed on `as_of` (so a second run for that date repeats nothing)."""
    a = d.dunning_actions
    query = select(
        a.c.id, a.c.key, a.c.customer_ref, a.c.policy, a.c.level, a.c.level_name,
        a.c.channels, a.c.invoice_numbers, a.c.proposed_on, a.c.status, a.c.done_on,
        a.c.invoice_levels,
    ).where(known_to_run(as_of))  # fmt: skip
    if customer_ref is not None:
        query = query.where(customer_is(a.c.customer_ref, customer_ref))
    # Read through the driver: a ledger's history holds an action per customer and step,
    # and each run reads them all. Channels, statuses and days repeat: made once each.
    day, statuses = DayReader(), {status.value: status for status in ActionStatus}
    channels_of: dict[Any, tuple[Channel, ...]] = {}
    loads = json.JSONDecoder().decode  # one decoder for the 200,000 lists of a big history
    found = []
    for (id_, key, ref, policy, level, name, channels, numbers, proposed, status, done,
         levels) in driver_rows(conn, query.order_by(a.c.id), streamed=True):  # fmt: skip
        shared = channels if isinstance(channels, str) else tuple(channels)
        chosen = channels_of.get(shared)
        if chosen is None:
            chosen = channels_of[shared] = tuple(Channel(c) for c in decode_list(channels))
        # JSON text on SQLite (an array of strings, as `encode_list` wrote it), a list else.
        invoices = tuple(loads(numbers)) if isinstance(numbers, str) else decode_list(numbers)
        action = Action(
            key, ref, policy, level, name, chosen, invoices, day(proposed),
            statuses[status], None if done is None else day(done), _stages(levels),
        )  # fmt: skip
        found.append((id_, action))
    return found


def _stages(stored: Any) -> tuple[int, ...]:
    """An action's `invoice_levels` as the driver gives them (JSON text on SQLite)."""
    if not stored or stored == "null":
        return ()
    levels = json.loads(stored) if isinstance(stored, str) else stored
    return tuple(levels) if levels else ()


def load_queue(
    conn: Connection,
    statuses: Iterable[ActionStatus] | None = None,
    customer_ref: str | Sequence[str] | None = None,
    ids: Iterable[int] | None = None,
) -> list[QueuedAction]:
    """Queued actions by id, optionally only those with `statuses`, of one customer (or
    of several), or among `ids`."""
    a = d.dunning_actions
    query = select(a).order_by(a.c.id)
    if statuses is not None:
        query = query.where(a.c.status.in_([s.value for s in statuses]))
    if customer_ref is not None:
        query = query.where(customer_is(a.c.customer_ref, customer_ref))
    if ids is not None:
        query = query.where(a.c.id.in_(list(ids)))
    return [
        QueuedAction(
            row.id, _action(row), step_from_json(row.details), row.outcome, row.cancel_reason
        )
        for row in conn.execute(query)
    ]


def set_actions_done(conn: Connection, action_ids: Sequence[int], on: date) -> None:
    """Move the actions `action_ids` to done on `on`, in one statement."""
    a = d.dunning_actions
    conn.execute(
        update(a).where(a.c.id.in_(list(action_ids))).values(status=ActionStatus.DONE.value,
                                                              done_on=on)
    )  # fmt: skip


def set_action_status(
    conn: Connection,
    action_id: int,
    status: ActionStatus,
    *,
    done_on: date | None = None,
    outcome: str = "",
    cancel_reason: str | None = None,
) -> None:
    """Move one action to `status`."""
    values: dict[str, Any] = {"status": status.value}
    if done_on is not None:
        values["done_on"] = done_on
    if outcome:
        values["outcome"] = outcome
    if cancel_reason is not None:
        values["cancel_reason"] = cancel_reason
    conn.execute(
        update(d.dunning_actions).where(d.dunning_actions.c.id == action_id).values(values)
    )


# -- flags --------------------------------------------------------------------------------


def add_new_flags(conn: Connection, flags: Sequence[Flag], raised_on: date) -> list[Flag]:
    """Record the flags not recorded before; returns those that were new."""
    keys = list(dict.fromkeys(flag.key for flag in flags))
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        query = select(d.dunning_flags.c.key).where(
            d.dunning_flags.c.key.in_(keys[start : start + CHUNK])
        )
        known.update(conn.execute(query).scalars())
    new: dict[str, Flag] = {}
    for flag in flags:
        if flag.key not in known and flag.key not in new:
            new[flag.key] = flag
    if new:
        conn.execute(
            insert(d.dunning_flags),
            [
                {
                    "key": flag.key,
                    "kind": flag.kind.value,
                    "customer_ref": flag.customer_ref,
                    "message": flag.message,
                    "invoice_number": flag.invoice_number,
                    "raised_on": raised_on,
                }
                for flag in new.values()
            ],
        )
    return list(new.values())


def load_flags(conn: Connection, customer_ref: str | None = None) -> list[dict[str, Any]]:
    """Recorded flags as plain rows, oldest first."""
    f = d.dunning_flags
    query = select(f.c.raised_on, f.c.kind, f.c.customer_ref, f.c.message, f.c.invoice_number)
    if customer_ref is not None:
        query = query.where(f.c.customer_ref == customer_ref)
    return [dict(row._mapping) for row in conn.execute(query.order_by(f.c.id))]
