"""Use case: import FEC files (fichier des écritures comptables) into the ledger.

Customers come from the 411 accounts, invoices and credit notes from the sales journal,
payments from the bank journal, and the accountant's lettering becomes allocations.
Records already in the ledger (customer reference, invoice number, payment key) are left
as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from relance.adapters.formats import detect
from relance.adapters.formats.detect import Kind
from relance.adapters.formats.fec import FecLedger
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.bulk import no_cyclic_gc
from relance.core.model import Payment
from relance.services.import_run import (
    FileReport,
    Progress,
    Settings,
    add_allocations,
    add_new_customers,
    progress_of,
    run_files,
    same_invoice,
    timed,
)


def import_fec(
    store: Store,
    paths: Iterable[Path],
    *,
    as_of: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "import",
) -> list[FileReport]:
    """Import FEC files: customers (411 accounts), invoices, credit notes, payments, and the
    accountant's lettering as allocations. `as_of` reads the ledger as it was that day
    (later lines and lettering ignored). Raises FormatError on an unreadable file."""
    stamp = as_of.isoformat() if as_of else ""

    def one(conn: Connection, path: Path, reader: detect.Reader, report: FileReport) -> None:
        creditor = repo.load_creditor(conn)
        currency = creditor.currency if creditor else "EUR"
        with no_cyclic_gc():
            with timed(report, "read"):
                ledger: FecLedger = reader.extract(
                    path, as_of=as_of, currency=currency, on_progress=progress_of(progress, path)
                )
            report.read = ledger.lines_read
            with timed(report, "write"):
                _write_fec(conn, path, ledger, report)

    settings = Settings(actor, {"as_of": stamp}, distinct_by=("as_of",))
    return run_files(store, paths, Kind.LEDGER, dry_run, one, settings)


def _write_fec(conn: Connection, path: Path, ledger: FecLedger, report: FileReport) -> None:
    add_new_customers(conn, ledger.customers, report)
    ids = repo.customer_ids(conn)
    _add_invoices(conn, ledger, ids, report)
    _add_credit_notes(conn, ledger, ids, report)
    _add_payments(conn, ledger.payments, ids, report)
    add_allocations(conn, path, ledger.allocations, report)


def _add_invoices(
    conn: Connection, ledger: FecLedger, ids: dict[str, int], report: FileReport
) -> None:
    """The invoices not yet in the ledger; one that differs from the ledger's is kept as it
    was, with a warning."""
    numbers = [i.number for i in ledger.invoices]
    existing = repo.existing_invoices(conn, numbers) if ledger_repo.has_invoices(conn) else {}
    new = []
    for invoice in ledger.invoices:
        old = existing.get(invoice.number)
        if old is None:
            new.append(invoice)
        elif same_invoice(old, invoice):
            report.unchanged += 1
        else:
            report.warnings.append(
                f"invoice {invoice.number} differs from the one in the ledger; kept as it was"
            )
    ledger_repo.add_invoices(conn, new, ids)
    report.count("invoices", len(new))


def _add_credit_notes(
    conn: Connection, ledger: FecLedger, ids: dict[str, int], report: FileReport
) -> None:
    known = ledger_repo.credit_note_numbers(conn, [n.number for n in ledger.credit_notes])
    notes = [n for n in ledger.credit_notes if n.number not in known]
    report.unchanged += len(ledger.credit_notes) - len(notes)
    ledger_repo.add_credit_notes(conn, notes, ids)
    report.count("credit_notes", len(notes))


def _add_payments(
    conn: Connection, payments: Sequence[Payment], ids: dict[str, int], report: FileReport
) -> None:
    known = ledger_repo.payment_keys(conn, [p.key for p in payments])
    new = [p for p in payments if p.key not in known]
    report.unchanged += len(payments) - len(new)
    ledger_repo.add_payments(conn, new, ids)
    report.count("payments", len(new))
