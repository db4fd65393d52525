"""Opening the ledger: a command that only reads never creates one, a wrong `init` leaves no
file, a database that cannot be reached is one line naming it (without its password), and
what relance writes (the ledger, its WAL, letters, e-mails) is readable by its owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.conftest import PG_URL, pg_problem, write
from tests.services.test_letters import first_letters

from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.interfaces.cli.main import run
from relance.interfaces.cli.output import ExitCode

READ_ONLY = [
    ["customers"],
    ["invoices"],
    ["aging"],
    ["queue"],
    ["history", "DUPONT"],
    ["unmatched"],
    ["limitation"],
    ["policy", "show"],
    ["run", "--dry-run"],
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c))
def test_a_read_only_command_on_a_missing_ledger_names_it_and_creates_nothing(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.sqlite"
    assert run([*command, "--db", str(missing)]) == ExitCode.NOT_FOUND
    err = capsys.readouterr().err
    assert f"no ledger at {missing}" in err.replace("\n", "") and "relance init" in err
    assert list(tmp_path.iterdir()) == []  # no file, no -wal, no -shm


def test_the_default_ledger_is_not_created_by_a_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RELANCE_DB", raising=False)
    assert run(["aging"]) == ExitCode.NOT_FOUND
    assert "no ledger at relance.sqlite" in capsys.readouterr().err
    assert not (tmp_path / "relance.sqlite").exists()


@pytest.mark.parametrize(
    "wrong",
    [
        ["--iban", "FR76 0000"],
        ["--country", "France"],
        ["--country", "ZZ"],
        ["--currency", "ZZZ"],
        ["--language", "de"],
        ["--email", "compta.durand.fr"],
    ],
    ids=lambda w: w[0],
)
def test_init_with_a_wrong_value_creates_no_file(
    tmp_path: Path, wrong: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand", *wrong]) == ExitCode.USAGE
    assert wrong[0].strip("-") in capsys.readouterr().err.lower()
    assert list(tmp_path.iterdir()) == []


def test_init_from_a_wrong_file_creates_no_ledger(tmp_path: Path) -> None:
    toml = write(
        tmp_path / "creditor.toml", 'name = "Atelier"\ncountry = "FR"\ncurrency = "EURO"\n'
    )
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--from", str(toml)]) == ExitCode.ERROR
    assert not db.exists()


def test_an_existing_ledger_is_still_changed_by_init(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Atelier Durand"]) == 0
    assert run(["init", "--db", db, "--iban", "FR76 0000"]) == ExitCode.USAGE
    assert run(["init", "--db", db, "--city", "Lyon"]) == 0


def test_the_ledger_and_its_wal_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand"]) == 0
    assert mode(db) == 0o600
    store = open_store(str(db))
    with store.engine.connect() as held:  # WAL and SHM exist while a connection is open
        held.execute(text("CREATE TABLE scratch (x INTEGER)"))
        held.commit()
        for suffix in ("-wal", "-shm"):
            assert mode(db.with_name(db.name + suffix)) == 0o600, suffix
    store.engine.dispose()


def test_letters_and_emails_are_readable_by_the_owner_only(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RELANCE_SMTP_HOST", "RELANCE_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    ids = first_letters(store, tmp_path)
    db = store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "out"
    assert run(["preview", str(ids[0]), "--db", db, "--out", str(out / "preview"),
                "--date", "2018-02-19"]) in (0, ExitCode.BLOCKED)  # fmt: skip
    assert run(["send", "--db", db, "--out", str(out / "sent"), "--date", "2018-02-19",
                "--to-files"]) == 0  # fmt: skip
    # a batch written again goes to a new folder, made as private as the others
    assert run(["print", "1", "--db", db, "--out", str(out / "reprint")]) == 0
    assert list((out / "reprint").glob("print-batch-*.pdf"))
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".eml" for p in files) and any(p.suffix == ".pdf" for p in files)
    assert {str(p.relative_to(out)): oct(mode(p)) for p in files if mode(p) != 0o600} == {}
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert {str(p): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://relance:s3cr3t-pw@127.0.0.1:1/ledger",  # no server on port 1
        PG_URL.replace("postgresql+psycopg://", "postgresql://")
        .replace("@", ":s3cr3t-pw@", 1)
        .rsplit("/", 1)[0]
        + "/relance_no_such_database",
    ],
    ids=["server down", "no such database"],
)
def test_an_unreachable_database_is_one_line_without_its_password(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if "no_such" in url and pg_problem() is not None:
        pytest.skip(f"no PostgreSQL server: {pg_problem()}")
    assert run(["queue", "--db", url]) == ExitCode.ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "s3cr3t-pw" not in err and "***@127.0.0.1" in err
    assert err.startswith("error: cannot open the ledger at postgresql+psycopg://")


def test_an_empty_postgresql_database_is_not_set_up_by_a_listing(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["customers", "--db", pg_url]) == ExitCode.NOT_FOUND
    assert "no relance ledger in" in capsys.readouterr().err
    assert run(["init", "--db", pg_url, "--name", "Atelier Durand"]) == 0
    assert run(["customers", "--db", pg_url]) == 0


def test_init_from_a_file_that_is_not_toml_is_bad_input_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = write(tmp_path / "creditor.toml", 'name = "Atelier"\ncountry = \n')
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--from", str(toml)]) == ExitCode.BAD_INPUT
    said = capsys.readouterr().err.replace("\n", "")  # the terminal may wrap a deep path
    assert "creditor.toml" in said
    assert "line 2" in said
    assert not db.exists()
