"""Each invoice goes through the steps itself: its stage, when it is due for the next
one, and how the invoices of one customer share a step.

An invoice's stage is the highest level of its policy that a step carried out took it
to (`Action.stages`), with the day that happened and the steps it went through before.
An invoice with no step yet is at stage -1. The next level of an invoice is due when its
triggers are met for that invoice: days after its own due date, days after its own last
step (or after the customer's last response, which restarts the wait).

`group_steps` then makes the customer's steps of the day from the invoices that are
due for their next level, following the policy's grouping (`relance.core.policy.Grouping`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from relance.core.actions import Action
from relance.core.policy import WRITTEN_CHANNELS, Grouping, Level, Policy

NO_STAGE = -1


@dataclass(frozen=True, slots=True)
class InvoiceStage:
    """Where one invoice stands: the level reached, the day and the step that took it
    there, and every step it went through (level name, day), oldest first."""

    number: str
    level: int
    on: date
    step: Action
    history: tuple[tuple[str, date], ...]


def level_name(policy: Policy, level: int) -> str:
    """The name of the policy's level at `level` ("" before the first)."""
    return policy.levels[level].name if 0 <= level < len(policy.levels) else ""


def invoice_stages(done: Iterable[Action], policy: Policy) -> dict[str, InvoiceStage]:
    """Each invoice's stage from the steps carried out under `policy`, taken in the
    order they were carried out. A step that lists an invoice at a stage it already
    reached (as also due) does not move the day of that stage. Steps of another policy
    play no part: a customer moved to another policy starts its process again."""
    ordered = sorted(
        (a for a in done if a.done_on is not None and a.policy == policy.name),
        key=lambda a: (a.done_on, a.level, a.key),
    )
    stages: dict[str, InvoiceStage] = {}
    for action in ordered:
        on = action.done_on
        assert on is not None
        for number, level in action.stages():
            current = stages.get(number)
            if level < 0 or (current is not None and level <= current.level):
                continue
            name = action.level_name if level == action.level else level_name(policy, level)
            history = (current.history if current is not None else ()) + ((name, on),)
            stages[number] = InvoiceStage(number, level, on, action, history)
    return stages


def triggered(
    level: Level,
    as_of: date,
    days_overdue: int,
    previous_on: date | None,
    last_heard: date | None,
) -> bool:
    """True when every trigger of `level` is met for one invoice on `as_of`, each as "at
    least N days": `days_overdue` is the invoice's own, `previous_on` the day of its last
    step, `last_heard` the customer's last response (which restarts the wait)."""
    if level.after_due_days is not None and days_overdue < level.after_due_days:
        return False
    if level.after_previous_days is not None and previous_on is not None:
        start = previous_on if last_heard is None else max(previous_on, last_heard)
        if (as_of - start).days < level.after_previous_days:
            return False
    return True


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One step of the day for a customer: the level it carries out (its position in
    the policy), the invoices it takes to that level, and the invoices listed apart as
    also due, each with the stage it has once the step is carried out."""

    position: int
    covered: tuple[str, ...]
    also_due: tuple[tuple[str, int], ...] = ()


def _writes(level: Level) -> bool:
    return not WRITTEN_CHANNELS.isdisjoint(level.channels)


def group_steps(
    ready: Mapping[str, int], waiting: Mapping[str, int], policy: Policy
) -> list[PlannedStep]:
    """The customer's steps of the day, highest level first.

    `ready` maps each invoice due for its next level to that level's position;
    `waiting` maps the other invoices still chased to their stage. A step covers the
    invoices due for its own level. With the CUSTOMER grouping, every letter-writing
    level is carried out by the highest one, which lists the other invoices apart as
    also due (those due for a lower level reach it with this letter, the waiting ones
    keep their stage); a level that writes nothing (an agency handoff) is a step of its
    own with its own invoices. With the STAGE grouping, each level is a step of its own
    and the waiting invoices wait for theirs.
    """
    positions = sorted(set(ready.values()), reverse=True)
    if len(positions) == 1 and not waiting:
        return [PlannedStep(positions[0], tuple(sorted(ready)))]  # the common case
    by_position = {p: tuple(sorted(n for n, q in ready.items() if q == p)) for p in positions}
    if policy.grouping is Grouping.STAGE:
        return [PlannedStep(p, by_position[p]) for p in positions]
    steps = [PlannedStep(p, by_position[p]) for p in positions if not _writes(policy.levels[p])]
    written = [p for p in positions if _writes(policy.levels[p])]
    if written:
        lead = written[0]
        also_due = [(n, p) for p in written[1:] for n in by_position[p]]
        also_due.extend(sorted(waiting.items()))
        steps.append(PlannedStep(lead, by_position[lead], tuple(also_due)))
    return sorted(steps, key=lambda step: -step.position)


def step_invoices(
    step: PlannedStep, due_dates: Mapping[str, date]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The step's invoices, oldest due first (ties to the smaller number), and the stage
    each reaches; the stages are left empty when the step covers them all."""
    stages = {number: step.position for number in step.covered}
    stages.update(step.also_due)
    # Sorted on (due date, number) pairs: compared in C, no key function per invoice.
    dated = sorted(zip(map(due_dates.__getitem__, stages), stages, strict=True))
    numbers = tuple([number for _, number in dated])
    if not step.also_due:
        return numbers, ()
    return numbers, tuple(stages[n] for n in numbers)


def last_step_of(stages: Mapping[str, InvoiceStage], numbers: Sequence[str]) -> Action | None:
    """The latest step that took one of `numbers` to its stage (what a letter recalls)."""
    steps = [stages[n].step for n in numbers if n in stages]
    if not steps:
        return None
    return max(steps, key=lambda a: (a.done_on or date.min, a.level, a.key))
