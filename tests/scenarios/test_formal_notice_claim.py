"""A French workshop prepares a formal notice for a late business customer.

Atelier Durand (Lyon) has three invoices on Boulangerie Martin, a business. On 2 February
2026 the customer is at level 4 (formal notice): the letter must state the late interest,
line by line, and the 40 EUR indemnity per late invoice, apart from the principal. The
rules are the files shipped in `relance/rules/`, chosen from the countries and the kind.
"""

from __future__ import annotations

from datetime import date

from relance.adapters.rules_files import load_jurisdictions, load_rate_book
from relance.core.charges import ChargeKind, customer_charges
from relance.core.ledger import Ledger
from relance.core.model import (
    Allocation,
    AllocationKind,
    Creditor,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
)
from relance.core.money import Money, total

AS_OF = date(2026, 2, 2)
CREDITOR = Creditor("Atelier Durand SARL", country="FR", currency="EUR")
BAKERY = Customer("C-MARTIN", "Boulangerie Martin", kind=CustomerKind.BUSINESS, country="FR")
CONSUMER = Customer("C-PETIT", "Camille Petit", kind=CustomerKind.CONSUMER, country="FR")


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


LEDGER = Ledger(
    customers=(BAKERY, CONSUMER),
    invoices=(
        Invoice("FA-2025-088", "C-MARTIN", date(2025, 10, 1), date(2025, 10, 31), eur("1800.00"), eur("300.00")),
        Invoice("FA-2025-101", "C-MARTIN", date(2025, 11, 14), date(2025, 12, 14), eur("2400.00"), eur("400.00")),
        Invoice("FA-2026-007", "C-MARTIN", date(2026, 1, 20), date(2026, 2, 19), eur("600.00"), eur("100.00")),
        Invoice("FA-2025-095", "C-PETIT", date(2025, 11, 1), date(2025, 12, 1), eur("240.00"), eur("40.00")),
    ),
    payments=(Payment("BANK-1", date(2025, 12, 1), eur("800.00"), "C-MARTIN"),),
    allocations=(
        Allocation(AllocationKind.PAYMENT, "BANK-1", "FA-2025-088", eur("800.00"), date(2025, 12, 1)),
    ),
)  # fmt: skip


def test_the_formal_notice_states_interest_line_by_line_and_40_eur_per_late_invoice() -> None:
    claims = customer_charges(
        LEDGER, CREDITOR, "C-MARTIN", load_jurisdictions(), load_rate_book(), AS_OF
    )

    # FA-2026-007 is not due yet: only the two late invoices carry charges.
    assert [c.invoice_number for c in claims] == ["FA-2025-088", "FA-2025-101"]
    older, newer = claims

    # FA-2025-088, 1 800.00 due 31 Oct 2025, 800.00 paid on 1 Dec 2025. ECB rate on
    # 1 July 2025 and on 1 January 2026: 2.15 %, + 10 points = 12.15 % throughout.
    #   1 Nov - 1 Dec 2025, 31 days on 1 800: 1 800 × 12.15 % × 31 / 365 = 18.574… → 18.57
    #   2 - 31 Dec 2025, 30 days on 1 000:    1 000 × 12.15 % × 30 / 365 =  9.986… →  9.99
    #   1 Jan - 2 Feb 2026, 33 days on 1 000: 1 000 × 12.15 % × 33 / 365 = 10.984… → 10.98
    interest = older.interest
    assert interest is not None
    assert [(line.start, line.end, line.base, line.amount) for line in interest.lines] == [
        (date(2025, 11, 1), date(2025, 12, 1), eur("1800"), eur("18.57")),
        (date(2025, 12, 2), date(2025, 12, 31), eur("1000"), eur("9.99")),
        (date(2026, 1, 1), date(2026, 2, 2), eur("1000"), eur("10.98")),
    ]
    assert [(c.kind, c.amount) for c in older.items] == [
        (ChargeKind.INTEREST, eur("39.54")),
        (ChargeKind.INDEMNITY, eur("40.00")),
    ]

    # FA-2025-101, 2 400.00 due 14 Dec 2025, unpaid:
    #   15 - 31 Dec 2025, 17 days: 2 400 × 12.15 % × 17 / 365 = 13.581… → 13.58
    #   1 Jan - 2 Feb 2026, 33 days: 2 400 × 12.15 % × 33 / 365 = 26.363… → 26.36
    assert [(c.kind, c.amount) for c in newer.items] == [
        (ChargeKind.INTEREST, eur("39.94")),
        (ChargeKind.INDEMNITY, eur("40.00")),
    ]
    assert newer.interest is not None
    assert newer.interest.lines[1].basis == (
        "ECB main refinancing rate on 2026-01-01 2.15 % + 10 points"
    )

    # What the letter totals: principal still owed, then charges apart.
    # principal 1 000.00 + 2 400.00 = 3 400.00; charges 79.54 + 79.94 = 159.48
    assert total((c.total for c in claims), "EUR") == eur("159.48")
    indemnity = next(i for c in claims for i in c.items if i.kind is ChargeKind.INDEMNITY)
    assert "D441-5" in indemnity.basis
    assert all(c.problems == () for c in claims)


def test_a_consumer_of_the_same_workshop_owes_no_indemnity_and_no_interest_before_notice() -> None:
    claims = customer_charges(
        LEDGER, CREDITOR, "C-PETIT", load_jurisdictions(), load_rate_book(), AS_OF
    )
    assert len(claims) == 1
    assert claims[0].items == ()
    assert claims[0].problems == ("interest runs only from a formal notice, and none is recorded",)
