"""Output for programs: JSON and CSV written straight to stdout, never through Rich.

Rich is for people: it highlights and wraps every token, which costs seconds on a listing
of tens of thousands of rows and adds nothing for a program. JSON goes through `json.dump`,
CSV through `csv.writer`, both to `sys.stdout` as it is when the command runs.

CSV cells are made safe to open in a spreadsheet (see docs/cli.md, "CSV and spreadsheets"):
a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel or LibreOffice, and the text in a ledger comes from outside (customer files, payer
names in bank statements). Such a cell is written with a leading single quote, as the OWASP
advice on CSV injection says; the stored data is unchanged. Numbers (Decimal, Money, int)
are written as numbers, so a negative amount or a negative count of days stays `-12.50`:
the decision is by the value's type, never by how its text looks.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TextIO

from relance.core.money import Money

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A value as JSON/CSV wants it: decimals and dates as strings, money as its amount."""
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def neutralised(text: str) -> str:
    """`text`, with a leading quote when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers as written, text neutralised, lists joined by spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Money | Decimal | int | float):
        return str(plain(value))
    if isinstance(value, list | tuple):
        return neutralised(" ".join(str(plain(v)) for v in value))
    return neutralised(str(plain(value)))


def write_csv(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO | None = None
) -> None:
    """Write a header and rows as CSV, every cell through `csv_cell`."""
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow([neutralised(c) for c in columns])
    writer.writerows([csv_cell(v) for v in row] for row in rows)


def write_json(data: Any, out: TextIO | None = None) -> None:
    """Write `data` (made plain) as indented JSON followed by a newline."""
    stream = out or sys.stdout
    json.dump(plain(data), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def records(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as a list of objects keyed by column, for JSON."""
    return [dict(zip(columns, row, strict=True)) for row in rows]
