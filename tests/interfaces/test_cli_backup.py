"""`relance backup FILE`: an online copy of a SQLite ledger, atomic, never over a file by
accident; on PostgreSQL, the pg_dump command and exit 5."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from tests.conftest import write

from relance.interfaces.cli.main import run


def customers_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r for (r,) in conn.execute("select ref from customers order by ref")]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand"]) == 0
    rows = "".join(f"C{n:03d};Client {n};business;FR\n" for n in range(50))
    customers = write(tmp_path / "c.csv", "ref;name;kind;country\n" + rows)
    assert run(["import", "customers", str(customers), "--db", str(db)]) == 0
    return db


def test_a_backup_taken_while_another_writer_holds_the_ledger_has_what_was_committed(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.sqlite"
    writer = sqlite3.connect(ledger, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another command in the middle of a write
    writer.execute("update customers set name = 'not yet committed'")
    try:
        assert run(["backup", str(target), "--db", str(ledger)]) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert customers_in(target) == [f"C{n:03d}" for n in range(50)]
    with sqlite3.connect(target) as copy:
        names = {n for (n,) in copy.execute("select name from customers")}
        assert copy.execute("pragma integrity_check").fetchone() == ("ok",)
    assert "not yet committed" not in names
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".copy.sqlite.*"))  # no temporary file left behind
    assert "copied to" in capsys.readouterr().out
    # The copy is a ledger relance opens like the original.
    assert run(["customers", "--db", str(target), "--json"]) == 0


def test_an_existing_file_is_kept_unless_force_is_given(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = write(tmp_path / "earlier.sqlite", "an earlier copy")
    assert run(["backup", str(target), "--db", str(ledger)]) == 3
    assert "--force" in capsys.readouterr().err
    assert target.read_text() == "an earlier copy"
    assert run(["backup", str(ledger), "--db", str(ledger), "--force"]) == 3  # never itself
    assert len(customers_in(ledger)) == 50
    assert run(["backup", str(target), "--db", str(ledger), "--force"]) == 0
    assert len(customers_in(target)) == 50


@pytest.mark.postgres
def test_a_postgresql_ledger_names_the_pg_dump_command_and_exits_5(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init", "--db", pg_url, "--name", "Atelier Durand"]) == 0
    capsys.readouterr()
    target = tmp_path / "ledger.dump"
    assert run(["backup", str(target), "--db", pg_url]) == 5
    said = " ".join(capsys.readouterr().out.split())
    schema = pg_url.rsplit("%3D", 1)[1]
    assert f"pg_dump --format=custom --file={target}" in said
    assert f"--username=postgres --schema={schema} test" in said
    assert not target.exists()
