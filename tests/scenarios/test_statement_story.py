"""Dupont SA's statement of account on 30 November 2026, checked line by line by hand.

The ledger, as the credit manager booked it:

    01/09  F-101  boiler             1 200,00  due 01/10
    15/09  F-102  maintenance          600,00  due 15/10
    10/10  transfer 500,00 naming F-101         (F-101 partly paid: 700,00 left)
    20/10  credit note AV-7 100,00 on F-102     (F-102: 500,00 left)
    02/11  F-103  parts                300,00  due 02/12
    05/11  transfer 250,00 naming no invoice    (unapplied credit)

    running balance: 1 200 → 1 800 → 1 300 → 1 200 → 1 500 → 1 250
    open invoices 700 + 500 + 300 = 1 500, less 250 unapplied = 1 250 owed
    overdue on 30/11: F-101 700,00 (60 days: October's 30 and November's 30),
                      F-102 500,00 (46 days); F-103 not yet due
"""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
from tests.conftest import cli_ledger, write

from relance.adapters.formats.statement_csv import statement_csv
from relance.adapters.render.statement import render_statement_pdf
from relance.adapters.storage.database import Store
from relance.core.charges import ChargeKind
from relance.core.statement import LineKind
from relance.interfaces.cli.main import run
from relance.services.interest_reports import interest_report
from relance.services.statement import account_statement, statement_with_creditor

CUSTOMERS = "ref;nom;adresse;code_postal;ville\nDUP;Dupont SA;12 rue des Lilas;69003;Lyon\n"
INVOICES = (
    "numero;client;date;echeance;montant;objet\n"
    "F-101;DUP;01/09/2026;01/10/2026;1 200,00;Chaudière\n"
    "F-102;DUP;15/09/2026;15/10/2026;600,00;Entretien annuel\n"
    "F-103;DUP;02/11/2026;02/12/2026;300,00;Pièces détachées\n"
)
CREDIT_NOTES = "numero;client;date;montant;facture\nAV-7;DUP;20/10/2026;100,00;F-102\n"
PAYMENTS = (
    "date;client;montant;mode;reference;facture\n"
    "10/10/2026;DUP;500,00;virement;VIR DUPONT F-101;F-101\n"
    "05/11/2026;DUP;250,00;virement;VIR DUPONT ACOMPTE;\n"
)
AS_OF = date(2026, 11, 30)


def dupont(store: Store, tmp_path: Path) -> str:
    url = cli_ledger(store, tmp_path, CUSTOMERS, INVOICES)
    for kind, text in (("credit-notes", CREDIT_NOTES), ("payments", PAYMENTS)):
        assert run(["import", kind, str(write(tmp_path / f"{kind}.csv", text)), "--db", url]) == 0
    return url


def test_dupont_statement_reads_like_the_ledger(store: Store, tmp_path: Path):
    dupont(store, tmp_path)
    s = account_statement(store, "DUP", as_of=AS_OF)

    assert [(line.day.isoformat(), line.kind, line.debit.amount, line.credit.amount,
             line.balance.amount) for line in s.lines] == [
        ("2026-09-01", LineKind.INVOICE, Decimal("1200.00"), Decimal("0.00"), Decimal("1200.00")),
        ("2026-09-15", LineKind.INVOICE, Decimal("600.00"), Decimal("0.00"), Decimal("1800.00")),
        ("2026-10-10", LineKind.PAYMENT, Decimal("0.00"), Decimal("500.00"), Decimal("1300.00")),
        ("2026-10-20", LineKind.CREDIT_NOTE, Decimal("0.00"), Decimal("100.00"),
         Decimal("1200.00")),
        ("2026-11-02", LineKind.INVOICE, Decimal("300.00"), Decimal("0.00"), Decimal("1500.00")),
        ("2026-11-05", LineKind.PAYMENT, Decimal("0.00"), Decimal("250.00"), Decimal("1250.00")),
    ]  # fmt: skip
    assert s.opening_balance.amount == 0 and s.closing_balance.amount == Decimal("1250.00")
    assert s.open_invoices.amount == Decimal("1500.00")
    assert s.unapplied_credit.amount == Decimal("250.00")
    # what each payment settled: the first F-101, the second nothing yet
    first, second = (line for line in s.lines if line.kind is LineKind.PAYMENT)
    assert [(x.invoice_number, x.amount.amount) for x in first.settles] == [
        ("F-101", Decimal("500.00"))
    ]
    assert second.settles == ()
    assert [(o.invoice_number, o.open_amount.amount, o.days_late) for o in s.overdue] == [
        ("F-101", Decimal("700.00"), 60),
        ("F-102", Decimal("500.00"), 46),
    ]
    assert s.overdue_amount.amount == Decimal("1200.00")
    assert s.not_yet_due.amount == Decimal("300.00")
    invoices = {line.reference: line for line in s.lines if line.kind is LineKind.INVOICE}
    assert invoices["F-103"].days_late is None and invoices["F-101"].days_late == 60
    # the interest is the one `relance interest` claims, invoice by invoice
    report = interest_report(store, "DUP", AS_OF)
    assert s.interest == report.totals().get("EUR") - _indemnities(report)
    assert s.interest.is_positive
    assert sum(o.interest.amount for o in s.overdue) == s.interest.amount


