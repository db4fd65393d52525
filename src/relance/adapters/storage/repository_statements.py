"""Bank statement lines as an import stores them: each with where it stands in lettrage.

A credit waits in the queue (unmatched) unless a rule matched it with confidence (automatic,
with its customer, rule and what stayed unapplied); any other line is kept as ignored, with
why. All the lines of a file go in one executemany (`repository_bank.insert_values`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.repository_bank import insert_values
from relance.core.bank import BankTransaction, MatchState
from relance.core.matching import Match


@dataclass(frozen=True, slots=True)
class StatementFile:
    """The file the lines were read from, and when it was imported."""

    name: str
    format: str
    sha256: str
    imported_at: datetime
    import_id: int | None = None  # the import writing the lines (`relance imports undo`)


# The columns of a stored line, in the order `_line_row` gives them.
_COLUMNS = (
    "key", "account", "booking_date", "value_date", "currency", "amount_minor", "payer_name",
    "payer_iban", "remittance", "structured_reference", "end_to_end_id", "bank_reference",
    "reversal", "source_file", "source_format", "file_sha256", "imported_at", "state", "note",
    "customer_ref", "rule", "confidence", "unapplied_minor", "matched_at", "import_id",
)  # fmt: skip
_WAITING, _IGNORED = MatchState.UNMATCHED.value, MatchState.IGNORED.value
_NOT_MATCHED = (None, None, None, None, None)


def _line_row(
    tx: BankTransaction, source: StatementFile, waiting: bool, note: str, match: Match | None
) -> tuple[Any, ...]:
    """One line's values (`_COLUMNS`): waiting in the queue, ignored, or matched."""
    amount = tx.amount
    line = (
        tx.key, tx.account, tx.booking_date, tx.value_date, amount.currency, amount.to_minor(),
        tx.payer_name, tx.payer_iban, tx.remittance, tx.structured_reference, tx.end_to_end_id,
        tx.bank_reference, tx.reversal, tx.source_file or source.name, source.format,
        source.sha256, source.imported_at,
    )  # fmt: skip
    if match is None:
        return (*line, _WAITING if waiting else _IGNORED, note, *_NOT_MATCHED, source.import_id)
    return (
        *line, MatchState.AUTOMATIC.value, note, match.customer_ref, match.rule.value,
        match.confidence, match.unapplied.to_minor(), source.imported_at, source.import_id,
    )  # fmt: skip


def add_statement_lines(
    conn: Connection,
    source: StatementFile,
    lines: Sequence[BankTransaction],
    ignored: Mapping[str, str],
    matches: Mapping[str, Match],
) -> None:
    """Store new statement lines: those in `ignored` (key: why) as ignored, the others as
    credits, matched when `matches` has them and waiting in the queue otherwise (the
    caller checked their keys are new)."""
    rows = [
        _line_row(tx, source, tx.key not in ignored, ignored.get(tx.key, ""), matches.get(tx.key))
        for tx in lines
    ]
    insert_values(conn, tb.bank_transactions, _COLUMNS, rows)
