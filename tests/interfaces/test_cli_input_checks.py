"""Wrong input is said before anything happens: a promise of "abc", a security mode that does
not exist, a password about to cross the network in clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.interfaces.cli.output import ExitCode
from relance.services import customer_history


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    """A ledger with one customer owing one invoice."""
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Plomberie Martin"]) == 0
    write(tmp_path / "c.csv", "ref;name\nDUPONT;Dupont SA\n")
    write(
        tmp_path / "i.csv",
        "numero;client;date;echeance;montant\nF1;DUPONT;01/01/2026;31/01/2026;500,00\n",
    )
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", url]) == 0
    assert run(["import", "invoices", str(tmp_path / "i.csv"), "--db", url]) == 0
    return url


@pytest.mark.parametrize("amount", ["abc", "12,5,0", "-50", "0", "10.001"])
def test_a_promise_of_a_wrong_amount_is_wrong_usage_and_records_nothing(
    db: str, store: Store, amount: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = run(["promise", "DUPONT", "--amount", amount, "--by", "2026-03-01", "--db", db,
                "--date", "2026-02-10"])  # fmt: skip
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--amount" in err and repr(amount) in err and "Traceback" not in err
    assert [
        e.kind for e in customer_history.history(store, "DUPONT") if e.kind.startswith("promise")
    ] == []


def test_a_right_promise_is_recorded(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["promise", "DUPONT", "--amount", "250,00", "--by", "2026-03-01", "--db", db,
                "--date", "2026-02-10"]) == 0  # fmt: skip
    assert "DUPONT promised 250.00" in capsys.readouterr().out


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in {"RELANCE_SMTP_HOST": "127.0.0.1", "RELANCE_SMTP_PORT": "1",
                        "RELANCE_SMTP_FROM": "compta@martin.fr"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RELANCE_SMTP_PASSWORD", raising=False)
    return monkeypatch


def test_an_unknown_smtp_security_lists_the_valid_ones(
    db: str, smtp_env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp_env.setenv("RELANCE_SMTP_SECURITY", "tls")
    assert run(["send", "--db", db, "--out", str(tmp_path / "out")]) == ExitCode.ERROR
    err = capsys.readouterr().err.replace("\n", "")
    assert "RELANCE_SMTP_SECURITY: 'tls' is not a security mode (use plain, starttls, ssl)" in err
    assert "Traceback" not in err


def test_an_unknown_security_in_the_smtp_file_names_the_file(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path / "smtp.toml", '[smtp]\nhost = "mail"\nfrom = "a@b.fr"\nsecurity = "TLS1.2"\n'
    )
    assert run(["send", "--db", db, "--smtp-config", str(config)]) == ExitCode.ERROR
    err = capsys.readouterr().err.replace("\n", "")
    assert f"{config}: security: 'TLS1.2' is not a security mode (use plain, starttls, ssl)" in err


def test_a_password_over_plain_smtp_is_warned_about(
    db: str, smtp_env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp_env.setenv("RELANCE_SMTP_SECURITY", "plain")
    smtp_env.setenv("RELANCE_SMTP_PASSWORD", "hunter2-secret")
    run(["send", "--db", db, "--out", str(tmp_path / "out"), "--date", "2026-02-10"])
    err = capsys.readouterr().err
    assert "warning:" in err and "password travels unencrypted" in err
    assert "hunter2-secret" not in err
    # the same without a password (a local relay) says nothing
    smtp_env.delenv("RELANCE_SMTP_PASSWORD")
    run(["send", "--db", db, "--out", str(tmp_path / "out"), "--date", "2026-02-10"])
    assert "unencrypted" not in capsys.readouterr().err
