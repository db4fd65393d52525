"""Files imported as the CLI imports them (ledger CSV, FEC, e-invoices, bank statements),
the list of imports, and undoing one."""

from __future__ import annotations

import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from pydantic import BaseModel

from relance.adapters.formats.ledger_columns import CsvKind
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Manager, Viewer, store_of
from relance.interfaces.api.pagination import Cursor, Limit, page
from relance.interfaces.api.problems import RESPONSES, ApiProblem
from relance.interfaces.api.routes_ledger import day
from relance.services import file_import, imports
from relance.services.ledger_import import import_ledger_csv

router = APIRouter(responses=RESPONSES, tags=["imports"])
MAX_UPLOAD = 200 * 1024 * 1024  # a year of a large ledger's invoices fits


class FileKind(StrEnum):
    """What an uploaded file holds, as `relance import KIND` names it."""

    CUSTOMERS = "customers"
    INVOICES = "invoices"
    CREDIT_NOTES = "credit-notes"
    PAYMENTS = "payments"
    FEC = "fec"
    EINVOICES = "einvoices"
    BANK = "bank"


class ImportRecordOut(BaseModel):
    """One import: a file, or records written through the API."""

    id: int
    kind: str
    file_name: str
    sha256: str
    imported_at: s.Instant
    rows: int
    undone_at: s.Instant | None
    summary: dict[str, Any]


@router.get("/imports")
def list_imports(
    request: Request, user: Viewer, limit: Limit = 50, cursor: Cursor = None
) -> s.Page[ImportRecordOut]:
    """Every import, oldest first, undone ones included."""
    found = imports.list_imports(store_of(request))
    chosen, following = page(found, lambda r: [r.id], cursor, limit)
    items = [
        ImportRecordOut(
            id=r.id, kind=r.kind, file_name=r.file_name, sha256=r.sha256,
            imported_at=r.imported_at, rows=r.rows, undone_at=r.undone_at,
            summary=s.plain(dict(r.summary)),
        )
        for r in chosen
    ]  # fmt: skip
    return s.Page(items=items, next_cursor=following)


class UndoIn(s.Strict):
    """Remove what later records built on the import too (letters sent stay in history)."""

    cascade: bool = False


class UndoOut(BaseModel):
    """What the undo removed and put back."""

    import_id: int
    removed: dict[str, int]
    restored: list[str]
    kept_customers: list[str]
    cascaded: list[str]


ImportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The import's id.")]


@router.post("/imports/{import_id}/undo")
def undo(request: Request, user: Manager, import_id: ImportId, body: UndoIn) -> UndoOut:
    """Undo an import (refused, 409, when later records depend on it, unless `cascade`)."""
    try:
        report = imports.undo_import(
            store_of(request), import_id, cascade=body.cascade, actor=user.email
        )
    except (imports.UndoRefused, imports.AlreadyUndone) as exc:
        raise ApiProblem(409, str(exc).replace("--cascade", "cascade"), "import_id") from exc
    return UndoOut(
        import_id=report.import_id, removed=report.removed, restored=list(report.restored),
        kept_customers=list(report.kept_customers), cascaded=list(report.cascaded),
    )  # fmt: skip


class FileImportOut(BaseModel):
    """What importing the file did."""

    kind: str
    reports: list[dict[str, Any]]


def _import(request: Request, user: Any, kind: FileKind, path: FilePath, as_of: date) -> Any:
    """The CLI's import of `kind`, on the saved upload."""
    store, actor = store_of(request), user.email
    if kind is FileKind.FEC:
        return file_import.import_fec(store, [path], as_of=as_of, actor=actor)
    if kind is FileKind.EINVOICES:
        return file_import.import_einvoices(store, [path], actor=actor)
    if kind is FileKind.BANK:
        return file_import.import_bank_statements(store, [path], as_of=as_of, actor=actor)
    return [import_ledger_csv(store, CsvKind(kind.value), path, actor=actor)]


@router.post("/imports", status_code=201)
def upload(
    request: Request,
    user: Manager,
    kind: Annotated[FileKind, Form(description="What the file holds.")],
    file: Annotated[UploadFile, File(description="The file, as `relance import` reads it.")],
    as_of: Annotated[date | None, Form(description="Match payments as of (today).")] = None,
) -> FileImportOut:
    """Import one file as `relance import KIND FILE` does: all of it, or nothing."""
    name = FilePath(file.filename or "upload").name or "upload"
    with tempfile.TemporaryDirectory(prefix="relance-upload-") as folder:
        path = FilePath(folder) / name
        with path.open("wb") as out:
            size = 0
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise ApiProblem(413, f"a file has at most {MAX_UPLOAD} bytes", "file")
                out.write(chunk)
        reports = _import(request, user, kind, path, day(request, as_of))
    return FileImportOut(kind=kind.value, reports=[s.plain(r.as_dict()) for r in reports])
