"""The daily run's check for credits waiting in the lettrage queue (`relance.core.waiting_credits`).

Each proposed step whose customer may already have paid (an unmatched credit from their
IBAN or name, suggested for them, or of exactly the amount claimed) carries the warning and
the credit in its details, which the queue shows; with the hold setting the step is not
queued at all until the credit is matched or ignored, and the run's report lists it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage.database import Connection
from relance.core.bank import MatchState
from relance.core.engine import Decision, Proposal
from relance.core.model import Customer
from relance.core.waiting_credits import Claim, CreditWarning, WaitingCredit, credits_that_could_pay

Warnings = Mapping[str, tuple[CreditWarning, ...]]


@dataclass(frozen=True, slots=True)
class HeldProposal:
    """A step the run did not queue because a waiting credit could pay it."""

    customer_ref: str
    level_name: str
    invoice_numbers: tuple[str, ...]
    credits: tuple[CreditWarning, ...]


@dataclass(slots=True)
class Waiting:
    """The credits waiting in the lettrage queue and every customer, read once by a run
    that decides its customers in parts (the customers only when a credit waits)."""

    credits: list[WaitingCredit] | None = None
    customers: list[Customer] | None = None

    def read(self, conn: Connection) -> tuple[list[WaitingCredit], list[Customer]]:
        """The waiting credits and, when there is one, every customer."""
        if self.credits is None:
            waiting = rb.load_lettrage(conn, states=(MatchState.UNMATCHED,), with_suggestions=True)
            self.credits = [
                WaitingCredit(line.transaction, tuple(s.customer_ref for s in line.suggestions))
                for line in waiting
            ]
        if self.credits and self.customers is None:
            # Every customer: a payer's name names one only when no other customer's is alike.
            self.customers = repo.load_customers(conn)
        return self.credits, self.customers or []


def warnings_for(
    conn: Connection, proposals: Sequence[Proposal], as_of: date, waiting: Waiting | None = None
) -> Warnings:
    """The waiting credits that could pay each proposal, by the proposal's action key."""
    if not proposals:
        return {}
    credits, customers = (waiting or Waiting()).read(conn)
    if not credits:
        return {}
    claims = [Claim(p.action.key, p.action.customer_ref, p.balances) for p in proposals]
    return credits_that_could_pay(claims, credits, customers, as_of)


def check(
    conn: Connection,
    decision: Decision,
    as_of: date,
    *,
    hold: bool,
    waiting: Waiting | None = None,
) -> tuple[Decision, tuple[HeldProposal, ...], Warnings]:
    """The run's decision once waiting credits are looked at: a step a credit could pay
    waits for a person's approval (never sent on its own), or with `hold` is not queued;
    returns the decision, the steps held and the warnings by action key. `waiting` keeps
    what was read for the next part of the same run."""
    warnings = warnings_for(conn, decision.proposals, as_of, waiting)
    if not warnings:
        return decision, (), warnings
    if hold:
        kept, held = _held(decision, warnings)
        return kept, held, warnings
    reviewed = tuple(
        replace(p, needs_approval=True) if p.action.key in warnings else p
        for p in decision.proposals
    )
    return replace(decision, proposals=reviewed), (), warnings


def _held(decision: Decision, warnings: Warnings) -> tuple[Decision, tuple[HeldProposal, ...]]:
    """The decision without the proposals a waiting credit could pay, and those held."""
    held = tuple(
        HeldProposal(
            p.action.customer_ref,
            p.action.level_name,
            p.action.invoice_numbers,
            warnings[p.action.key],
        )
        for p in decision.proposals
        if p.action.key in warnings
    )
    kept = tuple(p for p in decision.proposals if p.action.key not in warnings)
    return replace(decision, proposals=kept), held
