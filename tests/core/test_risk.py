"""The grade of a customer's payment behaviour: each warning sign and its reason."""

from datetime import date, timedelta

from relance.core.actions import Action, ActionStatus
from relance.core.model import Allocation, AllocationKind, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute, Promise
from relance.core.policy import Channel
from relance.core.risk import Exposure, assess

AS_OF = date(2026, 6, 30)


def _invoice(n: int, due: date, amount: str = "1000") -> Invoice:
    return Invoice(f"F{n}", "C", due - timedelta(days=30), due, Money.of(amount, "EUR"),
                   Money.of("0", "EUR"))  # fmt: skip


def _paid(n: int, on: date, amount: str = "1000") -> Allocation:
    return Allocation(AllocationKind.PAYMENT, f"P{n}", f"F{n}", Money.of(amount, "EUR"), on)


def test_a_customer_without_any_invoice_due_is_graded_c_and_says_why():
    behaviour = assess("C", [_invoice(1, date(2026, 7, 30))], [], AS_OF)
    assert (behaviour.grade, behaviour.reasons) == (
        "C",
        ("no invoice due yet: no payment history to judge",),
    )


def test_days_late_are_weighted_by_amount():
    invoices = [_invoice(1, date(2026, 3, 1), "9000"), _invoice(2, date(2026, 3, 1), "1000")]
    paid = [_paid(1, date(2026, 3, 1), "9000"), _paid(2, date(2026, 4, 10), "1000")]
    behaviour = assess("C", invoices, paid, AS_OF)
    assert behaviour.average_days_late == 4  # 40 days on a tenth of the amount
    assert behaviour.grade == "B" and behaviour.share_late == 0.5  # 4 days: B by the average


def test_paying_only_after_the_third_letter_gives_d_at_best():
    invoices = [_invoice(n, date(2026, 1, 1)) for n in (1, 2, 3)]
    paid = [_paid(n, date(2026, 1, 3)) for n in (1, 2, 3)]
    third = Action("k", "C", "business", 3, "letter3", (Channel.LETTER,), ("F1", "F2", "F3"),
                   date(2026, 1, 2), ActionStatus.DONE, date(2026, 1, 2))  # fmt: skip
    behaviour = assess("C", invoices, paid, AS_OF, actions=[third])
    assert behaviour.usual_stage == "letter3" and behaviour.grade == "D"
    assert "usually pays only at the letter3 step" in behaviour.reasons


def test_a_broken_promise_costs_a_grade_and_a_disputed_invoice_does_not():
    invoices = [_invoice(1, date(2026, 3, 1))]
    paid = [_paid(1, date(2026, 3, 1))]
    promise = Promise("p", "C", date(2026, 4, 1), date(2026, 4, 10), Money.of("500", "EUR"))
    dispute = Dispute("F1", date(2026, 2, 20), "wrong quantity")
    behaviour = assess("C", invoices, paid, AS_OF, promises=[promise], disputes=[dispute])
    assert behaviour.grade == "B" and behaviour.promises_broken == 1
    assert "1 invoice(s) disputed (not held against it)" in behaviour.reasons


def test_an_invoice_unpaid_three_months_after_its_due_date_gives_e():
    behaviour = assess("C", [_invoice(1, date(2026, 3, 1))], [], AS_OF)
    assert behaviour.grade == "E"
    assert behaviour.reasons[-1] == "an invoice is still unpaid 121 days after its due date"


def test_the_exposure_is_over_the_limit_only_in_the_limits_currency():
    over = Exposure("C", Money.of("400", "EUR"), Money.of("700", "EUR"), Money.of("1000", "EUR"))
    assert over.total == Money.of("1100", "EUR") and over.over_limit
    assert "over by 100.00" in over.describe()
    other = Exposure("C", Money.of("400", "GBP"), Money.of("700", "GBP"), Money.of("10", "EUR"))
    assert not other.over_limit
