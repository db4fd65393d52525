"""The dunning queue's records: an action as it waits in the queue, with what its step
says (templates, tone, amounts chased, the invoices and the step it recalls), read by the
letters, the sending and the person who approves it.

A `Proposal` of the engine becomes a `QueuedStep` when it is queued (`queued_step`); the
queue stores it and gives it back as it was, with the waiting credits that could pay it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.core.actions import Action, InvoiceStep, Proposal
from relance.core.money import Money
from relance.core.policy import CallWindow, Channel, Tone


@dataclass(frozen=True, slots=True)
class CreditWarning:
    """A waiting credit that could pay a claim, and why it is thought to."""

    transaction_key: str
    booking_date: date
    amount: Money
    payer: str
    why: str
    covers: bool  # the credit is at least what the claim chases in its currency

    @property
    def text(self) -> str:
        """The warning in one line, for the queue and the run's report."""
        who = f" from {self.payer}" if self.payer else ""
        return (
            f"unmatched credit {self.transaction_key} of {self.amount} on "
            f"{self.booking_date.isoformat()}{who} could pay it ({self.why})"
        )


@dataclass(frozen=True, slots=True)
class RecalledStep:
    """The previous step a level's wording recalls: its action key, level and the day it
    was carried out (None while it was not)."""

    key: str
    level_name: str
    done_on: date | None


@dataclass(frozen=True, slots=True)
class QueuedStep:
    """What the letters and the user need of a queued action (see `Proposal`), and the
    unmatched credits that could pay it (the run's warning)."""

    templates: tuple[tuple[Channel, str], ...] = ()
    tone: Tone = Tone.COURTEOUS
    needs_approval: bool = True
    charges: tuple[str, ...] = ()
    formal_notice: bool = False
    balances: tuple[Money, ...] = ()
    oldest_due: date | None = None
    days_overdue: int = 0
    recalls: RecalledStep | None = None
    call_window: CallWindow | None = None
    why: str = ""
    invoices: tuple[InvoiceStep, ...] = ()
    unmatched_credits: tuple[CreditWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class QueuedAction:
    """A row of the queue: the engine's action, its short id and what its step says."""

    id: int
    action: Action
    step: QueuedStep
    outcome: str = ""
    cancel_reason: str | None = None


def queued_step(
    proposal: Proposal, unmatched_credits: tuple[CreditWarning, ...] = ()
) -> QueuedStep:
    """The queue's record of a proposal, with the waiting credits that could pay it."""
    recalls = proposal.recalls
    return QueuedStep(
        proposal.templates,
        proposal.tone,
        proposal.needs_approval,
        proposal.charges,
        proposal.formal_notice,
        proposal.balances,
        proposal.oldest_due,
        proposal.days_overdue,
        None if recalls is None else RecalledStep(recalls.key, recalls.level_name, recalls.done_on),
        proposal.call_window,
        proposal.why,
        proposal.invoices,
        unmatched_credits,
    )
