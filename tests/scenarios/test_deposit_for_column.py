"""A deposit invoice (acompte) marked in the invoices CSV itself (`deposit_for`), as an
accounting export gives it, instead of one `relance deposit add` per invoice."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.services.deposits import deposit_links


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def _ledger(store: Store, tmp_path: Path) -> str:
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Plomberie Durand"]) == 0
    write(tmp_path / "c.csv", "ref;nom\nDUP;Dupont SA\nMAR;Martin SARL\n")
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", db]) == 0
    return db


def test_the_column_marks_the_deposit_and_the_final_invoice_deducts_it(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ledger(store, tmp_path)
    write(tmp_path / "a.csv", "numero;client;date;echeance;montant;acompte_sur\n"
          "A-1;DUP;01/09/2026;15/09/2026;360,00;F-0100\n"
          "B-7;MAR;01/09/2026;01/10/2026;80,00;\n")  # fmt: skip
    assert run(["import", "invoices", str(tmp_path / "a.csv"), "--db", db]) == 0
    links = deposit_links(store)
    assert [(d.deposit_number, d.final_number) for d in links] == [("A-1", "F-0100")]
    # A-1 paid, then the final invoice comes in a later file: the 360 is deducted from it
    write(tmp_path / "p.csv", "date;client;montant;facture\n05/10/2026;DUP;360,00;A-1\n")
    assert run(["import", "payments", str(tmp_path / "p.csv"), "--db", db]) == 0
    write(tmp_path / "f.csv", "numero;client;date;echeance;montant\n"
          "F-0100;DUP;30/10/2026;30/11/2026;1 200,00\n")  # fmt: skip
    assert run(["import", "invoices", str(tmp_path / "f.csv"), "--db", db]) == 0
    rows = _json(["invoices", "--db", db, "--as-of", "2026-11-15", "--json"], capsys)
    assert {r["number"]: r["open"] for r in rows} == {
        "A-1": "0.00", "B-7": "80.00", "F-0100": "840.00"
    }  # fmt: skip
    # the same file again changes nothing and marks nothing twice
    assert run(["import", "invoices", str(tmp_path / "a.csv"), "--db", db]) == 0
    assert [(d.deposit_number, d.settled_on) for d in deposit_links(store)] == [
        ("A-1", date(2026, 10, 30))
    ]


def test_a_deposit_and_its_final_invoice_in_one_file(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ledger(store, tmp_path)
    write(tmp_path / "i.csv", "number,customer,issue_date,due_date,amount,deposit_for\n"
          "A-2,MAR,2026-09-01,2026-09-15,500.00,F-0200\n"
          "F-0200,MAR,2026-10-01,2026-10-31,2000.00,\n")  # fmt: skip
    assert run(["import", "invoices", str(tmp_path / "i.csv"), "--db", db]) == 0
    rows = _json(["invoices", "--db", db, "--as-of", "2026-11-15", "--json"], capsys)
    # A-2 unpaid: it is closed and owed on F-0200 instead, so 2 000 once, not 2 500
    assert {r["number"]: r["open"] for r in rows} == {"A-2": "0.00", "F-0200": "2000.00"}


def test_undoing_the_import_takes_the_mark_with_the_invoice(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ledger(store, tmp_path)
    write(tmp_path / "a.csv", "numero;client;date;echeance;montant;acompte_sur\n"
          "A-1;DUP;01/09/2026;15/09/2026;360,00;F-0100\n")  # fmt: skip
    assert run(["import", "invoices", str(tmp_path / "a.csv"), "--db", db]) == 0
    (latest,) = [i for i in _json(["imports", "--db", db, "--json"], capsys)
                 if i["kind"] == "invoices"]  # fmt: skip
    # before: the database refused the undo (the mark still named the invoice)
    assert run(["imports", "undo", str(latest["id"]), "--db", db]) == 0
    assert deposit_links(store) == []


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("A-3;DUP;01/09/2026;15/09/2026;100,00;A-3", "cannot be a deposit on itself"),
        ("A-4;DUP;01/09/2026;15/09/2026;100,00;M-1", "is MAR's in EUR"),
    ],
)
def test_a_wrong_link_names_its_line_and_writes_nothing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, words: str
) -> None:
    db = _ledger(store, tmp_path)
    write(
        tmp_path / "m.csv",
        "numero;client;date;echeance;montant\nM-1;MAR;01/09/2026;01/10/2026;10,00\n",
    )
    assert run(["import", "invoices", str(tmp_path / "m.csv"), "--db", db]) == 0
    bad = write(
        tmp_path / "bad.csv", "numero;client;date;echeance;montant;acompte_sur\n" + row + "\n"
    )
    capsys.readouterr()
    assert run(["import", "invoices", str(bad), "--db", db]) == 3
    said = " ".join(capsys.readouterr().err.split())
    assert "bad.csv:2" in said and "deposit_for" in said and words in said
    rows = _json(["invoices", "--db", db, "--json"], capsys)
    assert [r["number"] for r in rows] == ["M-1"]
