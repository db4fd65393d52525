"""Reading ledger CSV files as people export them, and refusing what is wrong."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import (
    CsvKind,
    InvoiceRow,
    PaymentRow,
    open_layout,
    parse_date,
    parse_decimal,
    parse_money,
    read_rows,
)
from relance.core.money import Money


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),  # narrow no-break space, as spreadsheets write it
        ("1\u00a0234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1,234,567", "1234567"),
        ("1.234.567,5", "1234567.5"),
        ("1'234.50", "1234.50"),  # Swiss grouping
        ("1234.5", "1234.5"),
        ("100", "100"),
        ("-12,30", "-12.30"),
    ],
)
def test_numbers_in_french_and_english(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3", "12.34.56", "1e5", "--1", "1,23,456", "1.234,567.8"]
)
def test_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_an_amount_with_more_decimals_than_its_currency_is_refused_not_rounded():
    assert parse_money("12,34", "EUR") == Money.of("12.34", "EUR")
    with pytest.raises(ValueError, match="more decimals"):
        parse_money("12,3456", "EUR")
    # a lone mark before three digits is ambiguous (12345 or 12.345): refused, never guessed
    with pytest.raises(ValueError, match="ambiguous"):
        parse_money("12,345", "EUR")
    with pytest.raises(ValueError, match="ambiguous"):
        parse_money("12.500", "EUR")
    with pytest.raises(ValueError, match="more decimals"):
        parse_money("100.5", "JPY")


@pytest.mark.parametrize(
    ("text", "value"),
    [("19/02/2018", date(2018, 2, 19)), ("2018-02-19", date(2018, 2, 19)),
     ("1.3.2018", date(2018, 3, 1))],
)  # fmt: skip
def test_dates(text, value):
    assert parse_date(text) == value


@pytest.mark.parametrize("text", ["31/02/2018", "02/19/2018", "2018/02/19", "19 février 2018"])
def test_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_french_file_in_windows_1252_with_semicolons(tmp_path: Path):
    path = write(
        tmp_path / "factures.csv",
        "Numéro;Client;Date;Échéance;Devise;Montant;TVA;Objet\n"
        "F-001;C1;19/02/2018;21/03/2018;EUR;1 234,56;205,76;Étude préalable\n",
        encoding="cp1252",
    )
    layout = open_layout(path, CsvKind.INVOICES)
    assert (layout.encoding, layout.delimiter) == ("cp1252", ";")
    (row,) = read_rows(layout, "EUR")
    assert isinstance(row, InvoiceRow)
    assert row.invoice.subject == "Étude préalable"
    assert row.invoice.amount == Money.of("1234.56", "EUR")
    assert row.invoice.due_date == date(2018, 3, 21)


def test_english_file_in_utf8_with_bom_and_unknown_columns(tmp_path: Path):
    path = write(
        tmp_path / "invoices.csv",
        "\ufeffnumber,customer,issue_date,due_date,currency,amount,tax,subject,salesperson\n"
        '12345,SMITH,2017-12-02,2018-01-01,USD,"1,100.00",0,Consulting,Bob\n',
    )
    with pytest.raises(FormatError, match=r"unknown column.*'salesperson'.*--ignore-unknown"):
        open_layout(path, CsvKind.INVOICES)
    layout = open_layout(path, CsvKind.INVOICES, ignore_unknown=True)
    assert layout.unknown == ("salesperson",)
    (row,) = read_rows(layout, "EUR")
    assert isinstance(row, InvoiceRow)
    assert row.invoice.amount == Money.of("1100", "USD")


def test_identical_payments_on_the_same_day_stay_two_payments(tmp_path: Path):
    path = write(tmp_path / "p.csv", "date,customer,amount\n2026-01-05,C1,50\n2026-01-05,C1,50\n")
    rows = list(read_rows(open_layout(path, CsvKind.PAYMENTS), "EUR"))
    keys = [r.payment.key for r in rows if isinstance(r, PaymentRow)]
    assert len(set(keys)) == 2
    again = [r.payment.key for r in read_rows(open_layout(path, CsvKind.PAYMENTS), "EUR")
             if isinstance(r, PaymentRow)]  # fmt: skip
    assert again == keys  # stable across imports: re-importing adds nothing


@pytest.mark.parametrize(
    ("content", "line", "field", "reason"),
    [
        ("number,customer,issue_date,due_date,amount\nF1,C1,2018-02-30,2018-03-01,10\n",
         "2", "issue_date", "not a date"),
        ("number,customer,issue_date,due_date,amount\nF1,C1,2018-02-01,2018-03-01,10\n"
         "F2,C1,2018-02-01,2018-03-01,dix\n", "3", "amount", "not a number"),
        ("number,customer,issue_date,due_date,amount\nF1,C1,2018-02-01,2018-01-01,10\n",
         "2", "due_date", "before the issue date"),
        ("number,customer,issue_date,amount\nF1,C1,2018-02-01,10\n",
         "1", "due_date", "missing column"),
        ("number,customer,issue_date,due_date,amount,currency\nF1,C1,2018-02-01,2018-03-01,10,EURO\n",
         "2", "currency", "ISO 4217"),
        ("number,customer,issue_date,due_date,amount\nF1,,2018-02-01,2018-03-01,10\n",
         "2", "customer", "empty"),
        ("number,customer,issue_date,due_date,amount\nF1,C1,2018-02-01,2018-03-01,-10\n",
         "2", "amount", "positive"),
    ],
)  # fmt: skip
def test_a_bad_row_names_file_line_column_and_reason(tmp_path, content, line, field, reason):
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(FormatError) as caught:
        list(read_rows(open_layout(path, CsvKind.INVOICES), "EUR"))
    error = caught.value
    assert (error.file, error.location, error.field) == (str(path), line, field)
    assert reason in error.reason
    assert str(error).startswith(f"{path}:{line}: {field}: ")


def test_a_utf16_file_is_refused_with_a_hint(tmp_path: Path):
    path = write(tmp_path / "u16.csv", "ref,name\nC1,Dupont\n", encoding="utf-16")
    with pytest.raises(FormatError, match="UTF-16"):
        open_layout(path, CsvKind.CUSTOMERS)


def test_utf8_that_breaks_after_the_first_block_is_reported_with_its_line(tmp_path: Path):
    rows = "".join(f"C{i},Client {i}\n" for i in range(5000))
    path = tmp_path / "mixed.csv"
    path.write_bytes(("ref,name\n" + rows).encode() + "C9,Lefèvre\n".encode("cp1252"))
    layout = open_layout(path, CsvKind.CUSTOMERS)
    assert layout.encoding == "utf-8-sig"
    with pytest.raises(FormatError, match="not valid utf-8"):
        list(read_rows(layout, "EUR"))


def test_customer_kinds_and_languages_in_french(tmp_path: Path):
    path = write(
        tmp_path / "clients.csv",
        "reference;nom;type;pays;langue;email;plafond\n"
        "C1;Dupont SA;entreprise;fr;français;compta@dupont.fr;5 000,00\n"
        "C2;Jane Smith;particulier;GB;anglais;;\n",
    )
    rows = list(read_rows(open_layout(path, CsvKind.CUSTOMERS), "EUR"))
    c1, c2 = (r.values.customer() for r in rows)  # type: ignore[union-attr]
    assert (c1.kind.value, c1.language, c1.country) == ("business", "fr", "FR")
    assert c1.credit_limit == Money.of("5000", "EUR")
    assert (c2.kind.value, c2.language, c2.credit_limit) == ("consumer", "en", None)


def test_an_unknown_kind_is_an_error(tmp_path: Path):
    path = write(tmp_path / "c.csv", "ref,name,kind\nC1,Dupont,robot\n")
    with pytest.raises(FormatError, match="kind"):
        list(read_rows(open_layout(path, CsvKind.CUSTOMERS), "EUR"))
