"""Use case: import a file sent from the workbench — checked first in a dry run, written
once the user confirms it.

The file is kept on the server between the two steps, in a folder of its own named by a
random token (`keep`), so that the confirmation imports the very bytes the dry run read
without the browser sending them again. A confirmed file moves to the folder of imported
files and stays there: an e-invoice's PDF is attached to the letters from where it lies.

`check` and `confirm` run the same service as `relance import KIND`, for every kind the
CLI imports; a file that cannot be read is reported by its name, line and column.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind, open_layout, row_problems
from relance.adapters.storage.database import Store
from relance.services import file_import, reports
from relance.services.import_run import FileReport
from relance.services.ledger_import import ImportReport, import_ledger_csv

PENDING, IMPORTED = "pending", "imported"
STALE_AFTER = timedelta(days=1)  # a file checked but never confirmed nor dropped
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class UploadKind(StrEnum):
    """What a file sent from the workbench holds (the kinds of `relance import`)."""

    CUSTOMERS = "customers"
    INVOICES = "invoices"
    CREDIT_NOTES = "credit-notes"
    PAYMENTS = "payments"
    FEC = "fec"
    EINVOICE = "einvoice"  # Factur-X (PDF or XML) or UBL
    BANK = "bank"  # CAMT.053, OFX, MT940, CFONB or a bank's CSV


@dataclass(frozen=True, slots=True)
class Upload:
    """A file kept between its dry run and its confirmation."""

    token: str
    kind: UploadKind
    name: str  # as the user's computer called it
    path: Path
    allow_changes: bool = False
    ignore_unknown_columns: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file cannot be imported: where (line or element, column or field) and why."""

    file: str
    location: str
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What importing a file did, or in a dry run would do."""

    kind: UploadKind
    name: str
    dry_run: bool
    read: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    unchanged: int = 0
    matched: int = 0
    unmatched: int = 0
    skipped: str = ""  # why the file was not read (already imported)
    warnings: tuple[str, ...] = ()
    import_ids: tuple[int, ...] = ()
    problems: tuple[Problem, ...] = ()  # empty when the file can be imported

    @property
    def problem(self) -> Problem | None:
        """The first problem, or None."""
        return self.problems[0] if self.problems else None


def _safe_name(name: str) -> str:
    """The file's own name without any folder, made safe to write (never empty)."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    return cleaned[:120] or "upload"


def keep(
    folder: Path,
    kind: UploadKind,
    name: str,
    content: BinaryIO,
    *,
    allow_changes: bool = False,
    ignore_unknown_columns: bool = False,
) -> Upload:
    """Write an uploaded file under `folder`/pending/TOKEN and return it with its token
    (files left waiting more than a day, neither imported nor dropped, are removed)."""
    _forget_stale(folder / PENDING)
    token = secrets.token_urlsafe(24)
    place = folder / PENDING / token
    place.mkdir(parents=True)
    path = place / _safe_name(name)
    with path.open("wb") as out:
        shutil.copyfileobj(content, out, 1 << 20)
    upload = Upload(token, kind, name, path, allow_changes, ignore_unknown_columns)
    about = {
        "kind": kind.value,
        "name": name,
        "file": path.name,
        "allow_changes": allow_changes,
        "ignore_unknown_columns": ignore_unknown_columns,
    }
    (place / "upload.json").write_text(json.dumps(about), encoding="utf-8")
    return upload


def _forget_stale(pending: Path) -> None:
    if not pending.is_dir():
        return
    oldest = time.time() - STALE_AFTER.total_seconds()
    for place in pending.iterdir():
        if place.is_dir() and place.stat().st_mtime < oldest:
            shutil.rmtree(place, ignore_errors=True)


def kept(folder: Path, token: str) -> Upload:
    """The file kept under `token` (LookupError when there is none: a wrong or used token)."""
    place = folder / PENDING / token
    about_file = place / "upload.json"
    if not _TOKEN.match(token) or not about_file.is_file():
        raise LookupError("this file is no longer waiting: send it again")
    about = json.loads(about_file.read_text(encoding="utf-8"))
    return Upload(
        token, UploadKind(about["kind"]), str(about["name"]), place / str(about["file"]),
        bool(about["allow_changes"]), bool(about["ignore_unknown_columns"]),
    )  # fmt: skip


def discard(folder: Path, token: str) -> None:
    """Forget a file kept for a dry run (nothing happens for an unknown token)."""
    if _TOKEN.match(token):
        shutil.rmtree(folder / PENDING / token, ignore_errors=True)


def check(store: Store, upload: Upload, as_of: date, *, actor: str) -> Outcome:
    """What importing the file would write, in a transaction rolled back."""
    return _run(store, upload, upload.path, as_of, actor, dry_run=True)


