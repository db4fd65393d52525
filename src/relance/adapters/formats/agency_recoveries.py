"""The CSV an agency sends of what it recovered (docs/csv.md, "Agency recoveries").

Columns, by name in any order (English or French): `date` (date), `invoice` (facture),
`amount` (montant), `reference` (référence: the agency's own, unique per recovery), and
optionally `currency` (devise, default EUR). The separator and the encoding are found as
for the ledger's CSV files. Either every line is read, or `FormatError` names the file,
the line and the field.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import parse_money
from relance.adapters.formats.localized import detect_encoding, parse_date, sniff_delimiter
from relance.core.iso_codes import check_currency
from relance.core.money import Money

NAMES = {
    "date": "date", "invoice": "invoice", "facture": "invoice", "invoice_number": "invoice",
    "amount": "amount", "montant": "amount", "reference": "reference", "ref": "reference",
    "currency": "currency", "devise": "currency",
}  # fmt: skip
REQUIRED = ("date", "invoice", "amount", "reference")


@dataclass(frozen=True, slots=True)
class RecoveryLine:
    """One line of the file: where it was, and what it says."""

    line: int
    date: date
    invoice_number: str
    amount: Money
    reference: str


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.strip().lower().replace(" ", "_")


def read_recoveries(path: Path) -> list[RecoveryLine]:
    """Every line of the agency's file at `path`."""
    encoding = detect_encoding(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise FormatError(path, "", "", f"encoding: {exc.reason}") from exc
    lines = text.splitlines()
    if not lines:
        raise FormatError(path, "1", "", "the file is empty")
    rows = csv.reader(lines, delimiter=sniff_delimiter(lines[0]))
    header = [NAMES.get(_fold(name), "") for name in next(rows)]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FormatError(path, "1", missing[0], "no such column in the header")
    found = []
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        found.append(_line(path, number, values))
    if not found:
        raise FormatError(path, "2", "", "no recovery in the file")
    return found


def _line(path: Path, number: int, values: dict[str, str]) -> RecoveryLine:
    where = str(number)
    for name in REQUIRED:
        if not values.get(name):
            raise FormatError(path, where, name, "is empty")
    try:
        currency = check_currency(values.get("currency") or "EUR")
    except ValueError as exc:
        raise FormatError(path, where, "currency", str(exc)) from exc
    try:
        day = parse_date(values["date"])
    except ValueError as exc:
        raise FormatError(path, where, "date", str(exc)) from exc
    try:
        amount = parse_money(values["amount"], currency)
    except (ValueError, ArithmeticError) as exc:
        raise FormatError(path, where, "amount", f"{values['amount']!r} is not an amount") from exc
    if not amount.is_positive:
        raise FormatError(path, where, "amount", "must be more than zero")
    return RecoveryLine(number, day, values["invoice"], amount, values["reference"])
