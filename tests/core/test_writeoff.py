"""Writing off a bad debt: the decision, the ledger allocation, the entry, the FEC lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from relance.adapters.formats.fec import iter_lines
from relance.adapters.formats.fec_export import COLUMNS, fec_filename, fec_text, write_fec
from relance.core.ledger import Ledger, open_balance, status
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, InvoiceStatus
from relance.core.money import Money
from relance.core.writeoff import (
    AgencyHandoff,
    HandoffStatus,
    NothingToWriteOff,
    WriteOffReason,
    decide_write_off,
    handoff_status,
    write_off_allocation,
    write_off_entry,
)

CUSTOMER = Customer("C-ACME", "ACME SARL")
INVOICE = Invoice(
    "F-2024-017",
    "C-ACME",
    date(2024, 3, 4),
    date(2024, 4, 3),
    Money.of("1200.00", "EUR"),  # 1 000.00 excl. VAT + 200.00 VAT at 20 %
    Money.of("200.00", "EUR"),
)
PART_PAID = Allocation(
    AllocationKind.PAYMENT, "P1", INVOICE.number, Money.of("300.00", "EUR"), date(2024, 5, 2)
)


def test_writing_off_a_partly_paid_invoice_recovers_its_share_of_vat() -> None:
    ledger = Ledger(customers=(CUSTOMER,), invoices=(INVOICE,), allocations=(PART_PAID,))
    owed = open_balance(ledger, INVOICE, date(2026, 6, 30))
    decision = decide_write_off(INVOICE, owed, date(2026, 6, 30), WriteOffReason.INSOLVENCY)

    # open balance 1 200 - 300 = 900.00 incl. VAT; VAT share 200 / 1 200 = 1/6:
    #   VAT recovered 900 / 6 = 150.00, loss excl. VAT 900 - 150 = 750.00
    assert decision.amount == Money.of("900.00", "EUR")
    assert decision.vat == Money.of("150.00", "EUR")
    assert decision.loss == Money.of("750.00", "EUR")

    closed = Ledger(
        customers=(CUSTOMER,),
        invoices=(INVOICE,),
        allocations=(PART_PAID, write_off_allocation(decision)),
    )
    assert open_balance(closed, INVOICE, date(2026, 6, 30)) == Money.zero("EUR")
    assert status(closed, INVOICE, date(2026, 6, 30)) is InvoiceStatus.WRITTEN_OFF


def test_the_entry_debits_654_and_44571_and_credits_the_customer_on_411() -> None:
    decision = decide_write_off(
        INVOICE, Money.of("900.00", "EUR"), date(2026, 6, 30), WriteOffReason.TIME_BARRED
    )
    entry = write_off_entry(decision, INVOICE, CUSTOMER, number="OD-2026-0042")
    assert [(line.account, line.debit, line.credit) for line in entry.lines] == [
        ("654", Money.of("750.00", "EUR"), Money.zero("EUR")),
        ("44571", Money.of("150.00", "EUR"), Money.zero("EUR")),
        ("411", Money.zero("EUR"), Money.of("900.00", "EUR")),
    ]
    assert entry.lines[2].aux_account == "C-ACME"
    assert entry.is_balanced


def test_without_recoverable_vat_the_whole_balance_is_a_loss() -> None:
    decision = decide_write_off(
        INVOICE,
        Money.of("900.00", "EUR"),
        date(2026, 6, 30),
        WriteOffReason.UNECONOMIC,
        vat_recoverable=False,
    )
    entry = write_off_entry(decision, INVOICE, CUSTOMER, number="OD-1")
    assert [(line.account, line.debit.amount) for line in entry.lines if line.debit] == [
        ("654", Money.of("900", "EUR").amount)
    ]


def test_a_paid_invoice_cannot_be_written_off() -> None:
    with pytest.raises(NothingToWriteOff):
        decide_write_off(INVOICE, Money.zero("EUR"), date(2026, 6, 30), WriteOffReason.OTHER)


def test_the_fec_lines_have_18_tab_separated_fields_dates_and_decimal_commas() -> None:
    decision = decide_write_off(
        INVOICE, Money.of("900.00", "EUR"), date(2026, 6, 30), WriteOffReason.INSOLVENCY
    )
    entry = write_off_entry(decision, INVOICE, CUSTOMER, number="OD-2026-0042")
    lines = fec_text([entry]).split("\r\n")
    assert lines[0].split("\t") == list(COLUMNS)
    assert len(COLUMNS) == 18
    first = lines[1].split("\t")
    assert len(first) == 18
    assert first[:5] == ["OD", "Opérations diverses", "OD-2026-0042", "20260630", "654"]
    assert first[8:13] == [
        "F-2024-017",
        "20240304",
        "Créance irrécouvrable F-2024-017 ACME SARL",
        "750,00",
        "0,00",
    ]
    customer_line = lines[3].split("\t")
    assert customer_line[4:8] == ["411", "Clients", "C-ACME", "ACME SARL"]
    assert customer_line[11:13] == ["0,00", "900,00"]
    assert lines[4] == ""  # the file ends with a line end
    assert fec_filename("123456789", date(2026, 12, 31)) == "123456789FEC20261231.txt"


def test_the_project_fec_reader_reads_the_written_file_back(tmp_path: Path) -> None:
    decision = decide_write_off(
        INVOICE, Money.of("900.00", "EUR"), date(2026, 6, 30), WriteOffReason.INSOLVENCY
    )
    entry = write_off_entry(decision, INVOICE, CUSTOMER, number="OD-2026-0042")
    path = tmp_path / fec_filename("123456789", date(2026, 12, 31))
    write_fec(path, [entry])
    read = list(iter_lines(path))
    assert [(line.account, line.debit, line.credit) for line in read] == [
        ("654", Money.of("750", "EUR").amount, Money.zero("EUR").amount),
        ("44571", Money.of("150", "EUR").amount, Money.zero("EUR").amount),
        ("411", Money.zero("EUR").amount, Money.of("900", "EUR").amount),
    ]
    assert read[0].label == "Créance irrécouvrable F-2024-017 ACME SARL"  # ISO-8859-15 é


def test_a_foreign_currency_entry_is_refused() -> None:
    gbp = Invoice(
        "U-1",
        "C-ACME",
        date(2024, 1, 1),
        date(2024, 1, 31),
        Money.of(100, "GBP"),
        Money.of(0, "GBP"),
    )
    decision = decide_write_off(gbp, Money.of(100, "GBP"), date(2026, 1, 1), WriteOffReason.OTHER)
    with pytest.raises(ValueError, match="euros"):
        fec_text([write_off_entry(decision, gbp, CUSTOMER, "OD-2")])


def test_the_agency_status_is_the_latest_handoff_on_the_date() -> None:
    handoffs = (
        AgencyHandoff("F-2024-017", "Recouvr'Est", date(2025, 1, 10), HandoffStatus.WITH_AGENCY),
        AgencyHandoff(
            "F-2024-017", "Recouvr'Est", date(2025, 9, 1), HandoffStatus.RETURNED_BY_AGENCY
        ),
    )
    assert handoff_status("F-2024-017", handoffs, date(2024, 12, 31)) is HandoffStatus.IN_HOUSE
    assert handoff_status("F-2024-017", handoffs, date(2025, 5, 1)) is HandoffStatus.WITH_AGENCY
    assert (
        handoff_status("F-2024-017", handoffs, date(2026, 1, 1)) is HandoffStatus.RETURNED_BY_AGENCY
    )
