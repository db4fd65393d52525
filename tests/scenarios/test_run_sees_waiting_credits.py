"""The daily run does not chase money that may already be in the bank.

A plumber's three customers are all late. The November statement brings two credits
nobody could match: 200,00 from "AGENCE IMMO CROIX ROUSSE" with no reference (a partial
payment from the agency, most likely), and 96,00 from a stranger, exactly what the Café
des Arts owes. Before, `relance run` queued a reminder to both as if nothing had arrived.
Now each of their steps waits for approval with the credit named beside it in the queue;
with `--hold-on-credit` the steps are not queued at all until the credits are matched.
The Hôtel du Parc, with nothing waiting, is reminded as usual.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

CUSTOMERS = """ref,name,kind,country,language
C01,Agence Immobilière de la Croix-Rousse,business,FR,fr
C08,Hôtel du Parc,business,FR,fr
C17,Café des Arts,business,FR,fr
"""
INVOICES = """number,customer,issue_date,due_date,amount,currency
F2026-0077,C01,2026-09-01,2026-10-01,455.50,EUR
F2026-0067,C08,2026-09-01,2026-10-01,860.00,EUR
F2026-0084,C17,2026-09-01,2026-10-01,96.00,EUR
"""
STATEMENT = """Date opération;Libellé opération;Montant opération
03/11/2026;VIR SEPA RECU /DE AGENCE IMMO CROIX ROUSSE /MOTIF ACOMPTE;200,00
04/11/2026;VIR SEPA RECU /DE M. PAUL GIRAUD /MOTIF CADEAU;96,00
"""


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Plomberie Martin"]) == 0
    assert run(["import", "customers", str(write(tmp_path / "c.csv", CUSTOMERS)), "--db", url]) == 0
    assert run(["import", "invoices", str(write(tmp_path / "i.csv", INVOICES)), "--db", url]) == 0
    statement = write(tmp_path / "bnp.csv", STATEMENT)
    assert run(["import", "bank", str(statement), "--db", url, "--as-of", "2026-11-04"]) == 0
    return url


def queued(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, str]:
    capsys.readouterr()
    assert run(["queue", "--db", db, "--json"]) == 0
    return {row["customer"]: row["status"] for row in json.loads(capsys.readouterr().out)}


def test_a_step_an_unmatched_credit_could_pay_waits_for_approval_with_the_credit_named(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["unmatched", "--db", db]) == 0
    assert "AGENCE IMMO CROIX ROUSSE" in capsys.readouterr().out  # the payer, read from the label

    assert run(["run", "--db", db, "--date", "2026-11-05"]) == 0
    said = " ".join(capsys.readouterr().out.split())

    assert "from AGENCE IMMO CROIX ROUSSE could pay it (the payer's name is the customer's)" in said
    statuses = queued(capsys, db)
    assert statuses["C01"] == statuses["C17"] == "proposed"  # never sent without a person
    assert set(statuses) == {"C01", "C08", "C17"}
    assert run(["queue", "--db", db]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "(C01): unmatched credit" in shown and "of 200.00 EUR" in shown
    assert "(C17): unmatched credit" in shown and "of 96.00 EUR" in shown
    assert "(C08)" not in shown


def test_with_hold_on_credit_the_step_is_not_queued_until_the_credit_is_matched(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["run", "--db", db, "--date", "2026-11-05", "--hold-on-credit"]) == 0
    said = " ".join(capsys.readouterr().out.split())

    assert "held: C01" in said and "held: C17" in said
    assert set(queued(capsys, db)) == {"C08"}
