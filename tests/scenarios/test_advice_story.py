"""relance advise: a deposit for a new customer, for a large order and for a long job, a
discount with its cost for a slow payer in good standing, a lower limit for one paying
later and later, and nothing for a steady payer with small orders."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

LATE = {"LENT": [0, 0, 0, 0, 0, 0, 5, 15, 25, 40, 55, 70], "SLOW": [20] * 12, "STEADY": [0] * 12}


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def test_advice_names_its_reason_each_time(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Atelier Durand SARL"]) == 0
    write(tmp_path / "c.csv", "ref;nom;plafond\nLENT;Lenteur;5000\nSLOW;Tardif;\n"
          "STEADY;Régulier;20000\nNEW;Nouveau;3000\n")  # fmt: skip
    invoices = ["numero;client;date;echeance;montant;date_livraison"]
    payments = ["date;client;montant;facture"]
    for ref, lateness in LATE.items():
        for month, late in enumerate(lateness, start=1):
            issued = date(2025, month, 1)
            due = issued + timedelta(days=30)
            number = f"{ref}-{month:02d}"
            invoices.append(f"{number};{ref};{issued:%d/%m/%Y};{due:%d/%m/%Y};1000,00;")
            payments.append(f"{due + timedelta(days=late):%d/%m/%Y};{ref};1000,00;{number}")
    # NEW's first order is large (2000 of 3000) and its job runs two months
    invoices.append("NEW-1;NEW;20/01/2026;19/02/2026;2000,00;25/03/2026")
    write(tmp_path / "f.csv", "\n".join(invoices) + "\n")
    write(tmp_path / "p.csv", "\n".join(payments) + "\n")
    for kind, name in (("customers", "c.csv"), ("invoices", "f.csv"), ("payments", "p.csv")):
        assert run(["import", kind, str(tmp_path / name), "--db", db]) == 0

    rows = _json(["advise", "--db", db, "--as-of", "2026-02-15", "--json"], capsys)
    got = {(r["customer"], r["advice"], r["invoice"]) for r in rows}
    assert got == {
        ("NEW", "deposit", ""),
        ("NEW", "deposit", "NEW-1"),
        ("SLOW", "discount", ""),
        ("LENT", "lower_limit", ""),
    }
    reasons = {(r["customer"], r["advice"]): r["reason"] for r in rows if not r["invoice"]}
    assert reasons[("NEW", "deposit")] == "new customer (first invoice on 2026-01-20)"
    by_invoice = [r["reason"] for r in rows if r["invoice"] == "NEW-1"]
    assert sorted(by_invoice) == [
        "job NEW-1 runs 64 days, more than 30",
        "order NEW-1 of 2000.00 EUR is 66 % of the credit limit",
    ]
    assert reasons[("LENT", "lower_limit")].startswith(
        "graded D (pays on average 15.5 days beyond terms"
    )
    assert reasons[("LENT", "lower_limit")].endswith(
        "lower the limit from 5000.00 EUR to 2500.00 EUR"
    )
    # 2 % of 1000 costs 20; paying at day 10 instead of day 50 saves 40 days at 8 %: 8.77
    assert reasons[("SLOW", "discount")] == (
        "slow payer in good standing (C, 20.0 days beyond terms): 2 % within 10 days on an "
        "average invoice of 1000.00 EUR costs 20.00 EUR, and saves 40 days of financing at "
        "8.0 % a year, 8.77 EUR (the discount is 18.6 % a year): costs more than it saves"
    )
    cheaper = _json(["advise", "--db", db, "--as-of", "2026-02-15", "--json", "--discount",
                     "0.5", "--financing-rate", "12"], capsys)  # fmt: skip
    (slow,) = [r for r in cheaper if r["advice"] == "discount"]
    assert slow["reason"].endswith("worth offering")
