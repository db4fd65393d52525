"""Each KPI on the small ledger of tests/kpi_ledger.py, computed by hand first.

What was owed, invoice by invoice (open balance at the end of the day):

    invoice  due         30 Sep        31 Oct        30 Nov
    J1       2026-07-01  1,200 late    1,200 late      900 late   (300 paid 20 Nov)
    S1       2026-10-10  3,000 not due 2,000 late        0        (1,000 on 20 Oct, 2,000 on 15 Nov)
    O1       2026-11-04      -         6,000 not due 1,500 late   (4,500 paid 12 Nov)
    N1       2026-12-10      -             -         4,000 not due
    N2       2026-12-20      -             -         1,400 not due (credit note AV1 of 600)
    receivables          4,200         9,200         7,800
    of which not yet due 3,000         6,000         5,400

Net credit sales (invoices issued less credit notes): June 1,200; September 3,000;
October 6,000; November 4,000 + 2,000 - 600 = 5,400.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests import kpi_ledger as book

from relance.core.kpi import Period, ledger_kpis, periods
from relance.core.kpi_facts import ledger_facts
from relance.core.kpi_process import (
    agency_recovery,
    handed_claims,
    invoice_histories,
    promises_kept,
    stage_effectiveness,
    step_invoices,
)
from relance.core.ledger import Ledger
from relance.core.model import Customer, Invoice
from relance.core.money import Money

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def kpis(period: Period):
    (found,) = ledger_kpis(ledger_facts(book.ledger(), period.last), [period])
    return found


def test_the_amounts_every_kpi_starts_from():
    november = kpis(NOVEMBER)
    assert november.opening == book.eur("9200")  # what was owed on the evening of 31 Oct
    assert november.credit_sales == book.eur("5400")  # 4,000 + 2,000 - 600
    assert november.receivables == book.eur("7800")
    assert november.current == book.eur("5400")
    october = kpis(OCTOBER)
    assert (october.opening, october.credit_sales) == (book.eur("4200"), book.eur("6000"))
    assert (october.receivables, october.current) == (book.eur("9200"), book.eur("6000"))


def test_dso_the_standard_way():
    # receivables / credit sales × days in the period
    # November: 7,800 / 5,400 × 30 = 43.33 → 43.3 days
    # October:  9,200 / 6,000 × 31 = 47.53 → 47.5 days
    assert kpis(NOVEMBER).dso == Decimal("43.3")
    assert kpis(OCTOBER).dso == Decimal("47.5")


def test_dso_by_the_countback_method():
    # November: 7,800 owed. November's sales (5,400) are all still owed: 30 days, 2,400 left;
    # October sold 6,000: 2,400 / 6,000 of its 31 days = 12.4 days. 30 + 12.4 = 42.4 days.
    assert kpis(NOVEMBER).dso_countback == Decimal("42.4")
    # October: 9,200 owed. October 6,000 (31 days, 3,200 left), September 3,000 (30 days,
    # 200 left), August and July sold nothing (31 + 31 days), June sold 1,200:
    # 200 / 1,200 × 30 = 5 days. 31 + 30 + 31 + 31 + 5 = 128 days: J1, unpaid since June,
    # weighs on the countback as it does not on the standard DSO.
    assert kpis(OCTOBER).dso_countback == Decimal("128.0")


def test_countback_of_a_period_ending_mid_month_starts_with_the_days_of_that_month():
    # 1-15 November: owed at the end of 15 Nov: J1 1,200 + O1 1,500 + N1 4,000 = 6,700.
    # Sales of 1-15 Nov: N1 4,000, all owed: 15 days, 2,700 left.
    # October sold 6,000: 2,700 / 6,000 × 31 = 13.95 days. 15 + 13.95 = 28.95 → 29.0.
    half = Period(date(2026, 11, 1), date(2026, 11, 15))
    assert kpis(half).receivables == book.eur("6700")
    assert kpis(half).dso_countback == Decimal("29.0")


def test_best_possible_dso():
    # receivables not yet due / credit sales × days
    # November: 5,400 / 5,400 × 30 = 30.0;  October: 6,000 / 6,000 × 31 = 31.0
    assert kpis(NOVEMBER).best_dso == Decimal("30.0")
    assert kpis(OCTOBER).best_dso == Decimal("31.0")


def test_average_days_delinquent():
    # DSO - best possible DSO, from the unrounded figures
    # November: 43.33 - 30 = 13.33 → 13.3;  October: 47.53 - 31 = 16.53 → 16.5
    assert kpis(NOVEMBER).average_days_delinquent == Decimal("13.3")
    assert kpis(OCTOBER).average_days_delinquent == Decimal("16.5")


def test_collection_effectiveness_index():
    # (opening + credit sales - closing) / (opening + credit sales - closing not yet due) × 100
    # November: (9,200 + 5,400 - 7,800) / (9,200 + 5,400 - 5,400) = 6,800 / 9,200 = 73.9 %
    # October:  (4,200 + 6,000 - 9,200) / (4,200 + 6,000 - 6,000) = 1,000 / 4,200 = 23.8 %
    assert kpis(NOVEMBER).cei == Decimal("73.9")
    assert kpis(OCTOBER).cei == Decimal("23.8")


def test_share_of_receivables_not_yet_due():
    # November: 5,400 / 7,800 = 69.2 %;  October: 6,000 / 9,200 = 65.2 %
    assert kpis(NOVEMBER).current_share == Decimal("69.2")
    assert kpis(OCTOBER).current_share == Decimal("65.2")


def test_by_month_gives_each_month_cut_to_the_days_asked_for():
    asked = periods(date(2026, 10, 10), date(2026, 11, 30), by_month=True)
    assert [p.label for p in asked] == ["2026-10-10..2026-10-31", "2026-11"]
    assert [p.days for p in asked] == [22, 30]
    found = ledger_kpis(ledger_facts(book.ledger(), asked[-1].last), asked)
    # nothing was invoiced from 10 to 31 October (O1 was issued on 5 October): no credit
    # sales, so no standard DSO for that part of the month, rather than an infinite one
    assert [k.dso for k in found] == [None, Decimal("43.3")]
    with pytest.raises(ValueError, match="ends"):
        periods(date(2026, 11, 30), date(2026, 11, 1))


def test_currencies_are_never_added_together():
    dollars = Invoice(
        "U1", "C-BRIQUE", date(2026, 11, 2), date(2026, 12, 2), Money.of("500", "USD"),
        Money.of("0", "USD"),
    )  # fmt: skip
    ledger = book.ledger()
    mixed = Ledger(
        customers=(*ledger.customers, Customer("C-X", "X")),
        invoices=(*ledger.invoices, dollars),
        credit_notes=ledger.credit_notes,
        allocations=ledger.allocations,
    )
    found = ledger_kpis(ledger_facts(mixed, NOVEMBER.last), [NOVEMBER])
    assert [(k.currency, k.receivables, k.dso) for k in found] == [
        ("EUR", book.eur("7800"), Decimal("43.3")),  # as without the dollars
        ("USD", Money.of("500", "USD"), Decimal("30.0")),  # 500 / 500 × 30
    ]


def test_effectiveness_of_each_stage():
    # Share of the amount chased at a stage paid within 14 days after the step.
    # October, letter1: A1 (15 Oct) chased S1, 3,000 owed; 1,000 paid on 20 Oct → 33.3 %.
    # November, letter1: A2 (8 Nov) listed O1 at letter1, 6,000 owed; 4,500 paid on
    #   12 Nov → 75.0 %.
    # November, letter3: A2 chased S1, 2,000 owed; 2,000 paid on 15 Nov → 100.0 %;
    #   A3 (28 Nov) chased O1: its 14 days end on 12 Dec, after 1 Dec: waiting, left out.
    ledger = book.ledger()
    first, last = OCTOBER.first, NOVEMBER.last
    steps = step_invoices(book.ACTIONS, first, last)
    histories = invoice_histories(ledger, {s.number for s in steps})
    found = stage_effectiveness(steps, histories, [OCTOBER, NOVEMBER], book.AS_OF)
    assert [
        (e.period.label, e.stage, e.invoices, e.chased.amount, e.paid.amount, e.share, e.waiting)
        for e in found
    ] == [
        ("2026-10", "letter1", 1, Decimal("3000.00"), Decimal("1000.00"), Decimal("33.3"), 0),
        ("2026-11", "letter1", 1, Decimal("6000.00"), Decimal("4500.00"), Decimal("75.0"), 0),
        ("2026-11", "letter3", 1, Decimal("2000.00"), Decimal("2000.00"), Decimal("100.0"), 1),
    ]


def test_promises_kept():
    # P1: 2,000 by 16 Nov (grace 3 days: until 19 Nov); C-ARDOISE paid 4,500 on 12 Nov and
    #     2,000 on 15 Nov, after it was made on 9 Nov: kept.
    # P2: 1,000 by 24 Nov (until 27 Nov); C-BRIQUE paid nothing: broken.
    # P3: 1,500 by 30 Nov, grace until 3 Dec, after 1 Dec: pending, left out.
    # By count 1 of 2 = 50.0 %; by amount 2,000 of 3,000 = 66.7 %.
    by_customer = {"C-ARDOISE": [], "C-BRIQUE": [], "C-CARRIERE": []}
    for payment in book.payments():
        by_customer[payment.customer_ref or ""].append((payment.date, payment.amount))
    (found,) = promises_kept(book.PROMISES, by_customer, {}, [NOVEMBER], book.AS_OF)
    assert (found.decided, found.kept, found.pending) == (2, 1, 1)
    assert (found.promised, found.kept_amount) == (book.eur("3000"), book.eur("2000"))
    assert (found.share_by_count, found.share_by_amount) == (Decimal("50.0"), Decimal("66.7"))


def test_agency_recovery():
    # J1 handed to Recouvre SA on 2 Nov with 1,200 owed; 300 paid on 20 Nov: 25.0 %.
    ledger = book.ledger()
    claims = handed_claims(book.HANDOFFS, invoice_histories(ledger, ["J1"]), book.AS_OF)
    (found,) = agency_recovery(claims, [NOVEMBER])
    assert (found.claims, found.handed, found.recovered) == (1, book.eur("1200"), book.eur("300"))
    assert found.share == Decimal("25.0")
    assert found.net_share == Decimal("25.0")  # no fee recorded: net is gross
    # October handed nothing over: no figure rather than a zero
    assert agency_recovery(claims, [OCTOBER]) == ()


def test_agency_recovery_net_of_the_agency_fees():
    # The agency kept 25 % of the 300 it collected on 20 Nov: a fee of 75.
    # Net recovered 300 - 75 = 225, of 1,200 handed over: 18.75 → 18.8 %.
    ledger = book.ledger()
    fees = {"J1": [(date(2026, 11, 20), 7500)]}  # minor units, as the agency's recovery says
    claims = handed_claims(book.HANDOFFS, invoice_histories(ledger, ["J1"]), book.AS_OF, fees)
    (found,) = agency_recovery(claims, [NOVEMBER])
    assert (found.recovered, found.fees, found.net) == (
        book.eur("300"),
        book.eur("75"),
        book.eur("225"),
    )
    assert (found.share, found.net_share) == (Decimal("25.0"), Decimal("18.8"))
