"""`relance user` and `relance serve`: accounts made from the shell, the server's guard."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from tests.interfaces.test_cli_startup import imported_after

from relance.bootstrap import open_store
from relance.interfaces.cli.main import run
from relance.interfaces.cli.serve import is_loopback
from relance.services import users


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Atelier Durand"]) == 0
    return db


def add(db: str, email: str, role: str, password: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return run(["user", "add", email, "--role", role, "--db", db, "--password-stdin"])


def test_an_account_made_from_the_shell_can_sign_in(
    ledger: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(ledger, "Claire@Atelier.fr", "admin", "long enough pass", monkeypatch) == 0
    assert "claire@atelier.fr created (admin)" in capsys.readouterr().out
    assert users.authenticate(open_store(ledger), "claire@atelier.fr", "long enough pass")
    assert run(["user", "list", "--db", ledger, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(row["email"], row["role"]) for row in listed] == [("claire@atelier.fr", "admin")]


def test_a_short_password_or_an_unknown_role_is_refused(
    ledger: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(ledger, "a@b.fr", "admin", "short", monkeypatch) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert add(ledger, "a@b.fr", "boss", "long enough pass", monkeypatch) == 2
    assert users.user_count(open_store(ledger)) == 0


def test_serving_beyond_loopback_needs_an_account(
    ledger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["serve", "--db", ledger, "--host", "0.0.0.0", "--port", "1"]) == 5
    assert "relance user add" in capsys.readouterr().err


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.org")


def test_the_web_libraries_are_imported_by_serve_alone() -> None:
    loaded = imported_after(
        "from relance.interfaces.cli.main import run\nassert run(['--help']) == 0"
    )
    assert loaded & {"starlette", "uvicorn", "multipart", "argon2", "itsdangerous"} == set()


def test_the_demo_says_how_to_open_it_in_a_browser_and_with_which_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from relance.services.demo_accounts import DEMO_PASSWORD

    folder = tmp_path / "demo"
    assert run(["demo", "--as-of", "2026-11-23", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"relance serve --db {folder / 'relance.sqlite'}" in out
    assert "manager@demo.relance.example" in out and DEMO_PASSWORD in out
    store = open_store(str(folder / "relance.sqlite"))
    signed = users.authenticate(store, "manager@demo.relance.example", DEMO_PASSWORD)
    assert signed is not None and signed.role.value == "manager"
