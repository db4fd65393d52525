"""The records of the daily run: queued actions, proposals, cancellations and flags.

An action is one step for one customer: a level of its policy, the channels that carry
it out, and the invoices it lists. Each invoice goes through the steps itself: the
action records, beside each invoice, the stage (level) the step takes that invoice to.
The step *covers* the invoices it takes to its own level; the others are listed apart,
as also due, each at its own stage. `relance.core.engine.decide` makes these records;
storage keeps them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from relance.core.money import Money
from relance.core.policy import CallWindow, Channel, Tone


class ActionStatus(StrEnum):
    """The life of a queued action."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    DONE = "done"
    CANCELLED = "cancelled"


PENDING = frozenset({ActionStatus.PROPOSED, ActionStatus.APPROVED})


@dataclass(frozen=True, slots=True)
class Action:
    """A queued action as the engine needs to know it: which step, for which invoices,
    and where it stands. `done_on` is the day it was carried out.

    `invoice_levels`, beside `invoice_numbers`, is the stage each invoice reaches with
    this step; empty means every invoice reaches `level` (the step covers them all).
    """

    key: str
    customer_ref: str
    policy: str
    level: int
    level_name: str
    channels: tuple[Channel, ...]
    invoice_numbers: tuple[str, ...]
    proposed_on: date
    status: ActionStatus = ActionStatus.PROPOSED
    done_on: date | None = None
    invoice_levels: tuple[int, ...] = ()

    def carried_out(self, on: date) -> Action:
        """This action marked done on `on` (as `relance done` does)."""
        return self.with_status(ActionStatus.DONE, on)

    def with_status(self, status: ActionStatus, done_on: date | None = None) -> Action:
        """This action in another status (made directly: `dataclasses.replace` costs
        more, and a run changes 200,000 of them)."""
        return Action(
            self.key,
            self.customer_ref,
            self.policy,
            self.level,
            self.level_name,
            self.channels,
            self.invoice_numbers,
            self.proposed_on,
            status,
            done_on,
            self.invoice_levels,
        )

    def stages(self) -> Iterable[tuple[str, int]]:
        """(invoice number, the stage this step takes it to), in the action's order."""
        if not self.invoice_levels:
            return ((number, self.level) for number in self.invoice_numbers)
        return zip(self.invoice_numbers, self.invoice_levels, strict=True)

    @property
    def covered(self) -> tuple[str, ...]:
        """The invoices this step takes to its own level (not merely listed as also due)."""
        return tuple(number for number, stage in self.stages() if stage == self.level)


@dataclass(frozen=True, slots=True)
class InvoiceStep:
    """One invoice of a proposed step, as the letter shows it: the stage the step takes
    it to (-1 when it has had no reminder yet and is not due for one), whether the step
    covers it or lists it apart as also due, and the steps it went through before
    (level name and day carried out, oldest first)."""

    number: str
    stage: int
    stage_name: str
    covered: bool
    history: tuple[tuple[str, date], ...] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    """A new action to put in the queue, with what the letters and the user need.

    `balances` are the amounts chased per currency (overdue balance less unapplied
    credit); `recalls` is the previous step when the level's wording recalls it;
    `invoices` is each invoice with its own stage, covered or also due, and the steps it
    went through; empty when the step covers every invoice and none had a step before.
    """

    action: Action
    templates: tuple[tuple[Channel, str], ...]
    tone: Tone
    needs_approval: bool
    charges: tuple[str, ...]
    formal_notice: bool
    balances: tuple[Money, ...]
    oldest_due: date
    days_overdue: int
    recalls: Action | None
    call_window: CallWindow | None
    why: str
    invoices: tuple[InvoiceStep, ...] = ()


class CancelReason(StrEnum):
    """Why a pending action is no longer wanted."""

    PAID = "paid"
    COVERED_BY_CREDIT = "covered_by_credit"
    DISPUTED = "disputed"
    PROMISE = "promise"
    PLAN = "plan"
    HOLD = "hold"
    DO_NOT_CONTACT = "do_not_contact"  # of actions cancelled before it became a hold
    TIME_BARRED = "time_barred"
    SUPERSEDED = "superseded"
    HANDED_OVER = "handed_over"
    PROCEEDINGS = "proceedings"


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A pending action to cancel, with the reason to log."""

    action_key: str
    customer_ref: str
    reason: CancelReason
    detail: str


class FlagKind(StrEnum):
    """Things the user should know that are not actions."""

    TIME_BARRED = "time_barred"
    PROMISE_BROKEN = "promise_broken"
    PLAN_MISSED = "plan_missed"
    CALL_LIMIT = "call_limit"
    NO_POLICY = "no_policy"
    UNKNOWN_CUSTOMER = "unknown_customer"
    PROCESS_ENDED = "process_ended"


@dataclass(frozen=True, slots=True)
class Flag:
    """A fact worth recording; `key` is stable across runs so it is recorded once."""

    key: str
    kind: FlagKind
    customer_ref: str
    message: str
    invoice_number: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What one run decided as of a date."""

    as_of: date
    proposals: tuple[Proposal, ...]
    cancellations: tuple[Cancellation, ...]
    flags: tuple[Flag, ...]


# An overdue open invoice as the engine reads it: number, due date, currency, open balance.
OverdueItem = tuple[str, date, str, Decimal]


def action_key(customer_ref: str, as_of: date, level_name: str, invoices: Iterable[str]) -> str:
    """The natural key of a proposal: the same customer, date, level and invoices give
    the same key, so a second run for a date is recognised."""
    digest = hashlib.blake2b("\n".join(sorted(invoices)).encode(), digest_size=4).hexdigest()
    return f"{customer_ref}/{as_of.isoformat()}/{level_name}/{digest}"