def _indemnities(report):  # type: ignore[no-untyped-def]
    from relance.core.charges import ChargeKind
    from relance.core.money import Money

    return sum(
        (i.amount for c in report.claims for i in c.items if i.kind is not ChargeKind.INTEREST),
        Money.zero("EUR"),
    )


def test_a_period_starts_from_the_balance_brought_forward(store: Store, tmp_path: Path):
    dupont(store, tmp_path)
    s = account_statement(store, "DUP", as_of=AS_OF, start=date(2026, 10, 15))
    # before 15 October: 1 200 + 600 - 500 = 1 300 brought forward
    assert s.opening_balance.amount == Decimal("1300.00")
    assert [line.reference for line in s.lines if line.kind is LineKind.INVOICE] == ["F-103"]
    assert s.closing_balance.amount == Decimal("1250.00")
    assert s.total_debit.amount - s.total_credit.amount == Decimal("-50.00")
    # on 20 October, before the payment on account, nothing was unapplied yet
    earlier = account_statement(store, "DUP", as_of=date(2026, 10, 20))
    assert earlier.unapplied_credit.amount == 0
    assert earlier.closing_balance.amount == Decimal("1200.00")
    assert [(o.invoice_number, o.days_late) for o in earlier.overdue] == [
        ("F-101", 19), ("F-102", 5)
    ]  # fmt: skip


def test_the_pdf_and_the_csv_say_the_same(store: Store, tmp_path: Path):
    dupont(store, tmp_path)
    creditor, (s,) = statement_with_creditor(store, "DUP", as_of=AS_OF)
    pdf = render_statement_pdf(s, creditor, "fr")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        assert len(doc.pages) == 1
    assert "RELEVÉ DE COMPTE" in text and "Dupont SA" in text and "Atelier Durand" in text
    assert "Solde dû 1 250,00 €" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Règle F-101 (500,00" in text and "non affecté : 250,00" in text
    assert "F-101 01/09/2026 01/10/2026 1 200,00 700,00 60" in text.replace("\u202f", " ")
    english = render_statement_pdf(s, creditor, "en")
    with pdfplumber.open(io.BytesIO(english)) as doc:
        text = doc.pages[0].extract_text() or ""
    assert "STATEMENT OF ACCOUNT" in text and "Balance due €1,250.00" in text
    assert "Page 1 of 1" in text and "csv:" not in text  # relance's own keys stay inside

    rows = list(csv.DictReader(io.StringIO(statement_csv(s))))
    assert [r["kind"] for r in rows] == [
        "opening", "invoice", "invoice", "payment", "credit_note", "invoice", "payment",
        "closing",
    ]  # fmt: skip
    assert [r["balance"] for r in rows[1:-1]] == [
        "1200.00", "1800.00", "1300.00", "1200.00", "1500.00", "1250.00"
    ]  # fmt: skip
    assert rows[-1]["balance"] == "1250.00" and rows[1]["days_late"] == "60"
    assert rows[3]["settles"] == "F-101:500.00"


def test_a_liquidation_stops_the_interest_at_its_judgment(store: Store, tmp_path: Path):
    url = dupont(store, tmp_path)
    assert run(["proceedings", "add", "DUP", "--kind", "liquidation", "--date", "2026-10-20",
                "--published", "2026-10-27", "--db", url]) == 0  # fmt: skip
    s = account_statement(store, "DUP", as_of=AS_OF)
    judgment = date(2026, 10, 20)
    assert s.interest_to == judgment and s.closing_balance.amount == Decimal("1250.00")
    until_judgment = interest_report(store, "DUP", judgment)
    assert s.interest == until_judgment.totals(ChargeKind.INTEREST)["EUR"]
    assert 0 < s.interest.amount < Decimal("23.61")  # 23,61 € counted to 30 November
    creditor, (same,) = statement_with_creditor(store, "DUP", as_of=AS_OF)
    with pdfplumber.open(io.BytesIO(render_statement_pdf(same, creditor, "fr"))) as doc:
        text = " ".join((doc.pages[0].extract_text() or "").split())
    assert "Intérêts de retard arrêtés au jugement d'ouverture du 20 octobre 2026" in text
