"""A customer who pays later and later: its grade falls, with the reasons that say why; a
steady payer keeps its A; an exposure over the credit limit is flagged at import and in
the daily run's summary."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

LATENESS = [0, 0, 0, 0, 0, 0, 5, 15, 25, 40, 55, 70]  # days beyond terms, month by month


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def _ledger(db: str, tmp_path: Path) -> None:
    assert run(["init", "--db", db, "--name", "Atelier Durand SARL"]) == 0
    write(tmp_path / "c.csv", "ref;nom;plafond\nLENT;Bâtiment Lenteur;\nSTEADY;Régulier SA;2500\n")
    invoices, payments = ["numero;client;date;echeance;montant"], ["date;client;montant;facture"]
    for month, late in enumerate(LATENESS, start=1):
        issued = date(2025, month, 1)
        due = issued + timedelta(days=30)
        for ref in ("LENT", "STEADY"):
            number = f"{ref[0]}-{month:02d}"
            invoices.append(f"{number};{ref};{issued:%d/%m/%Y};{due:%d/%m/%Y};1000,00")
            paid = due + timedelta(days=late if ref == "LENT" else 0)
            payments.append(f"{paid:%d/%m/%Y};{ref};1000,00;{number}")
    # STEADY's last orders are not due yet on 15 February 2026: 3000 EUR against 2500
    for day, number in ((date(2026, 2, 2), "S-13"), (date(2026, 2, 9), "S-14")):
        invoices.append(f"{number};STEADY;{day:%d/%m/%Y};{day + timedelta(30):%d/%m/%Y};1500,00")
    write(tmp_path / "f.csv", "\n".join(invoices) + "\n")
    write(tmp_path / "p.csv", "\n".join(payments) + "\n")
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", db]) == 0
    assert run(["import", "invoices", str(tmp_path / "f.csv"), "--db", db]) == 0
    assert run(["import", "payments", str(tmp_path / "p.csv"), "--db", db]) == 0


def test_a_customer_paying_later_and_later_falls_from_a_to_d(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    _ledger(db, tmp_path)
    (summer,) = _json(["risk", "LENT", "--db", db, "--as-of", "2025-07-15", "--json"], capsys)
    assert (summer["grade"], summer["average_days_late"], summer["share_late"]) == (
        "A",
        "0.0",
        "0.00",
    )
    assert summer["usual_stage"] == "before any reminder"
    (winter,) = _json(["risk", "LENT", "--db", db, "--as-of", "2026-02-15", "--json"], capsys)
    assert winter["grade"] == "D"
    # 5+15+25+40+55 days paid late, and 46 days so far on the December invoice
    assert winter["average_days_late"] == "15.5" and winter["share_late"] == "0.50"
    assert (winter["recent_days_late"], winter["earlier_days_late"]) == ("36.2", "0.7")
    assert winter["reasons"].startswith("pays on average 15.5 days beyond terms")
    assert (
        "paying later: 36.2 days beyond terms over the last six months against 0.7"
        in (winter["reasons"])
    )

    rows = _json(["risk", "--db", db, "--as-of", "2026-02-15", "--json"], capsys)
    steady = next(r for r in rows if r["customer"] == "STEADY")
    assert steady["grade"] == "A" and steady["over_limit"] is True
    assert (steady["exposure"], steady["overdue"], steady["credit_limit"]) == (
        "3000.00",
        "0.00",
        "2500.00",
    )
    capsys.readouterr()
    assert run(["run", "--db", db, "--date", "2026-02-15"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "warning: STEADY is over its credit limit" in out and "LENT is over" not in out


def test_an_import_that_takes_a_customer_over_its_limit_says_so(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Atelier Durand SARL"]) == 0
    write(tmp_path / "c.csv", "ref;nom;plafond\nDUP;Dupont SA;1000\n")
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", db]) == 0
    soon = date.today() + timedelta(days=20)
    write(tmp_path / "f.csv", f"numero;client;date;echeance;montant\nF1;DUP;{date.today():%d/%m/%Y};"
          f"{soon:%d/%m/%Y};1200,00\n")  # fmt: skip
    capsys.readouterr()
    assert run(["import", "invoices", str(tmp_path / "f.csv"), "--db", db]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "warning: DUP is over its credit limit" in out
