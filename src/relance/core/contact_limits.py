"""How often a step may reach a customer: the policy's contact limits applied to a level.

A step carried out is one contact, however many channels carried it out; a task for
the user alone (an agency handoff, a write-off review) reaches no debtor and is no
contact. A call task is dropped when the calls of the window reach the limit or a
telephone conversation is too recent; every channel is dropped once the overall
contact cap is reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from relance.core.actions import Action, ActionStatus, Flag, FlagKind
from relance.core.contacts import Contact, Direction, calls_in_window, last_conversation
from relance.core.policy import WRITTEN_CHANNELS, Channel, Level, Policy

# The channels that reach the debtor; the others are tasks for the user alone.
_DEBTOR_CHANNELS = WRITTEN_CHANNELS | {Channel.CALL}


def allowed_channels(
    level: Level,
    policy: Policy,
    as_of: date,
    customer_ref: str,
    contacts: Sequence[Contact],
    actions: Sequence[Action],
    flags: list[Flag],
) -> tuple[Channel, ...]:
    """The level's channels less a call the contact limits forbid (flagged); empty when
    the overall contact cap is reached."""
    if not contacts and not actions and policy.limits.max_calls >= 1:
        return level.channels  # nothing in the log to count: the common case, kept fast
    limits = policy.limits
    first = as_of - timedelta(days=limits.window_days - 1)
    linked = {contact.action_key for contact in contacts if contact.action_key}
    outgoing = [
        contact
        for contact in contacts
        if contact.direction is Direction.OUTGOING and first <= contact.on <= as_of
    ]
    # Steps carried out with no contact logged for them.
    steps = [
        a
        for a in actions
        if a.status is ActionStatus.DONE
        and a.done_on is not None
        and first <= a.done_on <= as_of
        and a.key not in linked
        and not _DEBTOR_CHANNELS.isdisjoint(a.channels)
    ]
    if limits.max_contacts is not None:
        # One step is one contact, however many channels carried it out (each channel
        # logs its own entry, linked to the step).
        for_steps = {contact.action_key for contact in outgoing if contact.action_key}
        by_hand = sum(1 for contact in outgoing if not contact.action_key)
        if len(for_steps) + by_hand + len(steps) >= limits.max_contacts:
            return ()
    if Channel.CALL not in level.channels:
        return level.channels
    calls = calls_in_window(contacts, as_of, limits.window_days) + sum(
        1 for a in steps if Channel.CALL in a.channels
    )
    reason = _no_call_reason(policy, as_of, calls, last_conversation(contacts, as_of))
    if not reason:
        return level.channels
    flags.append(
        Flag(
            f"call_limit/{customer_ref}/{as_of.isoformat()}",
            FlagKind.CALL_LIMIT,
            customer_ref,
            reason,
        )
    )
    return tuple(ch for ch in level.channels if ch is not Channel.CALL)


def _no_call_reason(policy: Policy, as_of: date, calls: int, conversation: date | None) -> str:
    """Why no call may be made today ("" when one may)."""
    limits = policy.limits
    if calls + 1 > limits.max_calls:
        return f"{calls} calls in the last {limits.window_days} days: no call task"
    if (
        conversation is not None
        and (as_of - conversation).days < limits.quiet_after_conversation_days
    ):
        return f"a telephone conversation on {conversation}: no call task"
    return ""
