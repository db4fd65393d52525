"""kill -9 during a large import, on SQLite and PostgreSQL: a real `relance import`
process is killed while it writes; the ledger holds nothing of that file, stays sound, and
the same file imports cleanly afterwards."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.core.model import Creditor
from relance.services.imports import list_imports
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

RELANCE = Path(sys.executable).with_name("relance")
ROWS = 40_000  # small enough for `make test`, large enough to be killed while writing
WRITING = 256 * 1024  # bytes written by the import's transaction before it is killed


def big_files(tmp_path: Path) -> tuple[Path, Path]:
    customers = tmp_path / "clients.csv"
    customers.write_text("ref;nom\n" + "".join(f"C{i};Client {i}\n" for i in range(200)))
    start = date(2026, 1, 1)
    lines = [
        f"F-{i:06d};C{i % 200};{start + timedelta(days=i % 300)};"
        f"{start + timedelta(days=i % 300 + 30)};{100 + i % 900},00\n"
        for i in range(ROWS)
    ]
    invoices = tmp_path / "factures.csv"
    invoices.write_text("numero;client;date;echeance;montant\n" + "".join(lines))
    return customers, invoices


def _written(store: Store, db_file: Path | None) -> int:
    """How far the running import's transaction has written, in bytes, seen from outside."""
    if db_file is not None:  # SQLite: the write-ahead log grows with the transaction
        wal = db_file.with_name(db_file.name + "-wal")
        return wal.stat().st_size if wal.exists() else 0
    with store.engine.connect() as conn:  # PostgreSQL: uncommitted rows fill pages
        return int(conn.execute(text("select pg_relation_size('invoices')")).scalar_one())


def kill_while_writing(store: Store, db: str, invoices: Path, db_file: Path | None) -> int:
    process = subprocess.Popen(
        [str(RELANCE), "import", "invoices", str(invoices), "--db", db, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    while process.poll() is None:
        if _written(store, db_file) >= WRITING:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)  # only to leave the processor to the import
    code = process.wait(timeout=600)
    process.communicate()
    return code


def test_an_import_killed_while_writing_leaves_nothing_of_its_file(store: Store, tmp_path):
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    customers, invoices = big_files(tmp_path)
    import_ledger_csv(store, CsvKind.CUSTOMERS, customers)
    sqlite = store.engine.dialect.name == "sqlite"
    db_file = Path(store.engine.url.database or "") if sqlite else None
    db = store.engine.url.render_as_string(hide_password=False)
    store.engine.dispose()  # SQLite: no connection of ours keeps the log open

    code = kill_while_writing(store, db, invoices, db_file)
    if code != -signal.SIGKILL:
        pytest.fail(f"the import ended (rc {code}) before it could be killed: raise ROWS")

    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(t.invoices)).scalar_one() == 0
        if sqlite:
            assert conn.execute(text("pragma integrity_check")).scalar_one() == "ok"
    assert [i.kind for i in list_imports(store)] == ["customers"]
    # the same file imports whole afterwards: no lock, no half-written row left in the way
    report = import_ledger_csv(store, CsvKind.INVOICES, invoices)
    assert report.created == ROWS