def confirm(store: Store, folder: Path, upload: Upload, as_of: date, *, actor: str) -> Outcome:
    """Import the file for good. It moves first to `folder`/imported/TOKEN, where it stays
    (an e-invoice's PDF is attached from there); a file that cannot be read goes back to
    waiting, so that nothing is half written and the user sees why."""
    target = folder / IMPORTED / upload.token
    target.mkdir(parents=True, exist_ok=True)
    try:
        moved = Path(shutil.move(str(upload.path), str(target / upload.path.name)))
    except FileNotFoundError as taken:  # confirmed at the same moment from another page
        raise LookupError("this file is no longer waiting: send it again") from taken
    outcome = _run(store, upload, moved, as_of, actor, dry_run=False)
    if outcome.problem is not None:
        shutil.move(str(moved), str(upload.path))
        shutil.rmtree(target, ignore_errors=True)
    else:
        discard(folder, upload.token)
    return outcome


def _run(
    store: Store, upload: Upload, path: Path, as_of: date, actor: str, *, dry_run: bool
) -> Outcome:
    try:
        if upload.kind is UploadKind.FEC:
            found = file_import.import_fec(store, [path], dry_run=dry_run, actor=actor)
        elif upload.kind is UploadKind.EINVOICE:
            found = file_import.import_einvoices(store, [path], dry_run=dry_run, actor=actor)
        elif upload.kind is UploadKind.BANK:
            found = file_import.import_bank_statements(
                store, [path], as_of=as_of, dry_run=dry_run, actor=actor
            )
        else:
            report = import_ledger_csv(
                store, CsvKind(upload.kind.value), path, dry_run=dry_run, actor=actor,
                ignore_unknown_columns=upload.ignore_unknown_columns,
                allow_changes=upload.allow_changes,
            )  # fmt: skip
            return _of_csv(upload, report)
    except FormatError as error:
        problems = _every_row_problem(store, upload, path, error)
        return Outcome(upload.kind, upload.name, dry_run, problems=problems)
    except (ValueError, LookupError) as refused:  # a file of another kind, a rule of the ledger
        where = Problem(upload.name, "", "", str(refused).replace(str(path), upload.name))
        return Outcome(upload.kind, upload.name, dry_run, problems=(where,))
    return _of_files(upload, dry_run, found)


def _every_row_problem(
    store: Store, upload: Upload, path: Path, error: FormatError
) -> tuple[Problem, ...]:
    """The error that stopped the import, and for a ledger CSV whose header is sound every
    other row its reader refuses, in the order of the file (the FEC, e-invoice and bank
    readers stop at the first)."""
    errors = [error]
    if upload.kind.value in {k.value for k in CsvKind}:
        try:
            layout = open_layout(path, CsvKind(upload.kind.value),
                                 ignore_unknown=upload.ignore_unknown_columns)  # fmt: skip
        except FormatError:  # the header itself: the error said it
            layout = None
        if layout is not None:
            creditor = reports.creditor(store)
            currency = creditor.currency if creditor else "EUR"  # as the import reads amounts
            errors += [e for e in row_problems(layout, currency)
                       if (e.location, e.field) != (error.location, error.field)]  # fmt: skip
    errors.sort(key=lambda e: int(e.location) if e.location.isdigit() else 0)
    return tuple(Problem(upload.name, e.location, e.field, e.reason) for e in errors)


def _of_csv(upload: Upload, report: ImportReport) -> Outcome:
    warnings = list(report.warnings)
    if report.unknown_columns:
        warnings.insert(0, "unknown columns left out: " + ", ".join(report.unknown_columns))
    return Outcome(
        upload.kind, upload.name, report.dry_run, read=report.rows,
        created={upload.kind.value: report.created} if report.created else {},
        updated=report.updated, unchanged=report.unchanged, warnings=tuple(warnings),
        import_ids=(report.import_id,) if report.import_id and not report.dry_run else (),
    )  # fmt: skip


def _of_files(upload: Upload, dry_run: bool, done: Iterable[FileReport]) -> Outcome:
    found = list(done)
    created: dict[str, int] = {}
    for report in found:
        for what, n in report.created.items():
            created[what] = created.get(what, 0) + n
    return Outcome(
        upload.kind, upload.name, dry_run,
        read=sum(r.read for r in found), created=created,
        unchanged=sum(r.unchanged for r in found), matched=sum(r.matched for r in found),
        unmatched=sum(r.unmatched for r in found),
        skipped="; ".join(r.skipped for r in found if r.skipped),
        warnings=tuple(w for r in found for w in r.warnings),
        import_ids=tuple(r.import_id for r in found if r.import_id and not dry_run),
    )  # fmt: skip
