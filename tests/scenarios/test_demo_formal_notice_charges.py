"""Tried as a new user would: the demo's French business customer at the formal notice.

The user runs `relance demo` on 15 June 2026. Atelier Durand (Lyon) has French business
customers with invoices long overdue. Under the default business policy a customer reaches
the final level, the formal notice (mise en demeure), about 56 days after the due date when
every step was carried out on time (letter 1 at 14 days, then 14 days between letters). The
letter must state, apart from the principal, the late interest line by line and 40 EUR per
late invoice (C. com. L441-10 II, D441-5). `letter_charges` gives the letter those rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.conftest import create_ledger
from tests.unit_of_work import within

from relance.adapters.storage import repository as repo
from relance.core.aging import days_overdue
from relance.core.model import CustomerKind
from relance.core.money import Money
from relance.services import contracts, interest_reports, letter_charges
from relance.services.demo import build_demo

AS_OF = date(2026, 6, 15)
FINAL_LEVEL_DAYS = 14 + 14 + 14 + 14  # letter 1, letter 2, letter 3, then the final letter


def test_the_demo_formal_notice_states_interest_and_the_40_eur_indemnity(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo", AS_OF, create_ledger)
    store = demo.store
    with store.begin() as conn:
        customers = {c.ref: c for c in repo.load_customers(conn)}
        owed = repo.open_invoice_balances(conn, AS_OF)
    french_business = {
        ref for ref, c in customers.items() if c.kind is CustomerKind.BUSINESS and c.country == "FR"
    }
    overdue = [
        (invoice, balance)
        for invoice, balance in owed
        if invoice.customer_ref in french_business and invoice.due_date < AS_OF
    ]
    at_final = sorted(
        {
            invoice.customer_ref
            for invoice, _ in overdue
            if days_overdue(invoice.due_date, AS_OF) >= FINAL_LEVEL_DAYS
        }
    )
    assert at_final, "the demo has a French business customer at the formal-notice level"
    ref = at_final[0]
    numbers = [invoice.number for invoice, _ in overdue if invoice.customer_ref == ref]

    within(
        store, contracts.record_formal_notice, ref, AS_OF, note="LRAR sent with the final letter"
    )
    claim = within(store, letter_charges.letter_claim, ref, numbers, AS_OF)
    assert claim.blocking == ()
    rows = claim.rows

    # One 40 EUR indemnity per late invoice, in French, with its legal source.
    indemnities = [row for row in rows if row.label.startswith("Indemnité forfaitaire")]
    assert len(indemnities) == len(numbers)
    assert all(row.amount == Money.of("40", "EUR") for row in indemnities)
    assert all("D441-5" in row.explanation for row in indemnities)

    # Interest lines, each with its arithmetic: base × rate × days / 365, half-up to the cent.
    interest = [row for row in rows if row.label.startswith("Pénalités de retard")]
    assert interest
    # (the customer may also owe interest on invoices it paid late: not on this letter)
    reports = [interest_reports.interest_report(store, number, AS_OF) for number in numbers]
    claims = [claim for report in reports for claim in report.claims]
    lines = [line for claim in claims if claim.interest for line in claim.interest.lines]
    assert len(lines) == len(interest)
    for line, row in zip(lines, interest, strict=True):
        expected = (line.base.amount * line.rate * line.days / (100 * line.year_days)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert row.amount.amount == expected > 0
        assert f"× {line.days} / 365 jours" in row.explanation
        # 2026 first half-year: ECB rate on 1 January 2026 2.15 % + 10 points = 12.15 %
        if line.start >= date(2026, 1, 1):
            assert line.rate == Decimal("12.15")
            assert "12,15 %" in row.explanation

    # The rows add up to what the interest command reports, principal excluded.
    assert Money.of(sum(row.amount.amount for row in rows), "EUR") == Money.of(
        sum(claim.total.amount for claim in claims), "EUR"
    )
    assert all(claim.problems == () for claim in claims)
    # the oldest invoice is at least 56 days late: 56 days at 12.15 % on any base is > 0
    assert min(line.start for line in lines) <= AS_OF - timedelta(days=FINAL_LEVEL_DAYS)
