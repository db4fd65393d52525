"""A wrong file never becomes money: what a user who picks the wrong file or the wrong
command now sees, and what stays out of the ledger."""

import json
import time
from pathlib import Path

import pytest
from tests.conftest import write

from relance.interfaces.cli.main import run

INVOICES = (
    "numero;client;date;echeance;montant;objet\n"
    "F-0001;DUP;01/09/2026;01/10/2026;1 200,00;Chaudière\n"
    "F-0002;DUP;15/09/2026;15/10/2026;300,00;Robinet\n"
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", path, "--name", "Plomberie Durand"]) == 0
    customers = write(tmp_path / "clients.csv", "ref;nom\nDUP;Dupont SA\n")
    assert run(["import", "customers", str(customers), "--db", path]) == 0
    return path


def _credit(db: str, capsys: pytest.CaptureFixture[str]) -> list[object]:
    """The customers holding unapplied credit, as the aged balance shows them."""
    capsys.readouterr()
    assert run(["aging", "--db", db, "--as-of", "2026-11-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["customers"]
    return [row["customer"] for row in rows if row["unapplied_credit"] != "0.00"]


@pytest.mark.parametrize("command", ["payments", "credit-notes"])
def test_an_invoices_file_imported_as_payments_is_refused(db, tmp_path, capsys, command):
    # The user meant `import invoices factures.csv` and typed `import payments`: before,
    # 2 invoice rows became 1 500 € of credit that silenced the customer's reminders.
    factures = write(tmp_path / "factures.csv", INVOICES)
    assert run(["import", command, str(factures), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert "this looks like an invoices file, not " in err
    assert "relance import invoices" in err
    # even when told to ignore unknown columns: the file is of another kind
    assert run(["import", command, str(factures), "--db", db, "--ignore-unknown-columns"]) == 3
    assert _credit(db, capsys) == []
    assert run(["import", "invoices", str(factures), "--db", db]) == 0


def test_an_unknown_column_is_refused_unless_asked_to_ignore_it(db, tmp_path, capsys):
    extra = write(
        tmp_path / "factures.csv",
        "numero;client;date;echeance;montant;commercial\nF-1;DUP;01/09/2026;01/10/2026;10,00;Bob\n",
    )
    assert run(["import", "invoices", str(extra), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert "unknown column(s) for invoices: 'commercial'" in err
    assert "--ignore-unknown-columns" in err
    assert run(["import", "invoices", str(extra), "--db", db, "--ignore-unknown-columns"]) == 0
    assert "unknown columns ignored: 'commercial'" in capsys.readouterr().out


def test_a_header_of_a_million_columns_is_refused_at_once_in_one_line(db, tmp_path, capsys):
    # before: 127 s and 8.9 MB of "unknown columns" on the terminal
    wide = write(tmp_path / "wide.csv", ";".join(f"c{i}" for i in range(1_000_000)) + "\n")
    started = time.perf_counter()
    assert run(["import", "invoices", str(wide), "--db", db]) == 3
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert "header line is longer than 64 KiB" in err.replace("\n", "")
    assert len(err) < 1000
    print(f"refused in {elapsed:.2f} s")  # a figure for the report, not an assertion
    many = write(tmp_path / "many.csv", ";".join(f"c{i}" for i in range(5000)) + "\n")
    assert run(["import", "invoices", str(many), "--db", db]) == 3
    err = capsys.readouterr().err
    assert "the header has 5000 columns; relance reads at most 200" in err.replace("\n", "")
    assert len(err) < 1000


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_line(db, tmp_path, capsys):
    # Rows pasted from an old export into a UTF-8 file: before, "SociÃ©tÃ©" was stored.
    mixed = tmp_path / "clients.csv"
    mixed.write_bytes(
        b"ref;nom\n"
        + b"C1;" + "Société Générale".encode("cp1252") + b"\n"
        + b"C2;" + "Société Marseillaise".encode() + b"\n"
    )  # fmt: skip
    assert run(["import", "customers", str(mixed), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert f"{mixed}:3:" in err and "mixes two encodings" in err
    other = tmp_path / "clients2.csv"
    other.write_bytes(
        b"ref;nom\nC1;" + "Société".encode() + b"\nC2;" + "Hélène".encode("cp1252") + b"\n"
    )
    assert run(["import", "customers", str(other), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert f"{other}:3:" in err and "mixes two encodings" in err
    assert run(["customers", "--db", db, "--json"]) == 0
    assert [c["ref"] for c in json.loads(capsys.readouterr().out)] == ["DUP"]


@pytest.mark.parametrize(
    ("cell", "column", "why"),
    [
        ('"compta@dupont.fr\nfactures@dupont.fr"', "email", "line break inside the cell"),
        ("compta@dupont", "email", "is not an e-mail address"),
        ('"compta@dupont.fr; jean.dupont@"', "email", "'jean.dupont@' is not an e-mail"),
    ],
)
def test_a_bad_email_address_is_an_error_naming_line_and_column(
    db, tmp_path, capsys, cell, column, why
):
    # A line break typed with Alt+Enter in a spreadsheet: before, imported, then `send`
    # stopped at that customer on every run.
    path = write(
        tmp_path / "clients.csv", f"ref;nom;email\nC1;Martin;a@martin.fr\nC2;Dupont;{cell}\n"
    )
    assert run(["import", "customers", str(path), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert f"{path}:3: {column}:" in err and why in err


def test_several_addresses_in_one_cell_are_each_kept(db, tmp_path, capsys):
    path = write(
        tmp_path / "clients.csv",
        "ref;nom;email\nC1;Martin;compta@martin.fr, Jean@Martin.FR;\n",
    )
    assert run(["import", "customers", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert run(["customers", "--db", db, "--json"]) == 0
    (c1,) = [c for c in json.loads(capsys.readouterr().out) if c["ref"] == "C1"]
    assert c1["email"] == "compta@martin.fr, Jean@martin.fr"


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("siren", "732 829 321", "is not a valid SIREN/SIRET"),
        ("siret", "732 829 320 00075", "is not a valid SIREN/SIRET"),
        ("tva_intracom", "FR 41 303 265 045", "is not a valid VAT number"),
    ],
)
def test_a_wrong_customer_identifier_is_an_error(db, tmp_path, capsys, column, value, why):
    path = write(tmp_path / "clients.csv", f"ref;nom;{column}\nC1;Martin SARL;{value}\n")
    assert run(["import", "customers", str(path), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    field = "vat_number" if column == "tva_intracom" else "registration_id"
    assert f"{path}:2: {field}:" in err and why in err


def test_right_identifiers_are_kept_in_their_standard_form(db, tmp_path, capsys):
    path = write(
        tmp_path / "clients.csv",
        "ref;nom;siren;tva_intracom\nC1;Martin SARL;732 829 320;fr 40 303 265 045\n",
    )
    assert run(["import", "customers", str(path), "--db", db]) == 0
