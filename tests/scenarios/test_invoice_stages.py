"""Each invoice goes through the steps itself: three stories of a customer with an old
invoice deep in the process and a younger one, run day after day by a user who carries
out each proposed step the day it is proposed (the default policies).

Before, the customer had one stage: a young invoice was swept into a formal notice and
an agency handoff, a disputed invoice resolved late jumped straight to the handoff, and
a consumer's registered notice listed an invoice five days late under "our reminders
have gone unanswered".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from relance.adapters.policy_toml import default_policies
from relance.core.engine import Action, Decision, Proposal, decide
from relance.core.ledger import Ledger
from relance.core.model import Customer, CustomerKind, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute
from relance.core.policy import Grouping

POLICIES = default_policies()
PLOMBIER = Customer("C-BTP", "Bâtiment Rhône SARL", country="FR", language="fr")
MME_R = Customer("C-R", "Mme Rivière", kind=CustomerKind.CONSUMER, country="FR", language="fr")


def invoice(number: str, customer: Customer, due: date, amount: str = "1200") -> Invoice:
    return Invoice(
        number,
        customer.ref,
        due - timedelta(days=30),
        due,
        Money.of(amount, "EUR"),
        Money.zero("EUR"),
    )


@dataclass
class Desk:
    """Runs relance each day and carries out, that day, every step it proposes."""

    customer: Customer
    invoices: tuple[Invoice, ...]
    disputes: list[Dispute] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    steps: list[tuple[date, Proposal]] = field(default_factory=list)

    def run(self, day: date) -> Decision:
        decision = decide(
            Ledger(customers=(self.customer,), invoices=self.invoices),
            POLICIES,
            as_of=day,
            actions=tuple(self.actions.values()),
            disputes=tuple(self.disputes),
        )
        for cancellation in decision.cancellations:
            self.actions.pop(cancellation.action_key)
        for proposal in decision.proposals:
            self.actions[proposal.action.key] = proposal.action.carried_out(day)
            self.steps.append((day, proposal))
        return decision

    def run_days(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.run(day)
            day += timedelta(days=1)

    def story(self) -> list[tuple[date, str, tuple[str, ...], tuple[str, ...]]]:
        """Each step: day, level, the invoices it covers, the invoices listed apart."""
        return [
            (
                day,
                p.action.level_name,
                p.action.covered,
                tuple(n for n in p.action.invoice_numbers if n not in p.action.covered),
            )
            for day, p in self.steps
        ]


def test_an_invoice_five_days_late_is_never_swept_into_a_formal_notice_or_a_handoff() -> None:
    old = invoice("F-0412", PLOMBIER, date(2026, 8, 1))
    young = invoice("F-0577", PLOMBIER, date(2026, 9, 21), "380")
    desk = Desk(PLOMBIER, (old, young))
    desk.run_days(date(2026, 8, 1), date(2026, 10, 31))
    assert desk.story() == [
        (date(2026, 8, 2), "informal", ("F-0412",), ()),
        (date(2026, 8, 15), "letter1", ("F-0412",), ()),
        (date(2026, 8, 29), "letter2", ("F-0412",), ()),
        (date(2026, 9, 12), "letter3", ("F-0412",), ()),
        # The formal notice demands the old invoice only; the young one, 5 days late,
        # rides along listed apart as also due, at its first reminder.
        (date(2026, 9, 26), "final", ("F-0412",), ("F-0577",)),
        # The agency gets the invoice that went through every step; the young one goes on
        # with its own first letter, then leads the customer's process.
        (date(2026, 10, 11), "handoff", ("F-0412",), ()),
        (date(2026, 10, 11), "letter1", ("F-0577",), ()),
        (date(2026, 10, 25), "letter2", ("F-0577",), ()),
    ]
    final = desk.steps[4][1]
    assert final.formal_notice
    assert [(i.number, i.stage_name, i.covered) for i in final.invoices] == [
        ("F-0412", "final", True),
        ("F-0577", "informal", False),
    ]
    assert final.invoices[0].history == (
        ("informal", date(2026, 8, 2)),
        ("letter1", date(2026, 8, 15)),
        ("letter2", date(2026, 8, 29)),
        ("letter3", date(2026, 9, 12)),
    )
    assert final.invoices[1].history == ()


def test_a_dispute_resolved_on_7_october_restarts_at_its_own_stage_not_at_the_handoff() -> None:
    kept = invoice("F-0301", PLOMBIER, date(2026, 8, 1))
    contested = invoice("F-0302", PLOMBIER, date(2026, 8, 1), "640")
    desk = Desk(PLOMBIER, (kept, contested))
    desk.disputes.append(
        Dispute("F-0302", date(2026, 8, 16), "leak not repaired", date(2026, 10, 7), "repaired")
    )
    desk.run_days(date(2026, 8, 1), date(2026, 11, 30))
    story = desk.story()
    contested_steps = [(day, level) for day, level, covered, _ in story if "F-0302" in covered]
    # Letter 1 went out before the dispute. Resolved on 7 October, the invoice goes on at
    # its own next step, letter 2, with the customer's next step (11 October, the other
    # invoice's handoff, which carries only that invoice), then step by step.
    assert contested_steps == [
        (date(2026, 8, 2), "informal"),
        (date(2026, 8, 15), "letter1"),
        (date(2026, 10, 11), "letter2"),
        (date(2026, 10, 25), "letter3"),
        (date(2026, 11, 8), "final"),
        (date(2026, 11, 23), "handoff"),
    ]
    assert (date(2026, 10, 11), "handoff", ("F-0301",), ()) in story


def consumer_history() -> tuple[Action, ...]:
    """The consumer's old invoice went through every step up to letter 3 (12 September)."""
    steps = [("informal", 0, 1), ("letter1", 1, 14), ("letter2", 2, 28), ("letter3", 3, 42)]
    return tuple(
        Action(
            f"C-R/{name}", "C-R", "consumer", level, name, (), ("R-101",),
            date(2026, 8, 1) + timedelta(days=days),
        ).carried_out(date(2026, 8, 1) + timedelta(days=days))
        for name, level, days in steps
    )  # fmt: skip


