"""Payment plans: schedules that add up exactly, and instalments tracked against payments."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.money import Money, total
from relance.core.plans import Frequency, PaymentPlan, PlanState, plan_status, schedule


def test_a_hundred_in_three_monthly_instalments_the_last_absorbs_the_remainder() -> None:
    # 100.00 / 3 = 33.333..., rounded down to 33.33; the last is 100.00 - 2 x 33.33 = 33.34.
    plan = schedule(Money.of("100", "EUR"), 3, date(2026, 1, 31), Frequency.parse("1m"))
    assert [(i.due, str(i.amount)) for i in plan] == [
        (date(2026, 1, 31), "33.33 EUR"),
        (date(2026, 2, 28), "33.33 EUR"),  # clamped to the end of February
        (date(2026, 3, 31), "33.34 EUR"),
    ]


def test_frequencies_in_days_and_weeks() -> None:
    assert Frequency.parse("14d").nth(date(2026, 1, 1), 2) == date(2026, 1, 29)
    assert Frequency.parse("2w") == Frequency(days=14)
    with pytest.raises(ValueError):
        Frequency.parse("monthly")


def test_yen_have_no_minor_unit() -> None:
    plan = schedule(Money.of("1000", "JPY"), 3, date(2026, 1, 1), Frequency(months=1))
    assert [i.amount.amount for i in plan] == [333, 333, 334]


@given(
    cents=st.integers(min_value=1, max_value=10**9),
    count=st.integers(min_value=1, max_value=60),
)
def test_instalments_always_add_up_to_the_total_exactly(cents: int, count: int) -> None:
    amount = Money.from_minor(cents, "EUR")
    plan = schedule(amount, count, date(2026, 1, 1), Frequency(months=1))
    assert total((i.amount for i in plan), "EUR") == amount
    assert len(plan) == count
    # No instalment but the last differs from the others, and the last is not smaller.
    assert len({i.amount for i in plan[:-1]}) <= 1
    assert plan[-1].amount >= plan[0].amount


PLAN = PaymentPlan(
    "PL1",
    "C1",
    ("F1",),
    date(2026, 1, 10),
    schedule(Money.of("300", "EUR"), 3, date(2026, 2, 1), Frequency(months=1)),
)


def pay(day: date, amount: str) -> tuple[date, Money]:
    return (day, Money.of(amount, "EUR"))


def test_instalments_paid_on_time_keep_the_plan_active_then_complete() -> None:
    payments = [pay(date(2026, 2, 1), "100"), pay(date(2026, 3, 2), "100")]
    assert plan_status(PLAN, payments, date(2026, 3, 20), 5).state is PlanState.ACTIVE
    payments.append(pay(date(2026, 4, 1), "100"))
    assert plan_status(PLAN, payments, date(2026, 4, 2), 5).state is PlanState.COMPLETED


def test_an_instalment_unpaid_after_its_grace_is_missed() -> None:
    payments = [pay(date(2026, 2, 1), "100")]
    # Due 1 March, grace 5 days: still fine on 6 March, missed on 7 March.
    assert plan_status(PLAN, payments, date(2026, 3, 6), 5).state is PlanState.ACTIVE
    status = plan_status(PLAN, payments, date(2026, 3, 7), 5)
    assert status.state is PlanState.MISSED
    assert status.missed is not None and status.missed.due == date(2026, 3, 1)


def test_paying_ahead_covers_later_instalments_and_late_payment_does_not_undo_a_miss() -> None:
    ahead = [pay(date(2026, 2, 1), "200")]
    assert plan_status(PLAN, ahead, date(2026, 3, 20), 5).state is PlanState.ACTIVE
    late = [pay(date(2026, 2, 1), "100"), pay(date(2026, 3, 15), "100")]
    assert plan_status(PLAN, late, date(2026, 3, 20), 5).state is PlanState.MISSED


def test_payments_before_the_plan_was_agreed_do_not_count() -> None:
    early = [pay(date(2026, 1, 5), "100")]
    assert plan_status(PLAN, early, date(2026, 2, 7), 5).state is PlanState.MISSED
