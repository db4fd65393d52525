"""The short path of invoice rows reads exactly what the full reader reads, and refuses
nothing the full reader would not refuse with the same error."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.adapters.formats.conftest import read_or_refusal
from tests.conftest import write

from relance.adapters.formats.ledger_csv import (
    CsvKind,
    InvoiceRow,
    _Fields,
    _invoice,
    open_layout,
    read_rows,
)
from relance.adapters.formats.ledger_invoices import InvoiceReader, InvoiceValues
from relance.core.model import Invoice

AMOUNTS = ["1234,56", "1 234,56", "1234.5", "0012,50", "1,234", "0,123", "12,345", "-10",
           "0", "0,00", "1,234.00", "dix", "", "99999999999999", "1234567,891"]  # fmt: skip
TAXES = ["", "0", "205,76", "2000", "-1", "1,5"]
DATES = [("19/02/2026", "21/03/2026"), ("2026-02-19", "2026-01-01"), ("30/02/2026", "01/03/2026"),
         ("20260219", "20260301"), ("", "01/03/2026")]  # fmt: skip
CURRENCIES = ["", "EUR", "usd", "JPY", "EURO"]  # JPY has no decimals


def test_short_and_full_readers_agree_on_every_cell(tmp_path: Path):
    path = write(tmp_path / "f.csv", "numero;client;date;echeance;devise;montant;tva;livraison\n")
    layout = open_layout(path, CsvKind.INVOICES)

    def full(line: int, cells: list[str]) -> Invoice:
        return _invoice(_Fields(layout, line, cells), "EUR")

    reader = InvoiceReader(layout.columns, "EUR", full)
    outcomes = set()
    for n, (currency, amount, tax, (issued, due)) in enumerate(
        itertools.product(CURRENCIES, AMOUNTS, TAXES, DATES)
    ):
        cells = [f"F{n}", "C1", issued, due, currency, amount, tax, issued if n % 2 else ""]
        short = read_or_refusal(lambda: reader(2, cells).invoice)  # noqa: B023
        reference = read_or_refusal(lambda: InvoiceValues.of(full(2, cells)))  # noqa: B023
        assert short == reference, cells
        outcomes.add(short[0])
    assert outcomes == {"read", "refused"}


def test_rows_keep_their_line_across_cells_with_line_breaks(tmp_path: Path):
    path = write(
        tmp_path / "f.csv",
        "number,customer,issue_date,due_date,amount,subject\n"
        'F1,C1,2026-01-01,2026-02-01,10,"two\nlines"\n\n'
        "F2,C1,2026-01-01,2026-02-01,10,one\n",
    )
    rows = list(read_rows(open_layout(path, CsvKind.INVOICES), "EUR"))
    assert [(r.line, r.invoice.number) for r in rows if isinstance(r, InvoiceRow)] == [
        (2, "F1"),
        (5, "F2"),
    ]
