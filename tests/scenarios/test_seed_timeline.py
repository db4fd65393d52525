"""The seeds' story: invoice 12345 of 100 USD due on 1 January 2018, and a customer who
never answers. The user runs relance every day and carries out each proposed step the
day it is proposed; each step comes on the day the default business policy says, once.

Variants: paid after level 2, disputed, promise kept, promise broken, and a payment plan
with a missed instalment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from relance.adapters.policy_toml import default_policies
from relance.core.engine import Action, Decision, FlagKind, decide
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, Payment
from relance.core.money import Money
from relance.core.pauses import Dispute, Promise
from relance.core.plans import Frequency, PaymentPlan, schedule
from relance.core.policy import Channel

POLICIES = default_policies()
DUE = date(2018, 1, 1)
CUSTOMER = Customer("C-ACME", "Acme Ltd", country="US", language="en")
INVOICE = Invoice(
    "12345", "C-ACME", date(2017, 12, 1), DUE, Money.of("100", "USD"), Money.of("0", "USD")
)


def paid(on: date, amount: str = "100") -> tuple[Payment, Allocation]:
    payment = Payment(f"P-{on}", on, Money.of(amount, "USD"), "C-ACME")
    return payment, Allocation(
        AllocationKind.PAYMENT, payment.key, "12345", Money.of(amount, "USD"), on
    )


@dataclass
class Desk:
    """The user's desk: runs relance each day and carries out what it proposes."""

    payments: list[Payment] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    disputes: list[Dispute] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    plans: list[PaymentPlan] = field(default_factory=list)
    steps: list[tuple[date, str, tuple[Channel, ...]]] = field(default_factory=list)
    cancelled: list[tuple[date, str]] = field(default_factory=list)
    flags: set[FlagKind] = field(default_factory=set)

    def run(self, day: date) -> Decision:
        decision = self.replay(day)
        for cancellation in decision.cancellations:
            self.actions.pop(cancellation.action_key)
            self.cancelled.append((day, cancellation.reason.value))
        for proposal in decision.proposals:
            # Approved and carried out the same day, as a diligent user would.
            self.actions[proposal.action.key] = proposal.action.carried_out(day)
            self.steps.append((day, proposal.action.level_name, proposal.action.channels))
        self.flags.update(flag.kind for flag in decision.flags)
        return decision

    def replay(self, day: date) -> Decision:
        """Decide for `day` from what is recorded now, changing nothing."""
        ledger = Ledger(
            customers=(CUSTOMER,),
            invoices=(INVOICE,),
            payments=tuple(self.payments),
            allocations=tuple(self.allocations),
        )
        return decide(
            ledger,
            POLICIES,
            as_of=day,
            actions=tuple(self.actions.values()),
            disputes=tuple(self.disputes),
            promises=tuple(self.promises),
            plans=tuple(self.plans),
        )

    def run_days(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.run(day)
            day += timedelta(days=1)

    def step_days(self) -> dict[str, date]:
        return {name: day for day, name, _ in self.steps}


def test_the_customer_who_never_answers_gets_every_step_once_on_its_day() -> None:
    desk = Desk()
    desk.run_days(date(2017, 12, 20), date(2018, 6, 30))
    # Step 0 the day after the due date; letter 1 on day 14 (2018-01-15, the latest the
    # seeds allow); then 14 days after each step with no response; the formal notice's
    # 15-day deadline before the agency or write-off task.
    assert desk.steps == [
        (date(2018, 1, 2), "informal", (Channel.CALL, Channel.EMAIL)),
        (date(2018, 1, 15), "letter1", (Channel.LETTER, Channel.EMAIL)),
        (date(2018, 1, 29), "letter2", (Channel.CALL, Channel.LETTER, Channel.EMAIL)),
        (date(2018, 2, 12), "letter3", (Channel.CALL, Channel.LETTER, Channel.EMAIL)),
        (date(2018, 2, 26), "final", (Channel.REGISTERED_LETTER, Channel.EMAIL)),
        (date(2018, 3, 13), "handoff", (Channel.AGENCY_HANDOFF, Channel.WRITE_OFF_REVIEW)),
    ]
    assert FlagKind.PROCESS_ENDED in desk.flags
    assert desk.cancelled == []


def test_level_two_recalls_level_one_and_its_date() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 28))
    decision = desk.run(date(2018, 1, 29))
    (proposal,) = decision.proposals
    assert proposal.recalls is not None
    assert (proposal.recalls.level_name, proposal.recalls.done_on) == ("letter1", date(2018, 1, 15))
    assert proposal.days_overdue == 28 and [str(b) for b in proposal.balances] == ["100.00 USD"]


