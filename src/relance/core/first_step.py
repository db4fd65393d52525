"""The first step of a customer the process has not met yet, decided from its totals.

A customer with no action known to the run, no contact logged, no unapplied credit, no
promise, plan or hold, no proceedings and no invoice disputed, time-barred, handed over
or under a plan (a "new" customer: every customer of a ledger's first run) goes through
`relance.core.customer_step` in its shortest way: every overdue invoice is at no stage,
those past the first level's delay are due for it, and one step takes them there. What
that step is depends only on the customer's open balance per currency, its overdue
invoices in order (oldest due first) and their due dates: `first_step` makes it from
those, without the engine's records per invoice, and makes the step the engine makes,
field for field (`tests/services/test_first_steps.py` runs both over mixed ledgers).

The caller chooses the new customers; anything else about a customer goes through
`relance.core.engine.decide`. `merged` puts both decisions back in the engine's order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from relance.core.actions import Action, Decision, Flag, Proposal, action_key
from relance.core.contact_limits import allowed_channels
from relance.core.customer_step import invoice_steps, level_templates
from relance.core.money import Money
from relance.core.policy import WRITTEN_CHANNELS, Channel, Grouping, Policy
from relance.core.stages import NO_STAGE


class FirstLevel:
    """A policy's first level on one day: what the first steps of its new customers
    share (the last due date past its delay, the channels the contact limits leave with
    nothing on record, the templates), made once for the run, not once per customer."""

    __slots__ = (
        "_apart", "_channels", "_last_due", "_templates", "_window", "as_of", "level", "policy",
    )  # fmt: skip

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy, self.as_of, self.level = policy, as_of, policy.levels[0]
        level = self.level
        # An invoice is due for the first level once its own delay has passed.
        self._last_due = as_of - timedelta(days=level.after_due_days or 0)
        # A letter lists the younger invoices apart, at no stage; a step of its own (a
        # level per step, or one that writes nothing) covers only those due for it.
        self._apart = policy.grouping is Grouping.CUSTOMER and not WRITTEN_CHANNELS.isdisjoint(
            level.channels
        )
        # With no contact and no step on record the contact limits depend on the
        # customer only for the flag they raise: without a flag, the channels are every
        # new customer's (else they are asked again for each, with its flag).
        raised: list[Flag] = []
        channels = allowed_channels(level, policy, as_of, "", (), (), raised)
        self._channels = None if raised else channels
        self._templates = level_templates(level.templates, channels)
        self._window = policy.limits.call_window if Channel.CALL in channels else None

    def step(
        self,
        ref: str,
        numbers: Sequence[str],
        due_dates: Sequence[date],
        balances: Mapping[str, Decimal],
        flags: list[Flag],
    ) -> Proposal | None:
        """The step of the day of the new customer `ref` (see the module), or None:
        `numbers` are its overdue open invoices sorted by due date then number,
        `due_dates` theirs in the same order, `balances` its open balance per currency
        (each positive, at the currency's minor unit). Flags the contact limits raise are
        appended to `flags`, as the engine would."""
        level, as_of = self.level, self.as_of
        # With the invoices oldest first, those due for the level are the first `ready`.
        ready = bisect_right(due_dates, self._last_due)
        if not ready or not balances or max(balances.values()) < level.min_amount:
            return None
        channels, templates, window = self._channels, self._templates, self._window
        if channels is None:
            channels = allowed_channels(level, self.policy, as_of, ref, (), (), flags)
            if not channels:
                return None
            templates = level_templates(level.templates, channels)
            window = self.policy.limits.call_window if Channel.CALL in channels else None
        waiting = len(numbers) - ready
        apart = waiting > 0 and self._apart
        step_numbers = tuple(numbers) if apart or not waiting else tuple(numbers[:ready])
        oldest_due = due_dates[0]
        days_overdue = (as_of - oldest_due).days
        why = f"{days_overdue} days after the due date of invoice {numbers[0]}"
        if apart:
            why += f"; {waiting} other invoice(s) listed apart, each at its own stage"
        action = Action(
            action_key(ref, as_of, level.name, step_numbers), ref, self.policy.name, 0,
            level.name, channels, step_numbers, as_of,
            invoice_levels=(0,) * ready + (NO_STAGE,) * waiting if apart else (),
        )  # fmt: skip
        return Proposal(
            action, templates, level.tone, level.needs_approval, level.charges,
            level.formal_notice,
            # Sums of amounts at their minor unit: nothing to round.
            tuple([Money.exact(balances[cur], cur) for cur in sorted(balances)]),
            oldest_due, days_overdue,
            None,  # no step was carried out: nothing to recall
            window, why,
            invoice_steps(action, {}, self.policy) if apart else (),
        )  # fmt: skip


def first_step(
    ref: str,
    policy: Policy,
    as_of: date,
    numbers: Sequence[str],
    due_dates: Sequence[date],
    balances: Mapping[str, Decimal],
    flags: list[Flag],
) -> Proposal | None:
    """The step of the day of one new customer under `policy` (`FirstLevel.step`)."""
    return FirstLevel(policy, as_of).step(ref, numbers, due_dates, balances, flags)


def merged(decision: Decision, proposals: Iterable[Proposal], flags: Iterable[Flag]) -> Decision:
    """The engine's `decision` with the first steps `proposals` (and their `flags`) of
    other customers, sorted by customer as the engine sorts one decision (each customer's
    own records keep their order)."""
    extra_proposals, extra_flags = list(proposals), list(flags)
    if not extra_proposals and not extra_flags:
        return decision
    return Decision(
        decision.as_of,
        tuple(sorted([*decision.proposals, *extra_proposals], key=lambda p: p.action.customer_ref)),
        decision.cancellations,
        tuple(sorted([*decision.flags, *extra_flags], key=lambda f: f.customer_ref)),
    )
