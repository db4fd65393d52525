"""The documented CSV bank statement layout, in French and in English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance.adapters.formats import bank_csv
from relance.adapters.formats.errors import FormatError
from relance.core.money import Money

FRENCH = """\ufeffDate opération;Date valeur;Libellé;Débit;Crédit;Tiers;IBAN tiers
02/03/2026;03/03/2026;VIR SEPA FACTURE F-2026-0007;;1 234,56;ACME SARL;FR76 3000 6000 0112 3456 7890 189
05/03/2026;05/03/2026;PRLV URSSAF;450,00;;URSSAF;
05/03/2026;05/03/2026;PRLV URSSAF;450,00;;URSSAF;
"""

ENGLISH = """Booking date,Amount,Currency,Description,Payer,Transaction ID,Structured reference
2026-03-02,"1,234.56",GBP,Invoice 42,Acme Ltd,TX-1,RF18 5390 0754 7034
2026-03-03,-12.50,GBP,Fee,,TX-2,
"""


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "releve.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_french_export_with_debit_and_credit_columns(tmp_path: Path) -> None:
    path = write(tmp_path, FRENCH)
    assert bank_csv.identify(path, path.read_bytes())
    credit, fee, same_fee = bank_csv.extract(path)
    assert credit.amount == Money.of("1234.56", "EUR")
    assert (credit.booking_date, credit.value_date) == (date(2026, 3, 2), date(2026, 3, 3))
    assert credit.payer_name == "ACME SARL"
    assert credit.payer_iban == "FR7630006000011234567890189"
    assert credit.remittance == "VIR SEPA FACTURE F-2026-0007"
    assert fee.amount == Money.of("-450", "EUR")
    # Two identical rows are two transactions with two stable keys.
    assert fee.key != same_fee.key
    assert [t.key for t in bank_csv.extract(path)] == [credit.key, fee.key, same_fee.key]


def test_english_export_with_signed_amounts_ids_and_rf_reference(tmp_path: Path) -> None:
    first, second = bank_csv.extract(write(tmp_path, ENGLISH), account="GB-MAIN")
    assert first.amount == Money.of("1234.56", "GBP")
    assert first.key == "GB-MAIN:TX-1"
    assert first.structured_reference == "RF18539007547034"
    assert second.amount == Money.of("-12.50", "GBP")


def test_windows_1252_file_is_read(tmp_path: Path) -> None:
    (credit,) = bank_csv.extract(
        write(tmp_path, "Date;Montant;Libellé\n01/02/2026;10,00;Réglement\n", "cp1252")
    )
    assert credit.remittance == "Réglement"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,56", "1234.56"),
        ("-12,50", "-12.50"),
        ("+7", "7"),
        ("1,234.00", "1234.00"),
        ("1.234.567", "1234567"),  # a mark repeated groups thousands
    ],
)
def test_amounts_in_both_notations(text: str, value: str) -> None:
    assert bank_csv.parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1,234", "12.500", "-1.000"])
def test_a_lone_mark_before_three_digits_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        bank_csv.parse_amount(text)


def test_month_first_dates_on_request() -> None:
    assert bank_csv.parse_date("03/31/2026", day_first=False) == date(2026, 3, 31)
    assert bank_csv.parse_date("31.03.2026") == date(2026, 3, 31)
    assert bank_csv.parse_date("20260331") == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("row", "field"),
    [("31/02/2026;10,00;x", "Date"), ("01/02/2026;dix;x", "amount"), ("01/02/2026", "")],
)
def test_bad_row_names_the_line_and_column(tmp_path: Path, row: str, field: str) -> None:
    path = write(tmp_path, f"Date;Montant;Libellé\n01/02/2026;1,00;ok\n{row}\n")
    with pytest.raises(FormatError) as caught:
        bank_csv.extract(path)
    assert caught.value.location == "3"
    assert caught.value.field == field


def test_a_csv_without_amount_is_not_a_statement(tmp_path: Path) -> None:
    path = write(tmp_path, "Date;Client\n01/02/2026;Acme\n")
    assert not bank_csv.identify(path, path.read_bytes())
    with pytest.raises(FormatError, match="no amount column"):
        bank_csv.extract(path)
