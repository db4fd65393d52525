"""`relance statement` as a user types it: the files it writes and the mistakes it refuses."""

import csv
import io
from pathlib import Path

import pdfplumber
import pytest
from tests.conftest import sqlite_ledger
from tests.scenarios.test_statement_story import dupont

from relance.interfaces.cli.main import run


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    return dupont(sqlite_ledger(tmp_path / "ledger.sqlite"), tmp_path)


def test_the_statement_as_pdf_and_as_csv(ledger: str, tmp_path: Path, capsys):
    pdf, table = tmp_path / "releve.pdf", tmp_path / "releve.csv"
    capsys.readouterr()
    assert run(["statement", "DUP", "--as-of", "30/11/2026", "--out", str(pdf),
                "--db", ledger, "--lang", "en"]) == 0  # fmt: skip
    said = " ".join(capsys.readouterr().out.split())
    assert "DUP at 2026-11-30 in EUR: balance 1 250,00 €" in said.replace("\u202f", " ")
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text() or ""
    assert "STATEMENT OF ACCOUNT" in text and "Period" not in text
    assert run(["statement", "DUP", "--as-of", "2026-11-30", "--from", "2026-10-15",
                "--out", str(table), "--db", ledger]) == 0  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert (rows[0]["kind"], rows[0]["date"], rows[0]["balance"]) == (
        "opening", "2026-10-14", "1300.00"
    )  # fmt: skip
    assert rows[-1]["kind"] == "closing" and rows[-1]["balance"] == "1250.00"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["NOPE", "--as-of", "2026-11-30"], 4, "unknown customer 'NOPE'"),
        (["DUP", "--as-of", "31/02/2026"], 2, "'--as-of'"),
        (["DUP", "--as-of", "2026-11-30", "--from", "yesterday"], 2, "'--from'"),
        (["DUP", "--as-of", "2026-11-30", "--from", "2026-12-01"], 2, "is after --as-of"),
        (["DUP", "--as-of", "2026-11-30", "--lang", "de"], 2, "'--lang'"),
        (["DUP", "--as-of", "2026-11-30", "--currency", "USD"], 4, "no movement in USD"),
    ],
)
def test_a_mistake_writes_nothing(ledger: str, tmp_path: Path, capsys, args, code, words):
    out = tmp_path / "releve.pdf"
    capsys.readouterr()
    assert run(["statement", *args, "--out", str(out), "--db", ledger]) == code
    assert words in " ".join(capsys.readouterr().err.split())
    assert not out.exists() and list(tmp_path.glob("*.part")) == []


def test_only_pdf_or_csv(ledger: str, tmp_path: Path, capsys):
    capsys.readouterr()
    out = tmp_path / "releve.xlsx"
    assert run(["statement", "DUP", "--out", str(out), "--db", ledger]) == 2
    assert "must end in .pdf or .csv" in capsys.readouterr().err
    assert not out.exists()
