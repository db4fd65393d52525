"""A deposit invoice (facture d'acompte): its reminder says it is a deposit and on which
invoice; once the final invoice is imported, the deposit paid is deducted from it, and an
unpaid deposit moves onto it, so the customer never owes the deposit twice."""

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def _open(db: str, day: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    rows = _json(["invoices", "--db", db, "--as-of", day, "--json"], capsys)
    return {r["number"]: r["open"] for r in rows}


def test_a_deposit_is_chased_as_one_then_deducted_from_its_final_invoice(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Plomberie Durand", "--city", "Lyon",
                "--address", "1 rue Neuve", "--postal-code", "69002", "--siren", "732829320",
                "--legal-form", "SARL", "--capital", "20 000 €", "--rcs-city", "Lyon",
                "--email", "compta@durand.fr", "--signatory", "Claire Durand"]) == 0  # fmt: skip
    write(tmp_path / "c.csv", "ref;nom;adresse;code_postal;ville;email\n"
          "DUP;Dupont SA;3 rue Haute;69003;Lyon;compta@dupont.fr\n"
          "MAR;Martin SARL;5 rue Basse;69004;Lyon;compta@martin.fr\n")  # fmt: skip
    write(tmp_path / "a.csv", "numero;client;date;echeance;montant;objet\n"
          "A-1;DUP;01/09/2026;15/09/2026;360,00;Chaudière, acompte 30 %\n"
          "A-2;MAR;01/09/2026;15/09/2026;500,00;Salle de bains, acompte\n")  # fmt: skip
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", db]) == 0
    assert run(["import", "invoices", str(tmp_path / "a.csv"), "--db", db]) == 0
    assert run(["deposit", "add", "A-1", "--for", "F-0100", "--db", db]) == 0
    assert run(["deposit", "add", "A-2", "--for", "F-0200", "--db", db]) == 0

    # the deposit is chased, and its reminder says what it is
    assert run(["run", "--db", db, "--date", "2026-10-01"]) == 0
    queue = _json(["queue", "--db", db, "--json"], capsys)
    (action,) = [q for q in queue if q["customer"] == "DUP"]
    assert action["invoices"] == ["A-1"]
    assert run(["preview", str(action["id"]), "--db", db, "--out", str(tmp_path / "p"),
                "--date", "2026-10-01"]) == 0  # fmt: skip
    (mail,) = (tmp_path / "p").glob("*.email.txt")
    text = mail.read_text(encoding="utf-8")
    assert "Acompte à valoir sur la facture F-0100 – Chaudière, acompte 30 %" in text

    # DUP pays its deposit; MAR does not. Then the final invoices come.
    write(tmp_path / "p.csv", "date;client;montant;facture\n05/10/2026;DUP;360,00;A-1\n")
    assert run(["import", "payments", str(tmp_path / "p.csv"), "--db", db]) == 0
    write(tmp_path / "f.csv", "numero;client;date;echeance;montant\n"
          "F-0100;DUP;30/10/2026;29/11/2026;1 200,00\nF-0200;MAR;30/10/2026;29/11/2026;1 500,00\n")  # fmt: skip
    assert run(["import", "invoices", str(tmp_path / "f.csv"), "--db", db]) == 0
    assert _open(db, "2026-11-15", capsys) == {
        "A-1": "0.00",
        "A-2": "0.00",
        "F-0100": "840.00",
        "F-0200": "1500.00",
    }
    capsys.readouterr()
    assert run(["deposit", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert (
        "A-1 on F-0100: deducted 2026-10-30" in out and "A-2 on F-0200: deducted 2026-10-30" in out
    )
