"""The ledger commands as a user types them, read back as the user sees them."""

import json
from pathlib import Path

import pytest
from tests.conftest import write

from relance.interfaces.cli.main import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.sqlite")


def test_init_import_and_aging_as_json(db, tmp_path, capsys):
    assert run(["init", "--db", db, "--name", "Atelier Durand", "--iban",
                "FR76 3000 6000 0112 3456 7890 189", "--email", "compta@durand.fr"]) == 0  # fmt: skip
    customers = write(tmp_path / "c.csv", "ref;name;kind;country\nDUP;Dupont SA;business;FR\n")
    invoices = write(
        tmp_path / "i.csv",
        "numero;client;date;echeance;montant\nF1;DUP;01/01/2026;31/01/2026;1 000,00\n",
    )
    assert run(["import", "customers", str(customers), "--db", db]) == 0
    assert run(["import", "invoices", str(invoices), "--db", db]) == 0
    capsys.readouterr()
    assert run(["aging", "--db", db, "--as-of", "2026-03-02", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (row,) = report["customers"]  # the totals are apart, never a customer called TOTAL
    assert (row["customer"], row["1-30"]) == ("DUP", "1000.00")  # 30 days late on 2 March
    assert report["totals"] == [{"currency": "EUR", "current": "0.00", "1-30": "1000.00",
                                 "31-60": "0.00", "61-90": "0.00", "91-120": "0.00",
                                 "over 120": "0.00", "total": "1000.00",
                                 "unapplied_credit": "0.00"}]  # fmt: skip
    assert run(["aging", "--db", db, "--as-of", "2026-03-03", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "customer,name,currency,current,1-30,31-60,61-90,91-120,over 120,total,unapplied_credit"
    )
    assert lines[1] == "DUP,Dupont SA,EUR,0.00,0.00,1000.00,0.00,0.00,0.00,1000.00,0.00"


def test_a_bad_file_exits_with_a_message_naming_file_line_and_field(db, tmp_path, capsys):
    run(["init", "--db", db, "--name", "Atelier Durand"])
    bad = write(tmp_path / "bad.csv", "ref,name,country\nC1,Dupont,France\n")
    assert run(["import", "customers", str(bad), "--db", db]) == 3
    err = capsys.readouterr().err
    assert f"{bad}:2: country:" in err.replace("\n", "")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("kind", "header", "row", "column"),
    [
        ("customers", "ref,name,country", "C2,Martin,ZZ", "country"),
        ("customers", "ref,name,currency", "C2,Martin,ZZZ", "currency"),
        (
            "invoices",
            "number,customer,issue_date,due_date,amount,currency",
            "F2,C1,2026-01-01,2026-01-31,10,ZZZ",
            "currency",
        ),
        (
            "credit-notes",
            "number,customer,date,amount,currency",
            "A2,C1,2026-02-01,5,ZZZ",
            "currency",
        ),
        ("payments", "date,customer,amount,currency", "2026-02-01,C1,5,ZZZ", "currency"),
    ],
    ids=lambda v: v if v in ("customers", "invoices", "credit-notes", "payments") else "",
)
def test_a_code_that_is_not_iso_is_refused_with_its_line(
    db, tmp_path, capsys, kind, header, row, column
):
    # "ZZ" and "ZZZ" look like codes but are no country and no currency: a ledger that
    # took them would total "3 000,00 ZZZ" and print them on letters.
    run(["init", "--db", db, "--name", "Atelier Durand"])
    dupont = write(tmp_path / "c1.csv", "ref,name\nC1,Dupont\n")
    assert run(["import", "customers", str(dupont), "--db", db]) == 0
    capsys.readouterr()
    bad = write(tmp_path / f"{kind}.csv", f"{header}\n{row}\n")
    assert run(["import", kind, str(bad), "--db", db]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert f"{bad.name}:2: {column}:" in err and "ISO" in err
    assert run(["customers", "--db", db, "--format", "json"]) == 0
    assert [c["ref"] for c in json.loads(capsys.readouterr().out)] == ["C1"]


def test_dry_run_says_what_would_change(db, tmp_path, capsys):
    run(["init", "--db", db, "--name", "Atelier Durand"])
    customers = write(tmp_path / "c.csv", "ref,name\nC1,Dupont\nC2,Martin\n")
    assert run(["import", "customers", str(customers), "--db", db, "--dry-run"]) == 0
    assert "2 rows would change: 2 new" in capsys.readouterr().out
    assert run(["customers", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_init_refuses_a_wrong_iban(db, capsys):
    assert run(["init", "--db", db, "--name", "X", "--iban", "FR76 0000"]) == 2
    assert "iban" in capsys.readouterr().err.lower()


def test_a_usage_error_exits_2(db):
    assert run(["aging", "--db", db, "--as-of", "2026-02-30"]) == 2


def test_the_demo_is_the_same_for_the_same_date(tmp_path, capsys):
    assert run(["demo", "--as-of", "2026-11-23", "--dir", str(tmp_path / "d")]) == 0
    first = capsys.readouterr().out
    assert run(["demo", "--as-of", "2026-11-23", "--dir", str(tmp_path / "d")]) == 0
    assert capsys.readouterr().out == first
    assert "Aged balance as of 23 nov. 2026 — USD" in first  # the seed's invoice 12345
    capsys.readouterr()
    db = str(tmp_path / "d" / "relance.sqlite")
    assert run(["invoices", "--db", db, "--customer", "SMITHCO", "--as-of", "2026-11-23",
                "--json"]) == 0  # fmt: skip
    (seed,) = json.loads(capsys.readouterr().out)
    assert (seed["number"], seed["open"], seed["currency"], seed["days_overdue"]) == (
        "12345", "100.00", "USD", 49,
    )  # fmt: skip


def test_init_from_a_toml_file(db, tmp_path, capsys):
    creditor = write(
        tmp_path / "creditor.toml",
        '[creditor]\nname = "Atelier Durand SARL"\ncountry = "FR"\ncurrency = "EUR"\n'
        'iban = "FR76 3000 6000 0112 3456 7890 189"\nregistration_id = "732 829 320"\n'
        'signatory_name = "Claire Durand"\n[creditor.address]\nlines = ["12 rue des Tanneurs"]\n'
        'postal_code = "69002"\ncity = "Lyon"\n',
    )
    assert run(["init", "--db", db, "--from", str(creditor)]) == 0
    assert "Atelier Durand SARL" in capsys.readouterr().out
    unknown = write(
        tmp_path / "bad.toml", 'name = "X"\ncountry = "FR"\ncurrency = "EUR"\ncolour = "red"\n'
    )
    assert run(["init", "--db", db, "--from", str(unknown)]) == 1
    assert "unknown key(s): colour" in capsys.readouterr().err


def test_init_again_changes_only_what_is_given(db, tmp_path, capsys):
    assert run(["init", "--db", db, "--name", "Atelier Durand", "--iban",
                "FR76 3000 6000 0112 3456 7890 189"]) == 0  # fmt: skip
    assert (
        "Letters will need: --address/--postal-code/--city, --signatory" in capsys.readouterr().out
    )
    assert run(["init", "--db", db, "--signatory", "Claire Durand", "--address", "12 rue des Tanneurs",
                "--postal-code", "69002", "--city", "Lyon", "--email", "compta@durand.fr",
                "--legal-form", "SARL", "--capital", "10 000 €", "--rcs-city", "Lyon",
                "--siren", "732829320"]) == 0  # fmt: skip
    assert "Letters will need" not in capsys.readouterr().out
    from relance.bootstrap import open_store
    from relance.services.reports import creditor

    saved = creditor(open_store(db))
    assert saved is not None
    assert (saved.name, saved.iban, saved.signatory_name, saved.address.city) == (
        "Atelier Durand", "FR7630006000011234567890189", "Claire Durand", "Lyon",
    )  # fmt: skip


def test_the_currency_cannot_change_under_invoices(db, tmp_path, capsys):
    run(["init", "--db", db, "--name", "Atelier Durand"])
    run(
        [
            "import",
            "customers",
            str(write(tmp_path / "c.csv", "ref,name\nDUP,Dupont\n")),
            "--db",
            db,
        ]
    )
    invoices = write(
        tmp_path / "i.csv",
        "number,customer,issue_date,due_date,amount\nF1,DUP,2026-01-01,2026-01-31,10\n",
    )
    run(["import", "invoices", str(invoices), "--db", db])
    capsys.readouterr()
    assert run(["init", "--db", db, "--currency", "GBP"]) == 1
    assert "cannot become GBP" in capsys.readouterr().err
