"""The engine's rules, one by one, and its properties (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.adapters.policy_toml import default_policies
from relance.core.contacts import CallOutcome, Contact, ContactChannel
from relance.core.engine import Action, ActionStatus, CancelReason, FlagKind, decide
from relance.core.ledger import Ledger
from relance.core.model import (
    Allocation,
    AllocationKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
)
from relance.core.money import Money
from relance.core.pauses import Hold, Promise
from relance.core.plans import Frequency, PaymentPlan, schedule
from relance.core.policy import Channel, ContactLimits, Level, Policy

POLICIES = default_policies()
ACME = Customer("ACME", "Acme")


def invoice(number: str, due: date, amount: str = "100", customer: str = "ACME") -> Invoice:
    return Invoice(
        number, customer, due - timedelta(days=30), due, Money.of(amount, "EUR"), Money.zero("EUR")
    )


def test_one_communication_per_customer_listing_all_its_overdue_invoices() -> None:
    ledger = Ledger(
        customers=(ACME, Customer("BOB", "Bob", kind=CustomerKind.CONSUMER)),
        invoices=(
            invoice("F2", date(2026, 3, 5)),
            invoice("F1", date(2026, 3, 1)),
            invoice("F3", date(2026, 4, 30)),  # not yet due
            invoice("B1", date(2026, 3, 20), customer="BOB"),
        ),
    )
    decision = decide(ledger, POLICIES, as_of=date(2026, 3, 21))
    by_customer = {p.action.customer_ref: p for p in decision.proposals}
    assert by_customer["ACME"].action.invoice_numbers == ("F1", "F2")  # oldest first
    assert [str(b) for b in by_customer["ACME"].balances] == ["200.00 EUR"]
    assert by_customer["ACME"].action.policy == "business"
    assert by_customer["BOB"].action.policy == "consumer"
    assert by_customer["ACME"].days_overdue == 20
    assert by_customer["ACME"].call_window is not None


def test_an_invoice_due_today_is_not_yet_overdue() -> None:
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 3, 1)),))
    assert decide(ledger, POLICIES, as_of=date(2026, 3, 1)).proposals == ()
    assert len(decide(ledger, POLICIES, as_of=date(2026, 3, 2)).proposals) == 1


def done(level: int, name: str, on: date, invoices: tuple[str, ...]) -> Action:
    return Action(
        f"ACME/{on}/{name}", "ACME", "business", level, name, (Channel.LETTER,), invoices, on
    ).carried_out(on)


def test_a_new_overdue_invoice_joins_the_current_level() -> None:
    ledger = Ledger(
        customers=(ACME,),
        invoices=(invoice("F1", date(2026, 1, 1)), invoice("F2", date(2026, 2, 1))),
    )
    history = (
        done(0, "informal", date(2026, 1, 2), ("F1",)),
        done(1, "letter1", date(2026, 1, 15), ("F1",)),
    )
    decision = decide(ledger, POLICIES, as_of=date(2026, 2, 2), actions=history)
    (proposal,) = decision.proposals
    assert proposal.action.level_name == "letter2"
    assert proposal.action.invoice_numbers == ("F1", "F2")


def test_after_a_full_payment_a_later_invoice_starts_again_at_the_first_level() -> None:
    first, later = invoice("F1", date(2026, 1, 1)), invoice("F2", date(2026, 3, 1))
    paid = Allocation(AllocationKind.PAYMENT, "P1", "F1", Money.of("100", "EUR"), date(2026, 1, 20))
    ledger = Ledger(customers=(ACME,), invoices=(first, later), allocations=(paid,))
    history = (
        done(0, "informal", date(2026, 1, 2), ("F1",)),
        done(1, "letter1", date(2026, 1, 15), ("F1",)),
    )
    (proposal,) = decide(ledger, POLICIES, as_of=date(2026, 3, 2), actions=history).proposals
    assert (proposal.action.level_name, proposal.action.invoice_numbers) == ("informal", ("F2",))


def test_a_proposed_action_is_superseded_when_another_invoice_falls_overdue() -> None:
    ledger = Ledger(
        customers=(ACME,),
        invoices=(invoice("F1", date(2026, 1, 1)), invoice("F2", date(2026, 1, 3))),
    )
    first = decide(ledger, POLICIES, as_of=date(2026, 1, 3)).proposals[0].action
    assert first.invoice_numbers == ("F1",)
    decision = decide(ledger, POLICIES, as_of=date(2026, 1, 4), actions=(first,))
    assert [c.reason for c in decision.cancellations] == [CancelReason.SUPERSEDED]
    assert decision.proposals[0].action.invoice_numbers == ("F1", "F2")
    approved = replace(first, status=ActionStatus.APPROVED)  # approved ones are kept
    assert decide(ledger, POLICIES, as_of=date(2026, 1, 4), actions=(approved,)).proposals == ()


def test_holds_and_do_not_contact_stop_everything_and_cancel_what_is_pending() -> None:
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    pending = decide(ledger, POLICIES, as_of=date(2026, 1, 5)).proposals[0].action
    held = decide(
        ledger,
        POLICIES,
        as_of=date(2026, 1, 6),
        actions=(pending,),
        holds=(Hold("ACME", date(2026, 1, 6), "negotiating a settlement"),),
    )
    assert [(c.reason, c.detail) for c in held.cancellations] == [
        (CancelReason.HOLD, "negotiating a settlement")
    ]
    assert held.proposals == ()
    # A hold with no known start (carried over from a customer's old do-not-contact flag).
    always = (Hold("ACME", date(1900, 1, 1), "do not contact"),)
    assert decide(ledger, POLICIES, as_of=date(2026, 1, 6), holds=always).proposals == ()


def test_time_barred_invoices_are_flagged_not_chased() -> None:
    ledger = Ledger(
        customers=(ACME,),
        invoices=(invoice("OLD", date(2019, 1, 1)), invoice("F1", date(2026, 1, 1))),
    )
    decision = decide(ledger, POLICIES, as_of=date(2026, 1, 5), time_barred={"OLD"})
    assert decision.proposals[0].action.invoice_numbers == ("F1",)
    assert [(f.kind, f.invoice_number) for f in decision.flags] == [(FlagKind.TIME_BARRED, "OLD")]


def test_below_the_minimum_amount_nothing_is_proposed() -> None:
    policy = POLICIES[0]
    costly = replace(
        policy, levels=(replace(policy.levels[0], min_amount=Money.of("150", "EUR").amount),)
    )
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    assert decide(ledger, (costly,), as_of=date(2026, 1, 5)).proposals == ()


def test_a_customer_without_policy_is_flagged() -> None:
    ledger = Ledger(
        customers=(replace(ACME, policy="vip"),), invoices=(invoice("F1", date(2026, 1, 1)),)
    )
    decision = decide(ledger, POLICIES, as_of=date(2026, 1, 5))
    assert decision.proposals == () and [f.kind for f in decision.flags] == [FlagKind.NO_POLICY]


def test_a_response_restarts_the_wait_before_the_next_level() -> None:
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    history = (
        done(0, "informal", date(2026, 1, 2), ("F1",)),
        done(1, "letter1", date(2026, 1, 15), ("F1",)),
    )
    answered = (
        Contact("ACME", date(2026, 1, 20), ContactChannel.CALL, outcome=CallOutcome.REACHED),
    )
    unanswered = (
        Contact("ACME", date(2026, 1, 20), ContactChannel.CALL, outcome=CallOutcome.NO_ANSWER),
    )
    day = date(2026, 1, 29)  # 14 days after letter 1
    assert decide(ledger, POLICIES, as_of=day, actions=history, contacts=answered).proposals == ()
    assert decide(ledger, POLICIES, as_of=day, actions=history, contacts=unanswered).proposals
    later = decide(ledger, POLICIES, as_of=date(2026, 2, 3), actions=history, contacts=answered)
    assert later.proposals[0].action.level_name == "letter2"


# -- properties -------------------------------------------------------------------------

START = date(2026, 1, 1)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[Ledger, date]:
    refs = [f"C{n}" for n in range(draw(st.integers(1, 4)))]
    customers = tuple(
        Customer(ref, ref, kind=draw(st.sampled_from(list(CustomerKind)))) for ref in refs
    )
    invoices = []
    allocations = []
    for n in range(draw(st.integers(0, 8))):
        due = START + timedelta(days=draw(st.integers(0, 90)))
        cents = draw(st.integers(1, 100_000))
        number = f"F{n}"
        invoices.append(
            Invoice(
                number,
                draw(st.sampled_from(refs)),
                due - timedelta(days=30),
                due,
                Money.from_minor(cents, "EUR"),
                Money.zero("EUR"),
            )
        )
        if draw(st.booleans()):
            part = draw(st.integers(1, cents))
            allocations.append(
                Allocation(
                    AllocationKind.PAYMENT,
                    f"P{n}",
                    number,
                    Money.from_minor(part, "EUR"),
                    due + timedelta(days=draw(st.integers(-10, 60))),
                )
            )
    as_of = START + timedelta(days=draw(st.integers(0, 200)))
    return Ledger(customers, tuple(invoices), allocations=tuple(allocations)), as_of


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_the_same_ledger_and_date_always_give_the_same_actions(case: tuple[Ledger, date]) -> None:
    ledger, as_of = case
    shuffled = Ledger(ledger.customers[::-1], ledger.invoices[::-1], allocations=ledger.allocations)
    assert decide(ledger, POLICIES, as_of=as_of) == decide(ledger, POLICIES, as_of=as_of)
    assert decide(shuffled, POLICIES, as_of=as_of) == decide(ledger, POLICIES, as_of=as_of)


@settings(max_examples=40, deadline=None)
@given(ledgers(), st.lists(st.integers(1, 20), min_size=1, max_size=6))
def test_a_second_run_for_the_same_date_proposes_nothing(
    case: tuple[Ledger, date], gaps: list[int]
) -> None:
    ledger, day = case
    history: dict[str, Action] = {}
    for gap in gaps:  # a few earlier runs, each step carried out the day it is proposed
        day += timedelta(days=gap)
        for proposal in decide(
            ledger, POLICIES, as_of=day, actions=tuple(history.values())
        ).proposals:
            history[proposal.action.key] = proposal.action.carried_out(day)
    first = decide(ledger, POLICIES, as_of=day + timedelta(days=1), actions=tuple(history.values()))
    for cancellation in first.cancellations:
        history[cancellation.action_key] = replace(
            history[cancellation.action_key], status=ActionStatus.CANCELLED
        )
    for proposal in first.proposals:
        history[proposal.action.key] = proposal.action
    again = decide(ledger, POLICIES, as_of=day + timedelta(days=1), actions=tuple(history.values()))
    assert again.proposals == ()
    assert again.cancellations == ()


CALLER = Policy(
    "caller",
    tuple(
        Level(
            f"call{n}",
            (Channel.CALL, Channel.EMAIL),
            ((Channel.EMAIL, "informal_email"),),
            after_due_days=0 if n == 0 else None,
            after_previous_days=None if n == 0 else 0,
        )
        for n in range(40)
    ),
    min_gap_days=0,
    limits=ContactLimits(max_calls=3, quiet_after_conversation_days=0),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=30, max_size=30))
def test_no_customer_gets_more_calls_in_seven_days_than_the_limit(manual: list[int]) -> None:
    """Even with a policy that would call every day, and calls logged by hand besides,
    the engine never proposes a call that makes more than 3 in 7 days."""
    ledger = Ledger(customers=(replace(ACME, policy="caller"),), invoices=(invoice("F1", START),))
    contacts: list[Contact] = []
    history: list[Action] = []
    engine_calls: list[date] = []
    for offset, by_hand in enumerate(manual, start=1):
        day = START + timedelta(days=offset)
        contacts.extend(
            Contact("ACME", day, ContactChannel.CALL, outcome=CallOutcome.NO_ANSWER)
            for _ in range(by_hand)
        )
        decision = decide(ledger, (CALLER,), as_of=day, actions=tuple(history), contacts=contacts)
        for proposal in decision.proposals:
            history.append(proposal.action.carried_out(day))
            if Channel.CALL in proposal.action.channels:
                engine_calls.append(day)
                contacts.append(
                    Contact(
                        "ACME",
                        day,
                        ContactChannel.CALL,
                        outcome=CallOutcome.NO_ANSWER,
                        action_key=proposal.action.key,
                    )
                )
    assert engine_calls, "the policy calls whenever the limit allows"
    for day in engine_calls:
        window = [c for c in contacts if day - timedelta(days=6) <= c.on <= day]
        assert len(window) <= 3


# -- a broken promise resumes only the process it was about -------------------------------


def test_a_promise_broken_years_ago_does_not_hurry_the_first_reminder_of_a_new_invoice() -> None:
    policy = POLICIES[0]
    patient = replace(policy, levels=(replace(policy.levels[0], after_due_days=10),))
    old, new = invoice("F1", date(2024, 1, 1)), invoice("F9", date(2026, 6, 1))
    settled = Allocation(
        AllocationKind.PAYMENT, "P1", "F1", Money.of("100", "EUR"), date(2024, 6, 1)
    )
    ledger = Ledger(customers=(ACME,), invoices=(old, new), allocations=(settled,))
    history = (done(0, "informal", date(2024, 1, 2), ("F1",)),)
    # Promised 100 EUR by 15 March 2024, paid nothing by then: broken in 2024, then F1
    # was paid in June 2024 and the customer left the process.
    broken = Promise("PR1", "ACME", date(2024, 3, 1), date(2024, 3, 15), Money.of("100", "EUR"))
    run = {
        day: decide(ledger, (patient,), as_of=day, actions=history, promises=(broken,))
        for day in (date(2026, 6, 2), date(2026, 6, 11))
    }
    # F9 is 1 day late on 2 June: the first level waits for 10 days, until 11 June.
    assert run[date(2026, 6, 2)].proposals == ()
    (proposal,) = run[date(2026, 6, 11)].proposals
    assert (proposal.action.level_name, proposal.days_overdue) == ("informal", 10)
    assert "resumed" not in proposal.why


def test_a_promise_broken_on_the_current_invoices_still_resumes_at_once() -> None:
    policy = POLICIES[0]
    patient = replace(policy, levels=(replace(policy.levels[0], after_due_days=10),))
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F9", date(2026, 6, 1)),))
    # Promised on 2 June to pay by 5 June; grace of 3 days: broken on 9 June, a day
    # before the 10 days of the first level.
    broken = Promise("PR1", "ACME", date(2026, 6, 2), date(2026, 6, 5), Money.of("100", "EUR"))
    (proposal,) = decide(ledger, (patient,), as_of=date(2026, 6, 9), promises=(broken,)).proposals
    assert proposal.action.level_name == "informal" and "resumed" in proposal.why


# -- a plan follows the payments of its own invoices ----------------------------------------

# 300 EUR on invoice A in 3 monthly instalments of 100 from 1 February, agreed 10 January.
PLAN_ON_A = PaymentPlan(
    "PL1",
    "ACME",
    ("A",),
    date(2026, 1, 10),
    schedule(Money.of("300", "EUR"), 3, date(2026, 2, 1), Frequency(months=1)),
)


def test_paying_another_invoice_does_not_keep_a_plan_on_time() -> None:
    a, b = invoice("A", date(2026, 1, 1), "300"), invoice("B", date(2026, 3, 1), "300")
    payment = Payment("P1", date(2026, 2, 1), Money.of("300", "EUR"), "ACME")
    on_b = Allocation(AllocationKind.PAYMENT, "P1", "B", Money.of("300", "EUR"), date(2026, 2, 1))
    ledger = Ledger(customers=(ACME,), invoices=(a, b), payments=(payment,), allocations=(on_b,))
    # 300 EUR paid, but for B: nothing toward A's plan. The 1 February instalment plus
    # 5 days of grace is missed on 7 February, and A is chased again.
    decision = decide(ledger, POLICIES, as_of=date(2026, 2, 7), plans=(PLAN_ON_A,))
    assert [f.kind for f in decision.flags] == [FlagKind.PLAN_MISSED]
    assert decision.proposals[0].action.invoice_numbers == ("A",)


def test_paying_an_instalment_of_the_plan_keeps_its_invoice_out_of_dunning() -> None:
    a = invoice("A", date(2026, 1, 1), "300")
    payment = Payment("P1", date(2026, 2, 1), Money.of("100", "EUR"), "ACME")
    on_a = Allocation(AllocationKind.PAYMENT, "P1", "A", Money.of("100", "EUR"), date(2026, 2, 1))
    ledger = Ledger(customers=(ACME,), invoices=(a,), payments=(payment,), allocations=(on_a,))
    decision = decide(ledger, POLICIES, as_of=date(2026, 2, 7), plans=(PLAN_ON_A,))
    assert decision.flags == () and decision.proposals == ()


# -- replaying a past date reads only what was recorded by then -----------------------------


def test_a_plan_agreed_later_does_not_set_the_invoice_aside_on_an_earlier_date() -> None:
    ledger = Ledger(customers=(ACME,), invoices=(invoice("A", date(2026, 1, 1), "300"),))
    (proposal,) = decide(ledger, POLICIES, as_of=date(2026, 1, 5), plans=(PLAN_ON_A,)).proposals
    assert proposal.action.invoice_numbers == ("A",)


def test_a_step_carried_out_later_was_still_in_the_queue_on_an_earlier_date() -> None:
    paid = Allocation(AllocationKind.PAYMENT, "P1", "F1", Money.of("100", "EUR"), date(2026, 1, 18))
    ledger = Ledger(
        customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),), allocations=(paid,)
    )
    letter1 = replace(done(1, "letter1", date(2026, 1, 15), ("F1",)), done_on=date(2026, 1, 25))
    history = (done(0, "informal", date(2026, 1, 2), ("F1",)), letter1)
    # On 20 January letter 1 was approved but not yet sent, and F1 paid on the 18th.
    decision = decide(ledger, POLICIES, as_of=date(2026, 1, 20), actions=history)
    assert [(c.action_key, c.reason) for c in decision.cancellations] == [
        (letter1.key, CancelReason.PAID)
    ]


def test_steps_proposed_after_the_date_replayed_are_unknown_then() -> None:
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    history = (
        done(0, "informal", date(2026, 1, 2), ("F1",)),
        done(1, "letter1", date(2026, 1, 15), ("F1",)),
        done(2, "letter2", date(2026, 1, 29), ("F1",)),
    )
    (proposal,) = decide(ledger, POLICIES, as_of=date(2026, 1, 15), actions=history[:1]).proposals
    replayed = decide(ledger, POLICIES, as_of=date(2026, 1, 15), actions=history)
    # The run of 15 January proposed letter 1; replayed with letter 1 recorded (carried
    # out that day), it proposes nothing more, and letter 2 of the 29th plays no part.
    assert proposal.action.level_name == "letter1"
    assert replayed.proposals == () and replayed.flags == ()
    assert replayed == decide(ledger, POLICIES, as_of=date(2026, 1, 15), actions=history[:2])


# -- contacts are counted per step, and only those that reach the debtor --------------------


def test_a_step_sent_by_letter_email_and_call_is_one_contact() -> None:
    policy = replace(POLICIES[0], limits=ContactLimits(window_days=14, max_contacts=2))
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    step = Action(
        "ACME/informal", "ACME", "business", 0, "informal",
        (Channel.CALL, Channel.LETTER, Channel.EMAIL), ("F1",), date(2026, 1, 2),
    ).carried_out(date(2026, 1, 2))  # fmt: skip
    logged = tuple(
        Contact("ACME", date(2026, 1, 2), channel, action_key=step.key)
        for channel in (ContactChannel.CALL, ContactChannel.LETTER, ContactChannel.EMAIL)
    )
    # One contact in the 14 days to 15 January, under the cap of 2: letter 1 may go.
    decision = decide(ledger, (policy,), as_of=date(2026, 1, 15), actions=(step,), contacts=logged)
    assert [p.action.level_name for p in decision.proposals] == ["letter1"]


def test_a_handoff_to_an_agency_is_not_a_contact_with_the_debtor() -> None:
    levels = (
        Level("handoff", (Channel.AGENCY_HANDOFF,), after_due_days=0),
        Level("letter", (Channel.LETTER,), after_previous_days=0),
    )
    policy = Policy("business", levels, min_gap_days=0, limits=ContactLimits(max_contacts=1))
    ledger = Ledger(customers=(ACME,), invoices=(invoice("F1", date(2026, 1, 1)),))
    handoff = Action(
        "ACME/handoff", "ACME", "business", 0, "handoff", (Channel.AGENCY_HANDOFF,), ("F1",),
        date(2026, 1, 2),
    ).carried_out(date(2026, 1, 2))  # fmt: skip
    decision = decide(ledger, (policy,), as_of=date(2026, 1, 3), actions=(handoff,))
    assert [p.action.level_name for p in decision.proposals] == ["letter"]


# -- the minimum amount -------------------------------------------------------------------


def test_the_minimum_amount_is_reached_in_one_currency_counted_in_its_own_units() -> None:
    policy = POLICIES[0]
    costly = replace(policy, levels=(replace(policy.levels[0], min_amount=Decimal("150")),))
    euros = invoice("F1", date(2026, 1, 1))  # 100 EUR: under 150
    dollars = Invoice(
        "U1", "ACME", date(2025, 12, 2), date(2026, 1, 1), Money.of("200", "USD"),
        Money.zero("USD"),
    )  # fmt: skip
    # 100 < 150 EUR, nothing; 200 >= 150 USD: the step goes, chasing both balances.
    assert decide(Ledger((ACME,), (euros,)), (costly,), as_of=date(2026, 1, 5)).proposals == ()
    (proposal,) = decide(
        Ledger((ACME,), (euros, dollars)), (costly,), as_of=date(2026, 1, 5)
    ).proposals
    assert [str(b) for b in proposal.balances] == ["100.00 EUR", "200.00 USD"]
