"""Rates are the user's data too (docs/law.md, "Rates").

Atelier Durand chases Dupont SA (a business) for 10 000 EUR due 30 June 2026 and Julie
Martin (a consumer) for 1 200 EUR. The ECB rate of 17 June 2026 is shipped from a single
unofficial source, and the French legal rate for the second half of 2026 is not shipped at
all. The user checks the first, adds the second, and letters follow.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import cli_ledger, write
from tests.unit_of_work import within

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.services import contracts, letter_charges
from relance.services.stage_fees import LetterStep

CUSTOMERS = "ref;name;kind;country\nDUP;Dupont SA;business;FR\nMARTIN;Julie Martin;consumer;FR\n"
INVOICES = """number;customer;issue_date;due_date;currency;amount;tax
F-10K;DUP;2026-05-31;2026-06-30;EUR;10000.00;0
F-2K;DUP;2026-05-31;2026-06-30;EUR;2000.00;0
F-C1;MARTIN;2026-05-31;2026-06-30;EUR;1200.00;0
"""
AS_OF = date(2026, 8, 30)
INTEREST = LetterStep(charges=("interest", "indemnity"))


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    return cli_ledger(store, tmp_path, CUSTOMERS, INVOICES)


def test_an_unconfirmed_rate_is_said_then_confirmed_by_the_user(
    db: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["rates", "list", "ecb_mro", "--since", "2026-06-17", "--db", db, "--json"]) == 0
    (shipped,) = json.loads(capsys.readouterr().out)
    assert (shipped["from"], shipped["rate"], shipped["confirmed"], shipped["origin"]) == (
        "2026-06-17", "2.40", False, "shipped",
    )  # fmt: skip

    # The run warns; the letter leaves the interest out and says it comes separately.
    assert run(["run", "--db", db, "--date", AS_OF.isoformat(), "--dry-run"]) == 0
    assert "rate ecb_mro from 2026-06-17 (2.40 %) is unconfirmed" in " ".join(
        capsys.readouterr().out.split()
    )
    claim = within(store, letter_charges.letter_claim, "DUP", ["F-10K"], AS_OF, INTEREST)
    assert next((row.label, row.amount) for row in claim.rows) == (
        "Intérêts de retard, facture F-10K", None,
    )  # fmt: skip
    assert all(row.amount is None or row.amount.amount != 0 for row in claim.rows)
    # Several invoices: one sentence names them all, each keeps its 40 EUR line.
    both = within(store, letter_charges.letter_claim, "DUP", ["F-10K", "F-2K"], AS_OF, INTEREST)
    assert (both.rows[0].label, both.rows[0].amount) == (
        "Intérêts de retard, factures F-10K, F-2K", None,
    )  # fmt: skip
    assert len(both.rows) == 3

    assert run(["rates", "confirm", "ecb_mro", "2026-07-01", "--source",
                "ECB press release of 11 June 2026", "--db", db]) == 0  # fmt: skip
    claim = within(store, letter_charges.letter_claim, "DUP", ["F-10K"], AS_OF, INTEREST)
    # C. com. L441-10 II: ECB rate on 1 July 2026, 2.40 % + 10 = 12.40 %, 1 July-30 Aug:
    #   10 000 × 12.40 % × 61 / 365 = 75 640 / 365 = 207.232… → 207.23 EUR
    assert [str(row.amount) for row in claim.rows] == ["207.23 EUR", "40.00 EUR"]
    assert "× 61 / 365 jours, base exact/365" in claim.rows[0].explanation
    assert claim.warnings == ()
    capsys.readouterr()
    assert run(["rates", "list", "ecb_mro", "--since", "2026-06-17", "--db", db, "--json"]) == 0
    (mine,) = json.loads(capsys.readouterr().out)
    assert (mine["confirmed"], mine["origin"], mine["source"]) == (
        True, "yours", "ECB press release of 11 June 2026",
    )  # fmt: skip


def test_a_missing_legal_rate_is_never_0_00_and_the_users_period_fills_it(
    db: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    # The notice reached Julie Martin on 10 July 2026 (C. civ. 1231-6, 1344-1).
    within(
        store, contracts.record_formal_notice, "MARTIN", date(2026, 7, 10), invoice_number="F-C1"
    )
    capsys.readouterr()
    assert run(["interest", "MARTIN", "--db", db, "--as-of", AS_OF.isoformat()]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "0,00" not in said and "rate is missing" in said
    assert run(["interest", "MARTIN", "--db", db, "--as-of", AS_OF.isoformat(), "--json"]) == 0
    (invoice,) = json.loads(capsys.readouterr().out)["invoices"]
    assert (invoice["total"], invoice["complete"]) == (None, False)

    assert run(["rates", "add", "fr_legal_other", "--from", "2026-07-01", "--to", "2026-12-31",
                "--rate", "2.30", "--source", "arrêté de juin 2026, JORF", "--db", db]) == 0  # fmt: skip
    capsys.readouterr()
    assert run(["interest", "MARTIN", "--db", db, "--as-of", AS_OF.isoformat(), "--json"]) == 0
    (invoice,) = json.loads(capsys.readouterr().out)["invoices"]
    # 11 July - 30 August = 21 + 30 = 51 days: 1 200 × 2.30 % × 51 / 365 = 1 407.6 / 365
    #   = 3.856… → 3.86 EUR (C. civ. 1231-6: the legal rate, from the notice's receipt)
    assert (invoice["total"], invoice["complete"]) == ("3.86", True)


def test_the_day_count_is_the_creditors_setting_shown_on_the_formula_line(
    db: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = "number;customer;issue_date;due_date;currency;amount;tax\nF-LEAP;DUP;2024-01-01;2024-01-31;EUR;1000.00;0\n"
    assert run(["import", "invoices", str(write(tmp_path / "leap.csv", late)), "--db", db]) == 0
    on = date(2024, 3, 1)
    # ECB rate on 1 January 2024: 4.50 % + 10 = 14.50 %; 1 February - 1 March 2024 = 30 days.
    # actual/365 (the default):  1 000 × 14.50 % × 30 / 365 = 4 350 / 365 = 11.917… → 11.92
    (row, _) = within(store, letter_charges.letter_claim, "DUP", ["F-LEAP"], on, INTEREST).rows
    assert str(row.amount) == "11.92 EUR" and "/ 365 jours, base exact/365" in row.explanation
    assert run(["rates", "settings", "--day-count", "actual/actual", "--db", db]) == 0
    # actual/actual, 2024 being a leap year: 1 000 × 14.50 % × 30 / 366 = 11.885… → 11.89
    (row, _) = within(store, letter_charges.letter_claim, "DUP", ["F-LEAP"], on, INTEREST).rows
    assert str(row.amount) == "11.89 EUR" and "/ 366 jours, base exact/exact" in row.explanation


def test_a_french_ledger_reads_its_rates_and_interest_notes_in_french(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Atelier Durand keeps its ledger in French: tables write 2,40 % and 17 juin 2026,
    # while the CSV an accountant imports keeps 2.40 and 2026-06-17.
    capsys.readouterr()
    assert run(["rates", "list", "ecb_mro", "--since", "2026-06-17", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "2,40\u00a0%" in table and "17 juin 2026" in table
    assert "2.40" not in table and "2026-06-17" not in table
    assert run(["rates", "list", "ecb_mro", "--since", "2026-06-17", "--db", db,
                "--format", "csv"]) == 0  # fmt: skip
    assert "2026-06-17" in capsys.readouterr().out

    assert run(["interest", "F-10K", "--db", db, "--as-of", AS_OF.isoformat()]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  [1]")]
    (note,) = notes
    assert "2,4" in note and "+ 10 points" in note and "2.4" not in note, note
    assert "2026-" not in note, note


def test_a_send_warns_of_a_rate_only_when_it_wrote_letters(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    customers = (
        "ref;name;kind;country;email;address;postal_code;city\n"
        "DUP;Dupont SA;business;FR;compta@dupont.example;3 rue Neuve;69001;Lyon\n"
    )
    db = cli_ledger(store, tmp_path, customers, INVOICES.replace("F-C1;MARTIN", "F-C1;DUP"))
    assert run(["init", "--db", db, "--signatory", "Claire Durand", "--address",
                "12 rue des Tanneurs", "--postal-code", "69002", "--city", "Lyon", "--email",
                "compta@durand.fr", "--legal-form", "SARL", "--capital", "10 000 €",
                "--rcs-city", "Lyon", "--siren", "732829320"]) == 0  # fmt: skip
    out = str(tmp_path / "out")
    send = ["send", "--db", db, "--date", AS_OF.isoformat(), "--out", out, "--to-files"]
    capsys.readouterr()
    assert run(send) == 0  # nothing approved yet: nothing written, nothing to warn of
    assert "warning" not in capsys.readouterr().out
    assert run(["run", "--db", db, "--date", AS_OF.isoformat()]) == 0
    assert run(["approve", "--all", "--db", db]) == 0
    capsys.readouterr()
    assert run(send) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "1 e-mails written" in said
    assert "rate ecb_mro from 2026-06-17 (2.40 %) is unconfirmed" in said
