"""Use case: import bank statements (camt.05x, OFX, MT940, CSV; detected from the content).

Bank credits become payments, payer unknown, and are matched at once
(`relance.core.matching`): automatic matches write their allocations; the rest wait in
the unmatched queue with ranked suggestions (`relance.services.matching`). The same bank
transaction in two overlapping statements is added once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from relance.adapters.formats import detect
from relance.adapters.formats.detect import Format, Kind
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_runs import reading_once
from relance.adapters.storage.repository_statements import StatementFile, add_statement_lines
from relance.core.bank import BankTransaction
from relance.core.bulk import no_cyclic_gc
from relance.core.matching import Match, MatchingResult
from relance.core.model import Payment
from relance.services import matching
from relance.services.import_run import (
    FileReport,
    Progress,
    Settings,
    progress_of,
    run_files,
    timed,
)


def import_bank_statements(
    store: Store,
    paths: Iterable[Path],
    *,
    as_of: date,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "import",
    auto_threshold: int = 75,
) -> list[FileReport]:
    """Import bank statements (camt.05x, OFX, MT940, CSV; detected from the content).

    Lines already stored (same key, from this or another file) are skipped. Credits become
    payments and are matched against the invoices open as of `as_of`: those matched with
    confidence get their allocations (an overpayment stays unapplied credit on the
    customer), the others wait in the queue with suggestions. Debits and reversals are
    kept as ignored lines.
    """

    def one(conn: Connection, path: Path, reader: detect.Reader, report: FileReport) -> None:
        with timed(report, "read"):
            if reader.format is Format.CAMT:
                found = reader.extract(path, on_progress=progress_of(progress, path))
            else:
                found = reader.extract(path)
        report.read = len(found)
        # the rows carry their import's id as they are written: no UPDATE of them afterwards
        source = StatementFile(
            path.name, reader.format.value, report.sha256, datetime.now(UTC), report.import_id
        )
        with no_cyclic_gc():
            _write_bank(conn, source, found, report, as_of, actor, auto_threshold)
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)

    # a statement is the same import whatever day it is matched as of
    settings = Settings(actor, {"as_of": as_of.isoformat()})
    return run_files(store, paths, Kind.BANK, dry_run, one, settings)


@dataclass(frozen=True, slots=True)
class _NewLines:
    """The lines of a statement not yet stored, and which of them are credits to match."""

    fresh: list[BankTransaction]
    credits: list[BankTransaction]
    ignored: dict[str, str]  # key: why the line is no customer payment


def _new_lines(conn: Connection, found: Sequence[BankTransaction], report: FileReport) -> _NewLines:
    known = rb.known_keys(conn, (tx.key for tx in found))
    fresh = [tx for tx in found if tx.key not in known]
    report.unchanged += len(found) - len(fresh)
    # A credit whose key is already a payment of the ledger (imported from a CSV of
    # payments) was recorded there: stored, not paid twice.
    known_payments = ledger_repo.payment_keys(conn, [tx.key for tx in fresh if tx.is_credit])
    credits = [
        tx for tx in fresh if tx.is_credit and not tx.reversal and tx.key not in known_payments
    ]
    waiting = {tx.key for tx in credits}
    ignored = {
        tx.key: "reversal"
        if tx.reversal
        else "already a payment of the ledger"
        if tx.key in known_payments
        else "not a credit"
        for tx in fresh
        if tx.key not in waiting
    }
    return _NewLines(fresh, credits, ignored)


def _write_bank(
    conn: Connection,
    source: StatementFile,
    found: Sequence[BankTransaction],
    report: FileReport,
    as_of: date,
    actor: str,
    auto_threshold: int,
) -> None:
    with timed(report, "store"):
        lines = _new_lines(conn, found, report)
    if not lines.fresh:
        return
    # a million open invoices are read and sorted once: SQLite's page cache is kept small
    # meanwhile (its 200 MB were most of the import's peak above the bare baseline's)
    with timed(report, "load"), reading_once(conn):
        ctx = matching.context(conn, as_of) if lines.credits else None
    with timed(report, "match"):
        result = matching.run_matching(ctx, lines.credits, auto_threshold) if ctx else None
    del ctx  # a million open invoices, freed before the rows to write are made
    with timed(report, "write"):
        _store_matched(conn, source, lines, result, report, actor)


def _store_matched(
    conn: Connection,
    source: StatementFile,
    lines: _NewLines,
    result: MatchingResult | None,
    report: FileReport,
    actor: str,
) -> None:
    """The lines, the payments of their credits, the allocations of the matches, the
    suggestions of the rest, and one event per match."""
    matches = {m.transaction_key: m for m in result.matches} if result else {}
    suggestions = matching.suggestions_of(result) if result else {}
    add_statement_lines(conn, source, lines.fresh, lines.ignored, matches)
    _add_unapplied((matches[tx.key] for tx in lines.fresh if tx.key in matches), report)
    _add_payments(conn, lines.credits, matches, source.import_id)
    chosen = list(matches.values())
    report.count("transactions", len(lines.fresh))
    report.count("payments", len(lines.credits))
    report.count("allocations", matching.write_allocations(conn, chosen, source.import_id))
    rb.replace_suggestions(conn, {k: v for k, v in suggestions.items() if v})
    matching.add_events(conn, matching.match_events(chosen, actor, source.imported_at))
    report.matched = len(chosen)
    report.unmatched = len(lines.credits) - len(chosen)
    report.ignored = len(lines.fresh) - len(lines.credits)
    if result is not None:
        report.warnings.extend(p for p in result.problems[:20])


def _add_unapplied(matches: Iterable[Match], report: FileReport) -> None:
    """What each customer overpaid (in the statement's order): it stays unapplied credit."""
    for m in matches:
        if m.unapplied.is_positive:
            earlier = report.unapplied.get(m.customer_ref)
            report.unapplied[m.customer_ref] = (
                m.unapplied if earlier is None else earlier + m.unapplied
            )


def _add_payments(
    conn: Connection,
    credits: Sequence[BankTransaction],
    matches: dict[str, Match],
    import_id: int | None,
) -> None:
    """Each credit is a payment, of the matched customer or payer unknown."""
    payments = [
        Payment(
            key=tx.key,
            date=rb.day_of(tx),
            amount=tx.amount,
            customer_ref=matches[tx.key].customer_ref if tx.key in matches else None,
            method="transfer",
            reference=(tx.structured_reference or tx.remittance)[:140],
            payer=tx.payer_name,
            payer_iban=tx.payer_iban,
        )
        for tx in credits
    ]
    ledger_repo.add_payments(conn, payments, repo.customer_ids(conn), import_id=import_id)