def test_a_run_missed_for_weeks_is_caught_up_one_level_at_a_time() -> None:
    desk = Desk()
    desk.run(date(2018, 3, 1))  # nobody ran relance for two months
    desk.run_days(date(2018, 3, 2), date(2018, 6, 1))
    days = desk.step_days()
    assert [name for _, name, _ in desk.steps] == [
        "informal",
        "letter1",
        "letter2",
        "letter3",
        "final",
        "handoff",
    ]
    assert days["informal"] == date(2018, 3, 1)
    assert days["letter1"] == date(2018, 3, 8)  # the policy's 7-day minimum gap
    assert days["letter2"] == date(2018, 3, 22)  # 14 days with no response


def test_paid_after_level_two_the_customer_leaves_the_process() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 2, 1))
    payment, allocation = paid(date(2018, 2, 5))
    desk.payments.append(payment)
    desk.allocations.append(allocation)
    desk.run_days(date(2018, 2, 2), date(2018, 5, 1))
    assert [name for _, name, _ in desk.steps] == ["informal", "letter1", "letter2"]


def test_a_partial_payment_keeps_the_level() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 2, 1))
    payment, allocation = paid(date(2018, 2, 5), "40")
    desk.payments.append(payment)
    desk.allocations.append(allocation)
    decision = None
    while not desk.steps[3:]:
        decision = desk.run(date(2018, 2, 12))
    assert desk.steps[3][:2] == (date(2018, 2, 12), "letter3")
    assert decision is not None and [str(b) for b in decision.proposals[0].balances] == [
        "60.00 USD"
    ]


def test_an_unmatched_payment_covering_the_balance_stops_the_reminders() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 20))
    desk.payments.append(
        Payment("P-unmatched", date(2018, 1, 22), Money.of("100", "USD"), "C-ACME")
    )
    desk.run_days(date(2018, 1, 21), date(2018, 4, 1))
    assert [name for _, name, _ in desk.steps] == ["informal", "letter1"]


def test_a_disputed_invoice_pauses_until_the_dispute_is_resolved() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 20))
    desk.disputes.append(
        Dispute("12345", date(2018, 1, 21), "goods damaged", date(2018, 3, 1), "credit refused")
    )
    desk.run_days(date(2018, 1, 21), date(2018, 3, 20))
    names = [(day, name) for day, name, _ in desk.steps]
    # Paused from 21 January to 1 March; letter 2 the day the dispute is resolved, since
    # the 14 days after letter 1 passed during the dispute.
    assert names == [
        (date(2018, 1, 2), "informal"),
        (date(2018, 1, 15), "letter1"),
        (date(2018, 3, 1), "letter2"),
        (date(2018, 3, 15), "letter3"),
    ]


def test_a_pending_action_is_cancelled_when_its_invoice_is_disputed() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 14))
    decision = decide(
        Ledger(customers=(CUSTOMER,), invoices=(INVOICE,)),
        POLICIES,
        as_of=date(2018, 1, 15),
        actions=tuple(desk.actions.values()),
    )
    (proposal,) = decision.proposals  # letter 1, left unapproved in the queue
    actions = (*desk.actions.values(), proposal.action)
    later = decide(
        Ledger(customers=(CUSTOMER,), invoices=(INVOICE,)),
        POLICIES,
        as_of=date(2018, 1, 16),
        actions=actions,
        disputes=(Dispute("12345", date(2018, 1, 16), "never delivered"),),
    )
    assert [(c.action_key, c.reason.value) for c in later.cancellations] == [
        (proposal.action.key, "disputed")
    ]
    assert later.proposals == ()


