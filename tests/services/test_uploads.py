"""Files sent from the workbench: kept under a token between dry run and confirmation,
forgotten when left waiting, never imported twice."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path

import pytest

from relance.adapters.storage.database import Store
from relance.services import imports, uploads

CUSTOMERS = b"ref,name,kind,country\nZETA,Zeta,business,FR\n"


def test_a_file_left_waiting_more_than_a_day_is_forgotten(tmp_path: Path) -> None:
    old = uploads.keep(tmp_path, uploads.UploadKind.CUSTOMERS, "../../a.csv", io.BytesIO(b"x"))
    assert old.path.parent.parent == tmp_path / uploads.PENDING  # the name lost its folders
    a_day_ago = time.time() - uploads.STALE_AFTER.total_seconds() - 60
    os.utime(old.path.parent, (a_day_ago, a_day_ago))
    new = uploads.keep(tmp_path, uploads.UploadKind.CUSTOMERS, "b.csv", io.BytesIO(b"y"))
    assert uploads.kept(tmp_path, new.token).path.read_bytes() == b"y"
    with pytest.raises(LookupError, match="no longer waiting"):
        uploads.kept(tmp_path, old.token)


def test_a_file_is_imported_once_and_stays_where_imported_files_stay(
    sqlite_store: Store, tmp_path: Path
) -> None:
    sent = uploads.keep(tmp_path, uploads.UploadKind.CUSTOMERS, "c.csv", io.BytesIO(CUSTOMERS))
    checked = uploads.check(sqlite_store, sent, date(2026, 11, 30), actor="t")
    assert checked.dry_run and checked.read == 1 and not checked.import_ids
    done = uploads.confirm(sqlite_store, tmp_path, sent, date(2026, 11, 30), actor="t")
    assert done.import_ids and [r.file_name for r in imports.list_imports(sqlite_store)] == [
        "c.csv"
    ]
    assert (tmp_path / uploads.IMPORTED / sent.token / "c.csv").read_bytes() == CUSTOMERS
    with pytest.raises(LookupError):
        uploads.confirm(sqlite_store, tmp_path, sent, date(2026, 11, 30), actor="t")
    assert len(imports.list_imports(sqlite_store)) == 1
