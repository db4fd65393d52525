"""Bank statement lines as an import stores them: each with where it stands in lettrage.

A credit waits in the queue (unmatched) unless a rule matched it with confidence (automatic,
with its customer, rule and what stayed unapplied); any other line is kept as ignored, with
why. All the lines of a file go in one executemany (`repository_bank.insert_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from relance.adapters.storage.repository_bank import add_transactions, transaction_values
from relance.core.bank import BankTransaction, MatchState
from relance.core.matching import Match


@dataclass(frozen=True, slots=True)
class StatementFile:
    """The file the lines were read from, and when it was imported."""

    name: str
    format: str
    sha256: str
    imported_at: datetime


def _line_values(
    tx: BankTransaction, source: StatementFile, waiting: bool, note: str, match: Match | None
) -> dict[str, Any]:
    row = transaction_values(
        replace(tx, source_file=tx.source_file or source.name),
        source_format=source.format,
        sha256=source.sha256,
        imported_at=source.imported_at,
        state=MatchState.UNMATCHED if waiting else MatchState.IGNORED,
        note=note,
    )
    if match is not None:
        row.update(
            state=MatchState.AUTOMATIC.value,
            customer_ref=match.customer_ref,
            rule=match.rule.value,
            confidence=match.confidence,
            unapplied_minor=match.unapplied.to_minor(),
            matched_at=source.imported_at,
        )
    return row


def add_statement_lines(
    conn: Connection,
    source: StatementFile,
    lines: Sequence[BankTransaction],
    ignored: Mapping[str, str],
    matches: Mapping[str, Match],
) -> None:
    """Store new statement lines: those in `ignored` (key: why) as ignored, the others as
    credits, matched when `matches` has them and waiting in the queue otherwise."""
    rows = [
        _line_values(
            tx, source, tx.key not in ignored, ignored.get(tx.key, ""), matches.get(tx.key)
        )
        for tx in lines
    ]
    add_transactions(conn, rows)
