"""Which customers a daily run must look at, before their invoices are read.

On most days most customers are between two steps: their last letter went out a few
days ago, or their oldest invoice is not yet late enough for the first level. The run
reads, per customer, what the database sums cheaply (the oldest invoice overdue and
still open, with its number) and keeps the customers `may_act` says the engine could
propose, cancel or flag something for; the others cost no record and no invoice list.

`may_act` is a necessary condition, never a decision: it answers True whenever it cannot
rule the engine's output out (`relance.core.customer_step`), so the run's decision is the
one the engine makes over every customer. What makes a customer one to look at whatever
the dates (a pending action, a promise, a plan, a hold, proceedings, an invoice disputed,
time-barred, handed over or under a plan) is the caller's to check first: `may_act`
assumes none of those. Contacts and unapplied credit need no such care: a response only
restarts a wait, credit only lowers the balance chased, the contact limits only remove
channels, so each can hold back a step the dates allow, never make one.

For a customer with no step carried out, a step is possible only once the oldest open
invoice reaches the first level's delay. For one with steps carried out: nothing within
the policy's minimum gap after the last one; after it, a step needs an invoice whose next
level's triggers can be met. The customer's most advanced invoices lead (an invoice with
no step only rides along while an invoice that went through a step is chased), so an
invoice with no step can lead only when the oldest open invoice went through no step.
An invoice at the last level is flagged by the engine: such a customer is always looked at.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from relance.core.actions import PENDING, Action, ActionStatus
from relance.core.policy import Level, Policy


def may_act(
    as_of: date,
    policy: Policy | None,
    oldest_due: date,
    oldest_number: str,
    actions: Iterable[Action],
) -> bool:
    """False only when the engine can neither propose, cancel nor flag anything on `as_of`
    for a customer under `policy` whose oldest invoice overdue and open is `oldest_number`,
    due on `oldest_due`, and whose known actions are `actions` (nothing else set aside)."""
    if policy is None:
        return True  # flagged: no policy applies
    done: list[Action] = []
    for action in actions:
        if action.proposed_on > as_of:
            continue  # not yet proposed on that day (a replay reads it so)
        if action.status in PENDING or (action.done_on is not None and action.done_on > as_of):
            return True  # pending on that day: may be cancelled
        if action.status is ActionStatus.DONE and action.done_on is not None:
            done.append(action)
    days = (as_of - oldest_due).days
    first = policy.levels[0].after_due_days or 0
    if not done:
        return days >= first
    last_level = len(policy.levels) - 1
    reached: set[tuple[int, date]] = set()  # each (stage, day) a step took an invoice to
    oldest_went_through = False
    for action in done:
        if action.policy != policy.name:
            continue  # another policy's steps give no stage
        assert action.done_on is not None
        for number, level in action.stages():
            if level < 0:
                continue
            if level >= last_level:
                return True  # through every level: flagged while chased
            reached.add((level, action.done_on))
            oldest_went_through = oldest_went_through or number == oldest_number
    last_step = max(action.done_on for action in done if action.done_on is not None)
    if (as_of - last_step).days < policy.min_gap_days:
        return False
    if not oldest_went_through and days >= first:
        return True  # an invoice with no step may lead
    levels = policy.levels
    return any(_may_trigger(levels[level + 1], as_of, days, on) for level, on in reached)


def _may_trigger(level: Level, as_of: date, most_days: int, previous_on: date) -> bool:
    """`relance.core.stages.triggered` for an invoice overdue `most_days` at most, whose
    last step was on `previous_on`, the customer never heard from."""
    if level.after_due_days is not None and most_days < level.after_due_days:
        return False
    return level.after_previous_days is None or (
        (as_of - previous_on).days >= level.after_previous_days
    )
