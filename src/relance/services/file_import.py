"""Use cases: import the files users already have — FEC, e-invoices, bank statements.

Every file is one transaction: a reader either returns all of a file or raises
`FormatError` (file, line or element, reason) and nothing from that file is written.
Imports are idempotent: a file already imported (same SHA-256) is skipped, and records
already in the ledger (customer reference, invoice number, payment or transaction key)
are left as they are, so the same bank transaction in two overlapping statements is
added once. A dry run does the same work in a transaction that is rolled back.

Bank credits become payments, payer unknown, and are matched at once
(`relance.core.matching`): automatic matches write their allocations; the rest wait in
the unmatched queue with ranked suggestions (`relance.services.matching`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from relance.adapters.formats import detect
from relance.adapters.formats.detect import Format, Kind
from relance.adapters.formats.einvoice import EInvoice
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.fec import FecLedger
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage import repository_imports as imports_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.adapters.storage.tables_bank import MatchState
from relance.core.bank import BankTransaction
from relance.core.bulk import CHUNK, no_cyclic_gc
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, Payment
from relance.core.money import Money
from relance.services import deposits, documents, matching
from relance.services.ledger_import import sha256_of

# (file, bytes read so far, size of the file): enough for a progress bar per file.
Progress = Callable[[Path, int, int], None]


@dataclass
class FileReport:
    """What importing one file did (or, in a dry run, would do)."""

    file: str
    kind: str
    format: str = ""
    sha256: str = ""
    dry_run: bool = False
    skipped: str = ""  # why the file was not read (already imported, not of this kind)
    read: int = 0  # records (FEC lines, invoices, statement lines) in the file
    created: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    matched: int = 0
    unmatched: int = 0
    ignored: int = 0
    unapplied: dict[str, Money] = field(default_factory=dict)  # overpaid, by customer
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    import_id: int | None = None  # for `relance imports undo`

    def count(self, what: str, n: int = 1) -> None:
        """Add `n` records of `what` created."""
        if n:
            self.created[what] = self.created.get(what, 0) + n

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (JSON-ready)."""
        return {
            "file": self.file,
            "kind": self.kind,
            "format": self.format,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "skipped": self.skipped,
            "read": self.read,
            "created": dict(self.created),
            "unchanged": self.unchanged,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "ignored": self.ignored,
            "unapplied": {ref: str(amount) for ref, amount in self.unapplied.items()},
            "warnings": list(self.warnings),
            "import_id": self.import_id,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


class ImportStopped(FormatError):
    """A file could not be read: nothing of it was written, and the import stopped there.
    The files before it were imported, each in its own transaction: `done` reports them."""

    def __init__(self, error: FormatError, done: Sequence[FileReport]) -> None:
        super().__init__(error.file, error.location, error.field, error.reason)
        self.done = tuple(done)


@contextmanager
def _timed(report: FileReport, phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[phase] = report.seconds.get(phase, 0.0) + time.perf_counter() - start


def _files(
    paths: Iterable[Path], kind: Kind, only: Format | None = None
) -> Iterator[tuple[Path, detect.Reader | str]]:
    """Each file with its reader, or why it is skipped. A file named on the command line
    must be of `kind` (and of format `only` when given; FormatError otherwise); a file
    found in a folder that is not (a README, a licence) is skipped with the reason."""
    wanted = f"a {only} file" if only is not None else f"a {kind} file"
    for path in map(Path, paths):
        if path.is_dir():
            for found in detect.files_in([path]):
                reader = detect.detect(found)
                if reader is None:
                    yield found, "format not recognised"
                elif reader.kind is not kind or (only is not None and reader.format is not only):
                    yield found, f"a {reader.format} file, not {wanted}"
                else:
                    yield found, reader
        elif not path.is_file():
            raise FileNotFoundError(f"{path}: no such file or folder")
        else:
            reader = detect.reader_for(path, kind)
            if only is not None and reader.format is not only:
                raise FormatError(path, "", "", f"a {reader.format} file, not {wanted}")
            yield path, reader


def _progress_of(progress: Progress | None, path: Path) -> Callable[[int], None] | None:
    if progress is None:
        return None
    size = path.stat().st_size
    return lambda done: progress(path, done, size)


def _start(conn: Connection, report: FileReport, path: Path) -> imports_repo.ImportMark:
    """The `imports` row of this file, before anything of it is written."""
    return imports_repo.start_import(conn, report.kind, path.name, report.sha256, datetime.now(UTC))


def _finish(
    conn: Connection,
    mark: imports_repo.ImportMark,
    report: FileReport,
    path: Path,
    actor: str,
    extra: dict[str, Any],
) -> None:
    """What the file did, on its `imports` row and in the one event of its import."""
    report.import_id = mark.import_id
    summary = {**report.as_dict(), **extra}
    summary.pop("seconds", None)
    imports_repo.finish_import(conn, mark, summary)
    repo.append_event(conn, "import", actor=actor, subject=path.name, data=summary)


def _already(conn: Connection, kind: str, sha256: str, same: Callable[[Any], bool]) -> bool:
    return any(same(summary) for summary in imports_repo.already_imported(conn, kind, sha256))


def _run(
    store: Store,
    paths: Iterable[Path],
    kind: Kind,
    dry_run: bool,
    one: Callable[[Connection, Path, detect.Reader, FileReport], None],
    only: Format | None = None,
) -> list[FileReport]:
    reports: list[FileReport] = []
    try:
        for path, reader in _files(paths, kind, only):
            report = FileReport(str(path), kind.value, dry_run=dry_run)
            if isinstance(reader, str):
                report.skipped = reader
                reports.append(report)
                continue
            report.format = reader.format.value
            report.sha256 = sha256_of(path)
            transaction = store.trial() if dry_run else store.begin()
            with transaction as conn:
                one(conn, path, reader, report)
            reports.append(report)
    except FormatError as error:
        raise ImportStopped(error, reports) from error
    return reports


# -- customers, shared by every kind ---------------------------------------------------------


def _add_customers(conn: Connection, customers: Iterable[Customer], report: FileReport) -> None:
    """Create the customers not yet in the ledger; those already there keep their data
    (a user's CSV or an earlier import knows them better than an accounting label)."""
    known = repo.customer_ids(conn)
    new = {c.ref: c for c in customers if c.ref not in known}
    rows = [repo.customer_values(c) for c in new.values()]
    rb.insert_rows(conn, t.customers, rows)
    report.count("customers", len(rows))


# -- FEC -----------------------------------------------------------------------------------


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
        if _already(conn, report.kind, report.sha256, lambda s: s.get("as_of", "") == stamp):
            report.skipped = "already imported"
            return
        mark = _start(conn, report, path)
        creditor = repo.load_creditor(conn)
        currency = creditor.currency if creditor else "EUR"
        with no_cyclic_gc():
            with _timed(report, "read"):
                ledger: FecLedger = reader.extract(
                    path, as_of=as_of, currency=currency, on_progress=_progress_of(progress, path)
                )
            report.read = ledger.lines_read
            with _timed(report, "write"):
                _write_fec(conn, path, ledger, report)
        _finish(conn, mark, report, path, actor, {"as_of": stamp})

    return _run(store, paths, Kind.LEDGER, dry_run, one)


def _same_invoice(old: Invoice, new: Invoice) -> bool:
    """True when two readings of an invoice agree on what makes it a debt: its PDF, its
    wording and a delivery date one file lacks do not make it another invoice."""
    return replace(old, pdf_path="", subject="", delivery_date=None) == replace(
        new, pdf_path="", subject="", delivery_date=None
    )


def _write_fec(conn: Connection, path: Path, ledger: FecLedger, report: FileReport) -> None:
    _add_customers(conn, ledger.customers, report)
    ids = repo.customer_ids(conn)
    numbers = [i.number for i in ledger.invoices]
    empty = conn.execute(select(t.invoices.c.id).limit(1)).first() is None
    existing = {} if empty else repo.existing_invoices(conn, numbers)
    new = []
    for invoice in ledger.invoices:
        old = existing.get(invoice.number)
        if old is None:
            new.append(repo.invoice_values(invoice, ids[invoice.customer_ref]))
        elif _same_invoice(old, invoice):
            report.unchanged += 1
        else:
            report.warnings.append(
                f"invoice {invoice.number} differs from the one in the ledger; kept as it was"
            )
    rb.insert_rows(conn, t.invoices, new)
    report.count("invoices", len(new))

    known_notes = _existing(conn, t.credit_notes.c.number, [n.number for n in ledger.credit_notes])
    notes = [
        {
            "number": n.number,
            "customer_id": ids[n.customer_ref],
            "date": n.date,
            "currency": n.amount.currency,
            "amount_minor": n.amount.to_minor(),
            "invoice_number": n.invoice_number,
        }
        for n in ledger.credit_notes
        if n.number not in known_notes
    ]
    report.unchanged += len(ledger.credit_notes) - len(notes)
    rb.insert_rows(conn, t.credit_notes, notes)
    report.count("credit_notes", len(notes))

    _add_payments(conn, ledger.payments, ids, report)
    _add_allocations(conn, path, ledger.allocations, report)


def _existing(conn: Connection, column: Any, values: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(v for (v,) in conn.execute(select(column).where(column.in_(chunk))))
    return found


def _add_payments(
    conn: Connection, payments: Sequence[Payment], ids: dict[str, int], report: FileReport
) -> None:
    known = _existing(conn, t.payments.c.key, [p.key for p in payments])
    rows = [
        {
            "key": p.key,
            "customer_id": ids[p.customer_ref] if p.customer_ref else None,
            "date": p.date,
            "currency": p.amount.currency,
            "amount_minor": p.amount.to_minor(),
            "method": p.method,
            "reference": p.reference,
            "payer": p.payer,
            "payer_iban": p.payer_iban,
        }
        for p in payments
        if p.key not in known
    ]
    report.unchanged += len(payments) - len(rows)
    rb.insert_rows(conn, t.payments, rows)
    report.count("payments", len(rows))


def _add_allocations(
    conn: Connection, path: Path, allocations: Sequence[Allocation], report: FileReport
) -> None:
    """Add the allocations not yet recorded, never beyond what an invoice still owes."""
    if not allocations:
        return
    numbers = sorted({a.invoice_number for a in allocations})
    ids = repo.invoice_ids(conn, numbers)
    missing = [n for n in numbers if n not in ids]
    if missing:
        raise FormatError(path, "", "lettering", f"unknown invoice {missing[0]!r}")
    amounts: dict[int, int] = {}
    applied: dict[int, int] = {}
    done: set[tuple[str, str, int]] = set()
    id_list = sorted(set(ids.values()))
    alloc, inv = t.allocations, t.invoices
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        query = select(inv.c.id, inv.c.amount_minor).where(inv.c.id.in_(chunk))
        amounts.update((int(i), int(m)) for i, m in conn.execute(query))
        for kind, source, invoice_id, minor in conn.execute(
            select(alloc.c.kind, alloc.c.source, alloc.c.invoice_id, alloc.c.amount_minor).where(
                alloc.c.invoice_id.in_(chunk)
            )
        ):
            done.add((kind, source, invoice_id))
            applied[invoice_id] = applied.get(invoice_id, 0) + int(minor)
    rows = []
    for a in allocations:
        invoice_id = ids[a.invoice_number]
        if (a.kind.value, a.source, invoice_id) in done:
            report.unchanged += 1
            continue
        left = amounts[invoice_id] - applied.get(invoice_id, 0)
        minor = min(a.amount.to_minor(), left)
        if minor < a.amount.to_minor():
            owed = Money.from_minor(max(minor, 0), a.amount.currency)
            report.warnings.append(
                f"{a.source} -> {a.invoice_number}: only {owed} still owed; "
                "the rest stays unapplied credit"
            )
        if minor <= 0:
            continue
        applied[invoice_id] = applied.get(invoice_id, 0) + minor
        done.add((a.kind.value, a.source, invoice_id))
        rows.append(
            {
                "kind": a.kind.value,
                "source": a.source,
                "invoice_id": invoice_id,
                "currency": a.amount.currency,
                "amount_minor": minor,
                "date": a.date,
            }
        )
    rb.insert_rows(conn, alloc, rows)
    report.count("allocations", len(rows))


# -- e-invoices ------------------------------------------------------------------------------


def import_einvoices(
    store: Store,
    paths: Iterable[Path],
    *,
    only: Format | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "import",
) -> list[FileReport]:
    """Import Factur-X/ZUGFeRD PDFs (or CII XML) and UBL 2.1 invoices and credit notes.

    The buyer becomes a customer when new; an invoice keeps the absolute path of its PDF so
    letters attach the very invoice the customer received; a credit note that names its
    invoice settles it. `only` refuses files of another e-invoice format. An invoice number
    already in the ledger with other data is a FormatError.
    """

    def one(conn: Connection, path: Path, reader: detect.Reader, report: FileReport) -> None:
        if _already(conn, report.kind, report.sha256, lambda _s: True):
            report.skipped = "already imported"
            return
        mark = _start(conn, report, path)
        with _timed(report, "read"):
            read: EInvoice = reader.extract(path)
        report.read = 1
        _write_einvoice(conn, path, read, report)
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)
        _finish(conn, mark, report, path, actor, {})

    return _run(store, paths, Kind.EINVOICE, dry_run, one, only)


def _write_einvoice(conn: Connection, path: Path, read: EInvoice, report: FileReport) -> None:
    _add_customers(conn, [read.customer], report)
    customer_id = repo.customer_ids(conn)[read.customer.ref]
    invoice = read.invoice
    if invoice is not None:
        if invoice.pdf_path:
            invoice = replace(invoice, pdf_path=str(Path(invoice.pdf_path).resolve()))
        old = repo.existing_invoices(conn, [invoice.number]).get(invoice.number)
        dated = old is not None and old.delivery_date is None and invoice.delivery_date
        if dated and old is not None and _same_invoice(old, invoice):
            # another profile of the same invoice may carry its delivery date (BT-72)
            conn.execute(
                update(t.invoices)
                .where(t.invoices.c.number == invoice.number)
                .values(delivery_date=invoice.delivery_date)
            )
        stored = documents.store_facturx_pdf(conn, path) if invoice.pdf_path else None
        if old is None:
            values = repo.invoice_values(invoice, customer_id)
            conn.execute(insert(t.invoices).values(**values, pdf_sha256=stored))
            report.count("invoices")
        elif not _same_invoice(old, invoice):
            raise FormatError(
                path, "BT-1", "BT-1",
                f"invoice {invoice.number} is already in the ledger with other data",
            )  # fmt: skip
        elif invoice.pdf_path and old.pdf_path != invoice.pdf_path:
            conn.execute(
                update(t.invoices)
                .where(t.invoices.c.number == invoice.number)
                .values(pdf_path=invoice.pdf_path, pdf_sha256=stored)
            )
            report.count("pdf_paths")
        else:
            report.unchanged += 1
        if old is None:
            _settle_waiting_credit_notes(conn, path, invoice.number, customer_id, report)
            applied, warnings = deposits.apply_waiting_deposits(conn, [invoice.number])
            report.count("allocations", applied)
            report.warnings += warnings
        if read.prepaid.is_positive and old is None:
            _prepaid(conn, invoice, read.prepaid, customer_id, report)
    note = read.credit_note
    if note is not None:
        if _existing(conn, t.credit_notes.c.number, [note.number]):
            report.unchanged += 1
            return
        conn.execute(
            insert(t.credit_notes).values(
                number=note.number,
                customer_id=customer_id,
                date=note.date,
                currency=note.amount.currency,
                amount_minor=note.amount.to_minor(),
                invoice_number=note.invoice_number,
            )
        )
        report.count("credit_notes")
        target = (
            repo.existing_invoices(conn, [note.invoice_number]).get(note.invoice_number)
            if note.invoice_number
            else None
        )
        if target is None or target.customer_ref != note.customer_ref:
            if note.invoice_number:
                report.warnings.append(
                    f"credit note {note.number}: invoice {note.invoice_number} is not this "
                    "customer's in the ledger; kept as unapplied credit"
                )
            return
        allocation = Allocation(
            AllocationKind.CREDIT_NOTE, note.number, target.number, note.amount, note.date
        )
        _add_allocations(conn, path, [allocation], report)


def _settle_waiting_credit_notes(
    conn: Connection, path: Path, number: str, customer_id: int, report: FileReport
) -> None:
    """Credit notes of this customer that named this invoice before it was imported (a
    folder is read in name order) settle it now."""
    notes = t.credit_notes
    waiting = conn.execute(
        select(notes.c.number, notes.c.date, notes.c.currency, notes.c.amount_minor).where(
            notes.c.invoice_number == number, notes.c.customer_id == customer_id
        )
    ).all()
    allocations = [
        Allocation(
            AllocationKind.CREDIT_NOTE,
            note,
            number,
            Money.from_minor(int(minor), currency),
            day,
        )
        for note, day, currency, minor in waiting
    ]
    _add_allocations(conn, path, allocations, report)


def _prepaid(
    conn: Connection, invoice: Any, prepaid: Money, customer_id: int, report: FileReport
) -> None:
    """BT-113: part of the invoice was paid before it was issued (a deposit): a payment
    allocated to it, so the invoice is chased only for the rest."""
    key = f"prepaid:{invoice.number}"
    conn.execute(
        insert(t.payments).values(
            key=key, customer_id=customer_id, date=invoice.issue_date,
            currency=prepaid.currency, amount_minor=prepaid.to_minor(), method="deposit",
            reference=invoice.number, payer="", payer_iban="",
        )
    )  # fmt: skip
    report.count("payments")
    amount = min(prepaid, invoice.amount)
    allocation = Allocation(AllocationKind.PAYMENT, key, invoice.number, amount, invoice.issue_date)
    invoice_id = repo.invoice_ids(conn, [invoice.number])[invoice.number]
    repo.add_allocation(conn, allocation, invoice_id)
    report.count("allocations")


# -- bank statements ------------------------------------------------------------------------


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
        if _already(conn, report.kind, report.sha256, lambda _s: True):
            report.skipped = "already imported"
            return
        mark = _start(conn, report, path)
        with _timed(report, "read"):
            if reader.format is Format.CAMT:
                found = reader.extract(path, on_progress=_progress_of(progress, path))
            else:
                found = reader.extract(path)
        report.read = len(found)
        with no_cyclic_gc():
            _write_bank(conn, path, reader.format, found, report, as_of, actor, auto_threshold)
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)
        _finish(conn, mark, report, path, actor, {"as_of": as_of.isoformat()})

    return _run(store, paths, Kind.BANK, dry_run, one)


def _write_bank(
    conn: Connection,
    path: Path,
    source_format: Format,
    found: Sequence[BankTransaction],
    report: FileReport,
    as_of: date,
    actor: str,
    auto_threshold: int,
) -> None:
    with _timed(report, "store"):
        known = rb.known_keys(conn, (tx.key for tx in found))
        fresh = [tx for tx in found if tx.key not in known]
        report.unchanged += len(found) - len(fresh)
        # A credit whose key is already a payment of the ledger (imported from a CSV of
        # payments) was recorded there: stored, not paid twice.
        known_payments = _existing(conn, t.payments.c.key, [tx.key for tx in fresh if tx.is_credit])
        credits = [
            tx for tx in fresh if tx.is_credit and not tx.reversal and tx.key not in known_payments
        ]
    if not fresh:
        return
    with _timed(report, "load"):
        ctx = matching.context(conn, as_of) if credits else None
    with _timed(report, "match"):
        result = matching.run_matching(ctx, credits, auto_threshold) if ctx else None
    with _timed(report, "write"):
        matches = {m.transaction_key: m for m in result.matches} if result else {}
        suggestions = matching.suggestions_of(result) if result else {}
        at = datetime.now(UTC)
        ids = repo.customer_ids(conn)
        rows = []
        waiting = {tx.key for tx in credits}
        for tx in fresh:
            credit = tx.key in waiting
            note = (
                ""
                if credit
                else "reversal"
                if tx.reversal
                else "already a payment of the ledger"
                if tx.key in known_payments
                else "not a credit"
            )
            row = rb.transaction_values(
                replace(tx, source_file=tx.source_file or path.name),
                source_format=source_format.value,
                sha256=report.sha256,
                imported_at=at,
                state=MatchState.UNMATCHED if credit else MatchState.IGNORED,
                note=note,
            )
            m = matches.get(tx.key)
            if m is not None:
                row.update(
                    state=MatchState.AUTOMATIC.value,
                    customer_ref=m.customer_ref,
                    rule=m.rule.value,
                    confidence=m.confidence,
                    unapplied_minor=m.unapplied.to_minor(),
                    matched_at=at,
                )
                if m.unapplied.is_positive:
                    earlier = report.unapplied.get(m.customer_ref)
                    report.unapplied[m.customer_ref] = (
                        m.unapplied if earlier is None else earlier + m.unapplied
                    )
            rows.append(row)
        rb.add_transactions(conn, rows)
        payments: list[dict[str, Any]] = [
            {
                "key": tx.key,
                "customer_id": ids[matches[tx.key].customer_ref] if tx.key in matches else None,
                "date": rb.day_of(tx),
                "currency": tx.amount.currency,
                "amount_minor": tx.amount.to_minor(),
                "method": "transfer",
                "reference": (tx.structured_reference or tx.remittance)[:140],
                "payer": tx.payer_name,
                "payer_iban": tx.payer_iban,
            }
            for tx in credits
        ]
        rb.insert_rows(conn, t.payments, payments)
        chosen = list(matches.values())
        report.count("transactions", len(rows))
        report.count("payments", len(payments))
        report.count("allocations", matching.write_allocations(conn, chosen))
        rb.replace_suggestions(conn, {k: v for k, v in suggestions.items() if v})
        matching.add_events(conn, matching.match_events(chosen, actor, at))
        report.matched = len(chosen)
        report.unmatched = len(credits) - len(chosen)
        report.ignored = len(fresh) - len(credits)
        if result is not None:
            report.warnings.extend(p for p in result.problems[:20])
