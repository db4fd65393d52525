"""A deposit paid before its invoice exists: the credit is visible while it waits, and the
invoice arrives already (partly) paid, as a credit manager would book it."""

import json
from pathlib import Path
from typing import Any

from tests.conftest import write

from relance.interfaces.cli.main import run


def _json(args: list[str], capsys) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def test_a_deposit_waits_as_credit_then_pays_its_invoice_when_it_arrives(tmp_path: Path, capsys):
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Plomberie Durand"]) == 0
    write(tmp_path / "clients.csv", "ref;nom\nDUP;Dupont SA\nMAR;Martin SARL\n")
    assert run(["import", "customers", str(tmp_path / "clients.csv"), "--db", db]) == 0
    # 30 % down payment on the boiler, received on 5 September for the future invoice F-0100
    acompte = write(
        tmp_path / "acompte.csv",
        "date;client;montant;mode;facture\n05/09/2026;DUP;360,00;virement;F-0100\n",
    )
    capsys.readouterr()
    # before: "unknown invoice 'F-0100'", exit 3, and the deposit could not be recorded
    assert run(["import", "payments", str(acompte), "--db", db]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "F-0100 is not in the ledger yet" in out and "kept on account" in out

    # while it waits, the credit shows in the aged balance and the customers list
    aging = _json(["aging", "--db", db, "--as-of", "2026-09-20", "--json"], capsys)
    (dup,) = [row for row in aging["customers"] if row["customer"] == "DUP"]
    assert dup["total"] == "0.00" and dup["unapplied_credit"] == "360.00"
    (client,) = [c for c in _json(["customers", "--db", db, "--json"], capsys) if c["ref"] == "DUP"]
    assert client["unapplied_credit"] == "360.00 EUR"

    factures = write(
        tmp_path / "factures.csv",
        "numero;client;date;echeance;montant\nF-0100;DUP;30/09/2026;30/10/2026;1 200,00\n",
    )
    assert run(["import", "invoices", str(factures), "--db", db]) == 0
    assert "1 allocations" in capsys.readouterr().out
    invoices = _json(["invoices", "--db", db, "--as-of", "2026-11-15", "--json"], capsys)
    assert [(i["number"], i["open"], i["status"]) for i in invoices] == [
        ("F-0100", "840.00", "partially_paid")
    ]
    aging = _json(["aging", "--db", db, "--as-of", "2026-11-15", "--json"], capsys)
    (dup,) = [row for row in aging["customers"] if row["customer"] == "DUP"]
    assert aging["totals"][0]["unapplied_credit"] == "0.00"
    assert dup["total"] == "840.00" and dup["unapplied_credit"] == "0.00"
