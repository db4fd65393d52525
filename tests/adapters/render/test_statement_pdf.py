"""A long history goes on over several pages, each with its heading and page number."""

import io
import re
from datetime import date, timedelta

import pdfplumber

from relance.adapters.render.statement import render_statement_pdf, render_statements_pdf
from relance.core.ledger import Ledger
from relance.core.model import (
    Address,
    Allocation,
    AllocationKind,
    Creditor,
    Customer,
    Invoice,
    Payment,
)
from relance.core.money import Money
from relance.core.statement import build_statement

CREDITOR = Creditor("Atelier Durand", "FR", "EUR", address=Address(("3 quai Perrache",),
                    "69002", "Lyon"), phone="04 78 00 00 00", email="compta@durand.fr")  # fmt: skip
CUSTOMER = Customer("MAR", "Martin & Fils SARL", address=Address(("8 avenue Foch",), "75016",
                    "Paris"))  # fmt: skip


def long_history() -> Ledger:
    """Two years of monthly invoices, each paid a month later, the last five unpaid."""
    invoices, payments, allocations = [], [], []
    for month in range(60):
        issued = date(2022, 1, 3) + timedelta(days=14 * month)
        number = f"F-{month + 1:04d}"
        amount = Money.of(f"{100 + month}.50", "EUR")
        invoices.append(
            Invoice(
                number,
                "MAR",
                issued,
                issued + timedelta(days=30),
                amount,
                Money.of("0", "EUR"),
                subject=f"Maintenance n° {month + 1}",
            )
        )
        if month < 55:
            key = f"bank-{month}"
            paid = issued + timedelta(days=28)
            payments.append(Payment(key, paid, amount, "MAR", reference=f"VIR MARTIN {number}"))
            allocations.append(Allocation(AllocationKind.PAYMENT, key, number, amount, paid))
    return Ledger((CUSTOMER,), tuple(invoices), (), tuple(payments), tuple(allocations))  # fmt: skip


def test_a_long_history_continues_with_headings_and_page_numbers():
    statement = build_statement(long_history(), CUSTOMER, "EUR", date(2024, 6, 30))
    assert len(statement.lines) == 115
    pdf = render_statement_pdf(statement, CREDITOR, "fr")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [page.extract_text() or "" for page in doc.pages]
    count = len(pages)
    assert count >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {count}" in text
        if number > 1:
            assert "Relevé de compte de Martin & Fils SARL au 30 juin 2024 (suite)" in text
    # the movements' column heads again on each page the table runs over
    assert sum("Pièce Libellé Échéance Débit Crédit Solde" in text for text in pages) >= 2
    whole = "\n".join(pages)
    assert all(f"F-{n:04d}" in whole for n in range(1, 61))
    assert re.search(r"Totaux et solde au 30/06/2024 .*\d", whole)


def test_several_currencies_one_after_the_other():
    gbp = Invoice("UK-1", "MAR", date(2026, 1, 5), date(2026, 2, 5), Money.of("90", "GBP"),
                  Money.of("0", "GBP"))  # fmt: skip
    eur = Invoice("F-1", "MAR", date(2026, 1, 7), date(2026, 2, 7), Money.of("50", "EUR"),
                  Money.of("0", "EUR"))  # fmt: skip
    ledger = Ledger((CUSTOMER,), (gbp, eur))
    both = [build_statement(ledger, CUSTOMER, c, date(2026, 3, 1)) for c in ("EUR", "GBP")]
    with pdfplumber.open(io.BytesIO(render_statements_pdf(both, CREDITOR, "en"))) as doc:
        pages = [page.extract_text() or "" for page in doc.pages]
    assert len(pages) == 2
    assert "Amounts in EUR" in pages[0] and "Amounts in GBP" in pages[1]
    assert "Page 2 of 2" in pages[1] and "£90.00" in pages[1]
