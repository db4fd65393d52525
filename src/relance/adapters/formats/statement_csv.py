"""The statement of account as CSV (`relance statement --out FILE.csv`; docs/statement.md).

One row per movement, after an `opening` row (the balance brought forward) and before a
`closing` row (the balance at the statement's date), with the currency on every row so
that a customer's statements in several currencies go in one file. Amounts are plain
decimals (`1234.50`), dates ISO 8601. Text that a spreadsheet would read as a formula
(a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
quote, as every CSV relance writes (docs/cli.md, "CSV and spreadsheets").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from relance.core.money import Money
from relance.core.statement import Statement

COLUMNS = ("customer", "currency", "date", "kind", "reference", "description", "due_date",
           "debit", "credit", "balance", "open_amount", "days_late", "settles")  # fmt: skip
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_TRIGGERS) else value


def _money(value: Money | None) -> str:
    return "" if value is None or not value else str(value.amount)


def statement_rows(statement: Statement) -> list[list[str]]:
    """The rows of one statement (without the header)."""
    s = statement
    ref, cur = _text(s.customer_ref), s.currency
    opening_day = s.opening_day.isoformat() if s.opening_day else ""
    rows = [[ref, cur, opening_day, "opening", "", "", "", "", "", str(s.opening_balance.amount),
             "", "", ""]]  # fmt: skip
    for line in s.lines:
        settles = " ".join(f"{x.invoice_number}:{x.amount.amount}" for x in line.settles)
        rows.append([
            ref, cur, line.day.isoformat(), line.kind.value, _text(line.reference),
            _text(line.description), line.due_date.isoformat() if line.due_date else "",
            _money(line.debit), _money(line.credit), str(line.balance.amount),
            _money(line.open_amount) if line.open_amount is not None else "",
            "" if line.days_late is None else str(line.days_late), _text(settles),
        ])  # fmt: skip
    rows.append([ref, cur, s.as_of.isoformat(), "closing", "", "", "", _money(s.total_debit),
                 _money(s.total_credit), str(s.closing_balance.amount), "", "", ""])  # fmt: skip
    return rows


def statement_csv(statements: Statement | Iterable[Statement]) -> str:
    """One statement, or several (a customer's currencies), as CSV text with a header."""
    chosen = (statements,) if isinstance(statements, Statement) else tuple(statements)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for statement in chosen:
        writer.writerows(statement_rows(statement))
    return out.getvalue()