def test_a_promise_kept_pauses_and_payment_ends_the_process() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 20))
    desk.promises.append(
        Promise("PR1", "C-ACME", date(2018, 1, 21), date(2018, 2, 10), Money.of("100", "USD"))
    )
    desk.run_days(date(2018, 1, 21), date(2018, 2, 8))
    payment, allocation = paid(date(2018, 2, 9))
    desk.payments.append(payment)
    desk.allocations.append(allocation)
    desk.run_days(date(2018, 2, 9), date(2018, 4, 1))
    assert [name for _, name, _ in desk.steps] == ["informal", "letter1"]
    assert FlagKind.PROMISE_BROKEN not in desk.flags


def test_a_broken_promise_is_recorded_and_resumes_at_the_next_level() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 20))
    desk.promises.append(
        Promise("PR1", "C-ACME", date(2018, 1, 21), date(2018, 2, 10), Money.of("100", "USD"))
    )
    desk.run_days(date(2018, 1, 21), date(2018, 2, 20))
    # Grace of 3 days: kept if paid by 13 February; broken on the 14th, letter 2 at once.
    assert desk.steps[2][:2] == (date(2018, 2, 14), "letter2")
    assert FlagKind.PROMISE_BROKEN in desk.flags


def test_a_plan_replaces_the_process_until_an_instalment_is_missed() -> None:
    desk = Desk()
    desk.run_days(date(2018, 1, 1), date(2018, 1, 20))
    # 100 USD in 3 monthly instalments: 33.33, 33.33 and 33.34.
    instalments = schedule(Money.of("100", "USD"), 3, date(2018, 2, 1), Frequency.parse("1m"))
    assert [str(i.amount) for i in instalments] == ["33.33 USD", "33.33 USD", "33.34 USD"]
    desk.plans.append(PaymentPlan("PL1", "C-ACME", ("12345",), date(2018, 1, 21), instalments))
    desk.run_days(date(2018, 1, 21), date(2018, 1, 31))
    payment, allocation = paid(date(2018, 2, 1), "33.33")
    desk.payments.append(payment)
    desk.allocations.append(allocation)
    desk.run_days(date(2018, 2, 1), date(2018, 3, 20))
    # The March instalment is not paid: grace of 5 days, missed on 7 March, letter 2 then.
    assert [(day, name) for day, name, _ in desk.steps][2:] == [(date(2018, 3, 7), "letter2")]
    assert FlagKind.PLAN_MISSED in desk.flags


def test_any_past_day_replayed_later_gives_the_decision_of_that_day() -> None:
    """The story of the broken promise, run to its end; then each day is run again with
    everything recorded since, and decides what a second run that same day decided."""
    desk = Desk()
    end_of_day: dict[date, Decision] = {}
    day = date(2018, 1, 1)
    while day <= date(2018, 4, 30):
        if day == date(2018, 1, 21):
            desk.promises.append(
                Promise("PR1", "C-ACME", day, date(2018, 2, 10), Money.of("100", "USD"))
            )
        desk.run(day)
        end_of_day[day] = desk.replay(day)  # what the day's records decide, once recorded
        day += timedelta(days=1)
    assert [name for _, name, _ in desk.steps][-1] == "handoff"
    for day, decision in end_of_day.items():
        assert desk.replay(day) == decision, day
    # For instance on 20 January, between letter 1 and letter 2: nothing to do, and the
    # letters, the promise and the end of the process that came later play no part.
    assert end_of_day[date(2018, 1, 20)] == Decision(date(2018, 1, 20), (), (), ())
