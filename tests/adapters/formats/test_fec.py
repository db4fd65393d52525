"""The FEC reader on the two real FEC flavours and on small hand-made edge cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from relance.adapters.formats import fec
from relance.adapters.formats.errors import FormatError
from relance.core.model import AllocationKind
from relance.core.money import Money

HEADER = "|".join(fec.FIELDS)


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", sep: str = "|") -> Path:
    path = tmp_path / "123456789FEC20261231.txt"
    body = "\r\n".join([HEADER.replace("|", sep), *lines]) + "\r\n"
    path.write_bytes(body.encode(encoding))
    return path


def test_pipe_padded_iso_8859_15_file_gives_customers_invoices_and_lettering(
    sample: Callable[[str], Path],
) -> None:
    ledger = fec.extract(sample("fec/111111111FEC20221231.TXT"))
    assert ledger.lines_read == 934
    leclerc = next(c for c in ledger.customers if c.ref == "41101590")
    assert leclerc.name == "E.LECLERC CARPENTR"
    # VE 0123 of 9 January 2023: 74,70 debited to E.LECLERC, tax 3,83 + 0,06 = 3,89 collected.
    invoice = ledger.invoices[0]
    assert invoice.number == "VE 0123"
    assert invoice.amount == Money.of("74.70", "EUR")
    assert invoice.tax == Money.of("3.89", "EUR")
    assert invoice.issue_date == date(2023, 1, 9)
    assert invoice.due_date == date(2023, 2, 8)  # 30 days by default: no due date in a FEC
    # Lettered AA on 9 February 2023 with the CIC transfer of the same 74,70.
    paid = [a for a in ledger.allocations if a.invoice_number == "VE 0123"]
    assert len(paid) == 1
    assert paid[0].kind is AllocationKind.PAYMENT
    assert paid[0].amount == Money.of("74.70", "EUR")
    assert paid[0].date == date(2023, 2, 9)
    assert paid[0].source.startswith("FEC:CIC:00000167:20230209")


def test_invoice_numbers_and_payment_keys_are_unique_and_stable(
    sample: Callable[[str], Path],
) -> None:
    path = sample("fec/111111111FEC20221231.TXT")
    first, second = fec.extract(path), fec.extract(path)
    numbers = [i.number for i in first.invoices] + [n.number for n in first.credit_notes]
    assert len(numbers) == len(set(numbers))
    assert [p.key for p in first.payments] == [p.key for p in second.payments]
    assert len({p.key for p in first.payments}) == len(first.payments)


def test_lettering_never_allocates_more_than_the_invoice(sample: Callable[[str], Path]) -> None:
    ledger = fec.extract(sample("fec/111111111FEC20221231.TXT"))
    amounts = {i.number: i.amount for i in ledger.invoices}
    applied: dict[str, Money] = {}
    for allocation in ledger.allocations:
        so_far = applied.get(allocation.invoice_number, Money.zero("EUR"))
        applied[allocation.invoice_number] = so_far + allocation.amount
    assert applied
    assert all(applied[n] <= amounts[n] for n in applied)


def test_as_of_date_leaves_later_lettering_open(sample: Callable[[str], Path]) -> None:
    path = sample("fec/111111111FEC20221231.TXT")
    ledger = fec.extract(path, as_of=date(2023, 2, 8))
    assert all(a.date <= date(2023, 2, 8) for a in ledger.allocations)
    assert not [a for a in ledger.allocations if a.invoice_number == "VE 0123"]
    assert all(i.issue_date <= date(2023, 2, 8) for i in ledger.invoices)


def test_tab_utf8_22_column_file_uses_date_rglt_as_due_date(sample: Callable[[str], Path]) -> None:
    ledger = fec.extract(sample("fec/000000000FEC20231231.txt"))
    assert ledger.lines_read == 2102
    assert {c.ref for c in ledger.customers} >= {"CCB", "CESP"}
    first = ledger.invoices[0]
    assert first.customer_ref == "CCB"
    assert first.amount == Money.of("26608.35", "EUR")
    assert first.due_date == date(2023, 1, 31)
    assert ledger.payments[0].amount == Money.of("630.47", "EUR")


def test_montant_sens_variant_bom_and_credit_note(tmp_path: Path) -> None:
    header = HEADER.replace("|Debit|Credit|", "|Montant|Sens|")
    lines = [
        "VE|Ventes|1|20260105|411ACME|Acme|||F1|20260105|Facture F1|120,00|D||||||",
        "VE|Ventes|1|20260105|706000|Prestations|||F1|20260105|Facture F1|100,00|C||||||",
        "VE|Ventes|1|20260105|445710|TVA|||F1|20260105|Facture F1|20,00|C||||||",
        "VE|Ventes|2|20260110|411ACME|Acme|||A1|20260110|Avoir A1|12,00|C||||||",
        "VE|Ventes|2|20260110|706000|Prestations|||A1|20260110|Avoir A1|12,00|D||||||",
    ]
    path = tmp_path / "fec.txt"
    path.write_bytes(("\ufeff" + "\n".join([header, *lines]) + "\n").encode("utf-8"))
    ledger = fec.extract(path)
    assert [c.ref for c in ledger.customers] == ["411ACME"]
    assert ledger.invoices[0].amount == Money.of("120", "EUR")
    assert ledger.invoices[0].tax == Money.of("20", "EUR")
    assert ledger.credit_notes[0].number == "A1"
    assert ledger.credit_notes[0].amount == Money.of("12", "EUR")
    assert not ledger.payments


def test_partial_lettering_settles_oldest_invoice_first(tmp_path: Path) -> None:
    lines = [
        "VE|V|1|20260105|411000|Clients|C1|Alpha|F1|20260105|F1|100,00|0,00|A|20260301|||",
        "VE|V|2|20260106|411000|Clients|C1|Alpha|F2|20260106|F2|50,00|0,00|A|20260301|||",
        "BQ|B|3|20260301|411000|Clients|C1|Alpha|VIR|20260301|VIR|0,00|130,00|A|20260301|||",
    ]
    ledger = fec.extract(write(tmp_path, lines))
    # 130 = 100 on F1 (oldest) + 30 on F2; F2 keeps 20 open.
    got = [(a.invoice_number, a.amount) for a in ledger.allocations]
    assert got == [("F1", Money.of("100", "EUR")), ("F2", Money.of("30", "EUR"))]


def test_iso_8859_15_accents_are_read(tmp_path: Path) -> None:
    lines = ["VE|V|1|20260105|411000|Clients|C1|Société Générale €|F1|20260105|F1|1,00|0,00|||||"]
    ledger = fec.extract(write(tmp_path, lines, encoding="iso-8859-15"))
    assert ledger.customers[0].name == "Société Générale €"


@pytest.mark.parametrize(
    ("line", "where", "field"),
    [
        ("VE|V|1|2026-01-05|411000|C|C1|A|F1|20260105|F1|1,00|0,00|||||", "2", "EcritureDate"),
        ("VE|V|1|20260105|411000|C|C1|A|F1|20260105|F1|1,0x|0,00|||||", "2", "Debit"),
        ("VE|V|1|20260105|411000|C|C1|A|F1|20260105|F1|1,00", "2", ""),
    ],
)
def test_malformed_line_names_file_line_and_field(
    tmp_path: Path, line: str, where: str, field: str
) -> None:
    path = write(tmp_path, [line])
    with pytest.raises(FormatError) as caught:
        fec.extract(path)
    assert caught.value.location == where
    assert caught.value.field == field
    assert path.name in str(caught.value)


def test_a_file_that_is_not_a_fec_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("date;amount\n2026-01-01;3\n")
    with pytest.raises(FormatError, match="not a FEC header"):
        fec.extract(path)
    assert not fec.identify(path, path.read_bytes())
    assert fec.identify(path, HEADER.encode())


def test_progress_reports_bytes_read(tmp_path: Path) -> None:
    lines = ["VE|V|1|20260105|411000|Clients|C1|Alpha|F1|20260105|F1|1,00|0,00|||||"]
    path = write(tmp_path, lines)
    seen: list[int] = []
    fec.extract(path, on_progress=seen.append)
    assert seen[-1] == path.stat().st_size
