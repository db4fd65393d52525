"""What every file import shares: its report, the files it reads, one transaction per file.

Every file is one transaction: a reader either returns all of a file or raises
`FormatError` (file, line or element, reason) and nothing from that file is written.
Imports are idempotent: a file already imported (same SHA-256) is skipped, and records
already in the ledger are left as they are. A dry run does the same work in a transaction
that is rolled back. The readers of each kind: `fec_import`, `einvoice_import`,
`bank_import` (gathered in `file_import`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relance.adapters.formats import detect
from relance.adapters.formats.detect import Format, Kind
from relance.adapters.formats.errors import FormatError
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_imports as imports_repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.model import Allocation, Customer, Invoice
from relance.core.money import Money
from relance.services import webhook_events
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
def timed(report: FileReport, phase: str) -> Iterator[None]:
    """Add the time the block takes to the report's seconds of `phase`."""
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


def progress_of(progress: Progress | None, path: Path) -> Callable[[int], None] | None:
    """What a reader calls with the bytes read so far, for a progress bar (None without)."""
    if progress is None:
        return None
    size = path.stat().st_size
    return lambda done: progress(path, done, size)


@dataclass(frozen=True, slots=True)
class Settings:
    """What an import of one kind is run with: who runs it, the settings recorded with it,
    and those of them that make a second import of the same bytes another import (the
    date a FEC is read as of)."""

    actor: str
    recorded: dict[str, Any] = field(default_factory=dict)
    distinct_by: tuple[str, ...] = ()
    only: Format | None = None  # refuse files of another format of the kind


def _start(conn: Connection, report: FileReport, path: Path) -> imports_repo.ImportMark:
    """The `imports` row of this file, before anything of it is written."""
    return imports_repo.start_import(conn, report.kind, path.name, report.sha256, datetime.now(UTC))


def _finish(
    conn: Connection,
    mark: imports_repo.ImportMark,
    report: FileReport,
    path: Path,
    settings: Settings,
) -> None:
    """What the file did, on its `imports` row and in the one event of its import."""
    report.import_id = mark.import_id
    summary = {**report.as_dict(), **settings.recorded}
    summary.pop("seconds", None)
    imports_repo.finish_import(conn, mark, summary)
    repo.append_event(conn, "import", actor=settings.actor, subject=path.name, data=summary)


def _already(conn: Connection, report: FileReport, settings: Settings) -> bool:
    """Whether this file (same bytes) was imported with the same settings and not undone."""
    return any(
        all(summary.get(key, "") == settings.recorded[key] for key in settings.distinct_by)
        for summary in imports_repo.already_imported(conn, report.kind, report.sha256)
    )


def run_files(
    store: Store,
    paths: Iterable[Path],
    kind: Kind,
    dry_run: bool,
    one: Callable[[Connection, Path, detect.Reader, FileReport], None],
    settings: Settings,
) -> list[FileReport]:
    """Import each file with `one`, in its own transaction (rolled back in a dry run),
    unless it was imported already."""
    reports: list[FileReport] = []
    try:
        for path, reader in _files(paths, kind, settings.only):
            report = FileReport(str(path), kind.value, dry_run=dry_run)
            if isinstance(reader, str):
                report.skipped = reader
                reports.append(report)
                continue
            report.format = reader.format.value
            report.sha256 = sha256_of(path)
            transaction = store.trial() if dry_run else store.begin()
            with transaction as conn:
                if _already(conn, report, settings):
                    report.skipped = "already imported"
                else:
                    mark = _start(conn, report, path)
                    report.import_id = mark.import_id  # rows may carry it as written
                    one(conn, path, reader, report)
                    _finish(conn, mark, report, path, settings)
            reports.append(report)
    except FormatError as error:
        raise ImportStopped(error, reports) from error
    return reports


# -- records every kind of file adds ----------------------------------------------------------


def add_new_customers(conn: Connection, customers: Iterable[Customer], report: FileReport) -> None:
    """Create the customers not yet in the ledger; those already there keep their data
    (a user's CSV or an earlier import knows them better than an accounting label)."""
    known = repo.customer_ids(conn)
    new = {c.ref: c for c in customers if c.ref not in known}
    ledger_repo.add_customers(conn, list(new.values()))
    report.count("customers", len(new))


def same_invoice(old: Invoice, new: Invoice) -> bool:
    """True when two readings of an invoice agree on what makes it a debt: its PDF, its
    wording and a delivery date one file lacks do not make it another invoice."""
    return replace(old, pdf_path="", subject="", delivery_date=None) == replace(
        new, pdf_path="", subject="", delivery_date=None
    )


def add_allocations(
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
    state = ledger_repo.allocation_state(conn, ids.values())
    rows = []
    for a in allocations:
        invoice_id = ids[a.invoice_number]
        if (a.kind.value, a.source, invoice_id) in state.done:
            report.unchanged += 1
            continue
        left = state.amounts[invoice_id] - state.applied.get(invoice_id, 0)
        minor = min(a.amount.to_minor(), left)
        if minor < a.amount.to_minor():
            owed = Money.from_minor(max(minor, 0), a.amount.currency)
            report.warnings.append(
                f"{a.source} -> {a.invoice_number}: only {owed} still owed; "
                "the rest stays unapplied credit"
            )
        if minor <= 0:
            continue
        state.applied[invoice_id] = state.applied.get(invoice_id, 0) + minor
        state.done.add((a.kind.value, a.source, invoice_id))
        rows.append((replace(a, amount=Money.from_minor(minor, a.amount.currency)), invoice_id))
    ledger_repo.add_allocations(conn, rows)
    webhook_events.allocations_made(conn, [a for a, _ in rows])
    report.count("allocations", len(rows))
