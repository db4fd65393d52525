"""The statement of account from ledger records alone: deductions, other accounts, currencies."""

from datetime import date
from decimal import Decimal

import pytest

from relance.core.deposits import deduction
from relance.core.ledger import Ledger, open_balance, open_invoices, unapplied_credit
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, Payment
from relance.core.money import Money
from relance.core.statement import LineKind, build_statement, statement_currencies

DUP = Customer("DUP", "Dupont SA")


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def invoice(number: str, issued: date, due: date, amount: str, currency: str = "EUR") -> Invoice:
    return Invoice(number, "DUP", issued, due, Money.of(amount, currency), Money.of("0", currency))


def test_a_deposit_deducted_a_discount_and_a_write_off_are_lines_of_their_own():
    deposit = invoice("AC-1", date(2026, 3, 1), date(2026, 3, 1), "300.00")
    final = invoice("F-9", date(2026, 4, 1), date(2026, 5, 1), "1000.00")
    small = invoice("F-10", date(2026, 4, 2), date(2026, 5, 2), "50.00")
    paid = Payment("bank-77", date(2026, 3, 5), eur("200.00"), "DUP")
    on_deposit = Allocation(AllocationKind.PAYMENT, "bank-77", "AC-1", eur("200.00"),
                            date(2026, 3, 5))  # fmt: skip
    moved = deduction(deposit, eur("100.00"), final, eur("1000.00"), date(2026, 4, 1))
    later = [
        Allocation(AllocationKind.WRITE_OFF, "decision 3", "F-10", eur("50.00"),
                   date(2026, 6, 1)),
        Allocation(AllocationKind.DISCOUNT, "2/10 net 30", "F-9", eur("10.00"),
                   date(2026, 6, 2)),
    ]  # fmt: skip
    ledger = Ledger((DUP,), (deposit, final, small), (), (paid,),
                    (on_deposit, *moved, *later))  # fmt: skip
    s = build_statement(ledger, DUP, "EUR", date(2026, 6, 30))

    assert [(line.kind, line.debit.amount, line.credit.amount) for line in s.lines] == [
        (LineKind.INVOICE, Decimal("300.00"), 0),
        (LineKind.PAYMENT, 0, Decimal("200.00")),
        (LineKind.INVOICE, Decimal("1000.00"), 0),
        (LineKind.DEPOSIT, 0, Decimal("100.00")),  # the unpaid part closes AC-1
        (LineKind.DEPOSIT, 0, Decimal("200.00")),  # the paid part, deducted on F-9
        (LineKind.INVOICE, Decimal("50.00"), 0),
        (LineKind.WRITE_OFF, 0, Decimal("50.00")),
        (LineKind.DISCOUNT, 0, Decimal("10.00")),
    ]
    # what is owed is what the ledger says: F-9's 1 000 less 200 paid and 10 discounted
    owed = [(i.number, open_balance(ledger, i, s.as_of)) for i in open_invoices(ledger, s.as_of)]
    assert owed == [("F-9", eur("790.00"))]
    assert s.closing_balance.amount == Decimal("790.00")
    assert s.open_invoices.amount == Decimal("790.00")
    assert s.unapplied_credit == unapplied_credit(ledger, "DUP", "EUR", s.as_of) == eur("0")
    assert s.overdue[0].invoice_number == "F-9" and s.overdue[0].days_late == 60


def test_money_of_other_accounts_keeps_the_balance_what_the_customer_owes():
    mine = invoice("F-1", date(2026, 1, 5), date(2026, 2, 5), "400.00")
    # the parent company paid F-1 for DUP; DUP's own transfer paid a sister's invoice
    from_parent = Allocation(AllocationKind.PAYMENT, "parent-1", "F-1", eur("400.00"),
                             date(2026, 2, 1))  # fmt: skip
    transfer = Payment("bank-5", date(2026, 2, 10), eur("100.00"), "DUP")
    for_sister = Allocation(AllocationKind.PAYMENT, "bank-5", "S-3", eur("60.00"),
                            date(2026, 2, 10))  # fmt: skip
    ledger = Ledger((DUP,), (mine,), (), (transfer,), (from_parent, for_sister))
    s = build_statement(ledger, DUP, "EUR", date(2026, 3, 1))
    assert [(line.kind, line.balance.amount) for line in s.lines] == [
        (LineKind.INVOICE, Decimal("400.00")),
        (LineKind.ALLOCATION, Decimal("0.00")),
        (LineKind.PAYMENT, Decimal("-100.00")),
        (LineKind.ALLOCATION, Decimal("-40.00")),
    ]
    assert s.unapplied_credit == eur("40.00") and s.closing_balance == eur("-40.00")


def test_each_currency_has_its_own_statement_the_creditors_first():
    gbp = invoice("UK-1", date(2026, 1, 5), date(2026, 2, 5), "90.00", "GBP")
    usd = invoice("US-1", date(2026, 1, 6), date(2026, 2, 6), "70.00", "USD")
    euro = invoice("F-1", date(2026, 1, 7), date(2026, 2, 7), "50.00")
    ledger = Ledger((DUP,), (gbp, usd, euro))
    assert statement_currencies(ledger, "DUP", "EUR") == ("EUR", "GBP", "USD")
    assert statement_currencies(Ledger((DUP,), (gbp, usd)), "DUP", "EUR") == ("GBP", "USD")
    assert statement_currencies(Ledger((DUP,)), "DUP", "EUR") == ("EUR",)
    s = build_statement(ledger, DUP, "GBP", date(2026, 3, 1))
    assert [line.reference for line in s.lines] == ["UK-1"] and s.currency == "GBP"
    assert s.closing_balance == Money.of("90.00", "GBP")


def test_movements_after_the_date_are_left_out_and_a_period_must_run_forwards():
    early = invoice("F-1", date(2026, 1, 5), date(2026, 2, 5), "100.00")
    late = invoice("F-2", date(2026, 5, 5), date(2026, 6, 5), "200.00")
    ledger = Ledger((DUP,), (early, late))
    s = build_statement(ledger, DUP, "EUR", date(2026, 3, 1), start=date(2026, 2, 1))
    assert s.lines == () and s.opening_balance == eur("100.00") == s.closing_balance
    assert s.opening_day == date(2026, 1, 31)
    with pytest.raises(ValueError, match="starts"):
        build_statement(ledger, DUP, "EUR", date(2026, 3, 1), start=date(2026, 4, 1))
