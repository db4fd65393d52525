"""The first steps of a daily run's new customers, decided from their totals.

A customer the process has not met yet (no action known, nothing else on record about it:
`run_selection.with_history` names the others) needs no record per invoice to be decided:
the database sums its open balance and lists its overdue invoices in one row per currency
(`repository_overdue.new_customers`), and `relance.core.first_step` makes the step the
engine would. On a ledger's first run that is every customer; afterwards, the new ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage.database import Connection
from relance.core.actions import Flag, Proposal
from relance.core.first_step import FirstLevel
from relance.core.policy import PolicyIndex


@dataclass(slots=True)
class FirstSteps:
    """What the new customers of a range of references get: their proposals and flags,
    and the new customers no policy applies to (for the engine, which flags them)."""

    proposals: list[Proposal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    without_policy: set[str] = field(default_factory=set)


class NewCustomers:
    """The run's new customers (`repository_overdue.new_customers`), read once for the
    whole ledger by reference and handed out a range of references at a time: the
    database sums the allocations and sorts the customers once, not once a part."""

    def __init__(self, conn: Connection, as_of: date) -> None:
        self._rows = overdue_repo.new_customers(conn, as_of)
        self._next: overdue_repo.NewCustomer | None = next(self._rows, None)

    def below(self, high: str | None) -> Iterator[overdue_repo.NewCustomer]:
        """The next customers whose reference is below `high` (all the rest when None);
        the ranges asked for must follow one another."""
        while self._next is not None and (high is None or self._next[0][0] < high):
            yield self._next
            self._next = next(self._rows, None)


def first_steps(
    new: NewCustomers,
    as_of: date,
    high: str | None,
    policies: PolicyIndex,
    with_history: Collection[str],
) -> FirstSteps:
    """The steps on `as_of` of the next `new` customers, whose reference is below `high`
    (all the rest when None), less those `with_history` (which the engine reads in full)."""
    found = FirstSteps()
    levels: dict[str, FirstLevel] = {}  # each policy's first level, made once
    for shape, numbers, due_dates, balances in new.below(high):
        ref = shape[0]
        if ref in with_history:
            continue
        policy = policies.for_shape(*shape[1:])
        if policy is None:
            found.without_policy.add(ref)
            continue
        level = levels.get(policy.name)
        if level is None or level.policy is not policy:
            level = levels[policy.name] = FirstLevel(policy, as_of)
        proposal = level.step(ref, numbers, due_dates, balances, found.flags)
        if proposal is not None:
            found.proposals.append(proposal)
    return found
