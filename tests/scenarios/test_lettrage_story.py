"""A story of lettrage: invoices come in as e-invoices, money comes in on a bank statement,
and relance matches one to the other so nobody is reminded of an invoice already paid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from relance.adapters.formats import bank_csv, ubl
from relance.core.ledger import Ledger, open_invoices, status, unapplied_credit
from relance.core.matching import (
    Rule,
    match_manually,
    match_transactions,
    open_items,
)
from relance.core.model import Customer, Invoice, InvoiceStatus
from relance.core.money import Money
from relance.core.reference import creditor_reference

UBL = Path(__file__).resolve().parents[1] / "data" / "formats" / "ubl"


def test_a_month_of_payments_is_lettered(tmp_path: Path) -> None:
    # 1. Boulangerie Martin's UBL invoice F-2026-0042 (1 230,00 TTC, due 1 April) is imported,
    #    with one older invoice of ours typed in by hand.
    read = ubl.extract(UBL / "invoice-2026-0042.xml")
    assert read.invoice is not None
    martin = replace(read.customer, ibans=("FR7610107001011234567890129",))
    acme = Customer(ref="ACME", name="ACME SARL")
    older = Invoice(
        "F-2026-0031",
        "732829320",
        date(2026, 2, 2),
        date(2026, 3, 4),
        Money.of("360.00", "EUR"),
        Money.of("60.00", "EUR"),
    )
    acme_invoice = Invoice(
        "F-2026-0040",
        "ACME",
        date(2026, 3, 1),
        date(2026, 3, 31),
        Money.of("99.00", "EUR"),
        Money.of("16.50", "EUR"),
    )
    ledger = Ledger(customers=(martin, acme), invoices=(older, read.invoice, acme_invoice))

    # 2. Our letter printed the reference of F-2026-0042; the bank's CSV export of March says:
    statement = tmp_path / "releve-mars.csv"
    statement.write_text(
        "Date opération;Libellé;Montant;Tiers;IBAN tiers;Référence structurée\n"
        f"20/03/2026;VIR SEPA;1 230,00;BOULANGERIE MARTIN;;{creditor_reference('F-2026-0042')}\n"
        "21/03/2026;VIR SEPA;400,00;BOULANGERIE MARTIN;FR76 1010 7001 0112 3456 7890 129;\n"
        "22/03/2026;PRLV EDF;-80,00;EDF;;\n"
        "23/03/2026;VIR Mr Dupont;55,00;J DUPONT;;\n",
        encoding="utf-8",
    )
    credits = bank_csv.extract(statement)

    # 3. Matching, as of the end of March.
    result = match_transactions(credits, open_items(ledger, date(2026, 3, 31)), ledger.customers)
    by_rule = {m.rule: m for m in result.matches}
    # The RF reference pays F-2026-0042 exactly.
    assert [a.invoice_number for a in by_rule[Rule.REFERENCE].allocations] == ["F-2026-0042"]
    # 400,00 from Martin's known IBAN: no invoice of that amount, no set of them either:
    # it waits in the queue, with Martin's open invoice suggested.
    assert len(result.matches) == 1
    queued = {u.transaction.payer_name: u for u in result.unmatched}
    assert queued["BOULANGERIE MARTIN"].suggestions[0].customer_ref == "732829320"
    # Mr Dupont's 55,00 matches nothing and nobody: in the queue, without suggestion.
    assert queued["J DUPONT"].suggestions == ()
    # The EDF direct debit is not a customer payment.
    assert any("not a credit" in p for p in result.problems)

    # 4. The user settles the queued 400,00 by hand against F-2026-0031 (360,00): the
    #    40,00 more stays as Martin's unapplied credit.
    waiting = queued["BOULANGERIE MARTIN"].transaction
    by_hand = match_manually(waiting, "732829320", open_items(ledger, date(2026, 3, 31))[:1])
    assert [(a.invoice_number, a.amount) for a in by_hand.allocations] == [
        ("F-2026-0031", Money.of("360.00", "EUR"))
    ]
    assert by_hand.unapplied == Money.of("40.00", "EUR")

    # 5. The ledger, with both payments recorded and lettered, chases only ACME now.
    match = by_rule[Rule.REFERENCE]
    paid = next(c for c in credits if c.key == match.transaction_key)
    lettered = replace(
        ledger,
        payments=(paid.to_payment(match.customer_ref), waiting.to_payment("732829320")),
        allocations=match.allocations + by_hand.allocations,
    )
    end = date(2026, 3, 31)
    assert status(lettered, read.invoice, end) is InvoiceStatus.PAID
    assert status(lettered, older, end) is InvoiceStatus.PAID
    assert [i.number for i in open_invoices(lettered, end)] == ["F-2026-0040"]
    assert unapplied_credit(lettered, "732829320", "EUR", end) == Money.of("40.00", "EUR")
