"""The aged balance: which bucket an invoice falls in, and the report built from them."""

from datetime import date, timedelta

import pytest

from relance.core.aging import Buckets, aging
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, Customer, Invoice
from relance.core.money import Money

AS_OF = date(2026, 11, 23)


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def invoice(number: str, due_days_ago: int, amount: str = "100", customer: str = "C1") -> Invoice:
    due = AS_OF - timedelta(days=due_days_ago)
    return Invoice(number, customer, due - timedelta(days=30), due, eur(amount), eur("0"))


@pytest.mark.parametrize(
    ("days_overdue", "label"),
    [
        (-5, "current"),  # not yet due
        (0, "current"),  # due today is not late
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (120, "91-120"),
        (121, "over 120"),
    ],
)
def test_bucket_edges(days_overdue, label):
    buckets = Buckets()
    assert buckets.labels()[buckets.index(days_overdue)] == label


def test_due_date_floors_put_each_due_date_in_the_same_bucket_as_the_day_count():
    buckets = Buckets()
    floors = buckets.due_date_floors(AS_OF)
    for days in range(-3, 200):
        due = AS_OF - timedelta(days=days)
        by_floor = next((i for i, floor in enumerate(floors) if due >= floor), len(floors))
        assert by_floor == buckets.index(days), days


def test_buckets_must_increase():
    with pytest.raises(ValueError):
        Buckets((30, 30, 60))
    with pytest.raises(ValueError):
        Buckets.parse("30,abc")
    assert Buckets.parse("15, 45").labels() == ("current", "1-15", "16-45", "over 45")


def test_report_per_customer_with_a_partial_payment_and_a_paid_invoice():
    ledger = Ledger(
        customers=(Customer("C1", "Dupont SA"), Customer("C2", "Martin")),
        invoices=(
            invoice("F1", due_days_ago=10, amount="1000"),
            invoice("F2", due_days_ago=45, amount="500"),
            invoice("F3", due_days_ago=200, amount="80", customer="C2"),
            invoice("F4", due_days_ago=3, amount="70", customer="C2"),
        ),
        allocations=(
            Allocation(AllocationKind.PAYMENT, "P1", "F1", eur("400"), AS_OF - timedelta(days=1)),
            Allocation(AllocationKind.PAYMENT, "P2", "F4", eur("70"), AS_OF),
        ),
    )
    report = aging(ledger, AS_OF)
    (table,) = report.tables
    c1, c2 = table.rows
    # C1: 1000 - 400 = 600 at 10 days, 500 at 45 days
    assert [a.amount for a in c1.amounts] == [0, 600, 500, 0, 0, 0]
    assert c1.total == eur("1100")
    # C2: F4 paid, F3 in the last bucket
    assert [a.amount for a in c2.amounts] == [0, 0, 0, 0, 0, 80]
    assert table.total == eur("1180")


def test_a_payment_after_the_as_of_date_does_not_count_yet():
    ledger = Ledger(
        invoices=(invoice("F1", due_days_ago=40),),
        allocations=(
            Allocation(AllocationKind.PAYMENT, "P", "F1", eur("100"), AS_OF + timedelta(1)),
        ),
    )
    assert aging(ledger, AS_OF).tables[0].total == eur("100")
    assert aging(ledger, AS_OF + timedelta(1)).tables == ()


def test_one_table_per_currency():
    usd = Invoice("12345", "C9", date(2017, 12, 1), date(2018, 1, 1), Money.of("100", "USD"),
                  Money.of("0", "USD"))  # fmt: skip
    ledger = Ledger(invoices=(invoice("F1", 5), usd))
    report = aging(ledger, date(2018, 2, 19))
    assert [t.currency for t in report.tables] == ["USD"]  # F1 not issued yet in 2018
    report = aging(ledger, AS_OF)
    assert [t.currency for t in report.tables] == ["EUR", "USD"]