def test_a_consumers_formal_notice_lists_the_invoice_five_days_late_apart() -> None:
    ledger = Ledger(
        customers=(MME_R,),
        invoices=(
            invoice("R-101", MME_R, date(2026, 8, 1), "890"),
            invoice("R-140", MME_R, date(2026, 9, 21), "120"),
        ),
    )
    decision = decide(ledger, POLICIES, as_of=date(2026, 9, 26), actions=consumer_history())
    (notice,) = decision.proposals
    assert (notice.action.level_name, notice.formal_notice) == ("final", True)
    # The registered notice demands the invoice that went unanswered through every
    # reminder; the one 5 days late is listed apart, at its first reminder.
    assert notice.action.covered == ("R-101",)
    assert [(i.number, i.stage_name, i.covered, len(i.history)) for i in notice.invoices] == [
        ("R-101", "final", True, 4),
        ("R-140", "informal", False, 0),
    ]
    assert notice.days_overdue == 56  # counted from the covered invoice's due date


def test_grouping_by_stage_sends_the_young_invoice_its_own_letter() -> None:
    by_stage = tuple(replace(p, grouping=Grouping.STAGE) for p in POLICIES)
    ledger = Ledger(
        customers=(MME_R,),
        invoices=(
            invoice("R-101", MME_R, date(2026, 8, 1), "890"),
            invoice("R-140", MME_R, date(2026, 9, 21), "120"),
        ),
    )
    decision = decide(ledger, by_stage, as_of=date(2026, 9, 26), actions=consumer_history())
    assert [(p.action.level_name, p.action.invoice_numbers) for p in decision.proposals] == [
        ("final", ("R-101",)),
        ("informal", ("R-140",)),
    ]
