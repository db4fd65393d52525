"""`relance imports` and `relance imports undo` as a user types them."""

import json
from pathlib import Path

from tests.conftest import write

from relance.interfaces.cli.main import run


def test_the_user_lists_imports_and_undoes_the_wrong_one(tmp_path: Path, capsys):
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Plomberie Durand"]) == 0
    clients = write(tmp_path / "clients.csv", "ref;nom\nDUP;Dupont SA\n")
    factures = write(
        tmp_path / "factures.csv",
        "numero;client;date;echeance;montant\nF-1;DUP;01/09/2026;01/10/2026;1 200,00\n",
    )
    paiements = write(
        tmp_path / "paiements.csv", "date;client;montant;facture\n20/10/2026;DUP;1 200,00;F-1\n"
    )
    for kind, path in (("customers", clients), ("invoices", factures), ("payments", paiements)):
        assert run(["import", kind, str(path), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "(import #3)" in out
    assert run(["imports", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(i["id"], i["file"], i["kind"], i["rows"]) for i in listed] == [
        (1, "clients.csv", "customers", 1),
        (2, "factures.csv", "invoices", 1),
        (3, "paiements.csv", "payments", 1),
    ]
    assert len(listed[0]["sha256"]) == 64 and listed[0]["imported_at"]
    # the invoices cannot go while the payment is applied to them: exit 5, with the reason
    assert run(["imports", "undo", "2", "--db", db]) == 5
    err = capsys.readouterr().err.replace("\n", "")
    assert "import #2 cannot be undone" in err and "applied to invoice F-1 by import #3" in err
    assert "--cascade" in err
    assert run(["imports", "undo", "3", "--db", db]) == 0
    assert "import #3 (paiements.csv) undone: removed 1 payments, 1 allocations" in (
        capsys.readouterr().out.replace("\n", " ")
    )
    assert run(["imports", "undo", "2", "--db", db]) == 0
    capsys.readouterr()
    assert run(["imports", "--db", db, "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,file,sha256,kind,rows,imported_at,undone_at"
    assert all(line.split(",")[-1] for line in lines[2:])  # both undone, with the date
    assert run(["history", "DUP", "--db", db, "--json"]) == 0
    kinds = [e["event"] for e in json.loads(capsys.readouterr().out)]
    assert kinds.count("import_undone") == 2
    # undoing it again is refused (exit 5) in one line that says when it was undone
    assert run(["imports", "undo", "2", "--db", db]) == 5
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"import #2 was already undone on {lines[2].split(',')[-1][:10]}" in err
    assert run(["imports", "undo", "9", "--db", db]) == 4
