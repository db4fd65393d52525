"""`relance kpi` on the small ledger of tests/kpi_ledger.py: the figures computed by hand,
as a table for people and as CSV and JSON for programs; wrong dates said with the option."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests import kpi_ledger as book

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run


@pytest.fixture
def db(store: Store) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Atelier Durand", "--language", "en"]) == 0
    book.write_ledger(store)
    return url


def kpi(db: str, *args: str) -> list[str]:
    return ["kpi", "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-12-01",
            "--db", db, *args]  # fmt: skip


def test_csv_gives_each_kpi_of_each_month_with_what_it_was_divided_from(
    db: str, capsys: pytest.CaptureFixture[str]
):
    capsys.readouterr()
    assert run(kpi(db, "--by", "month", "--format", "csv")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    november = {(r["kpi"], r["stage"]): r for r in rows if r["from"] == "2026-11-01"}
    assert november[("dso", "")]["value"] == "43.3"
    # 7,800 owed over 5,400 of credit sales (× 30 days)
    assert (november[("dso", "")]["numerator"], november[("dso", "")]["denominator"]) == (
        "7800.00",
        "5400.00",
    )
    assert november[("dso_countback", "")]["value"] == "42.4"
    assert november[("cei", "")]["value"] == "73.9"
    assert november[("stage_effectiveness", "letter1")]["value"] == "75.0"
    assert november[("promises_kept_by_count", "")]["numerator"] == "1"
    assert november[("agency_recovery", "")]["value"] == "25.0"
    assert {r["currency"] for r in rows} == {"EUR"}
    assert {r["to"] for r in rows} == {"2026-10-31", "2026-11-30"}


def test_json_is_the_same_listing_for_programs(db: str, capsys: pytest.CaptureFixture[str]):
    capsys.readouterr()
    assert run(kpi(db, "--json")) == 0
    found = json.loads(capsys.readouterr().out)
    whole = {(r["kpi"], r["stage"]): r["value"] for r in found}
    # the two months as one period of 61 days: 7,800 / (6,000 + 5,400) × 61 = 41.7
    assert whole[("dso", "")] == "41.7"
    assert whole[("credit_sales", "")] == "11400.00"


def test_the_table_has_a_column_per_month(db: str, capsys: pytest.CaptureFixture[str]):
    capsys.readouterr()
    assert run(kpi(db, "--by", "month")) == 0
    out = capsys.readouterr().out
    assert "Collection KPIs in EUR" in out
    (dso,) = [line for line in out.splitlines() if line.startswith("DSO (standard)")]
    assert dso.split()[-2:] == ["47.5", "43.3"]  # October, November; English ledger: points
    (third,) = [line for line in out.splitlines() if "third reminder" in line]
    assert third.split()[-3:] == ["—", "100.0", "%"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--from", "2026-02-30"], "--from"),
        (["--from", "2026-11-01", "--to", "tomorrow"], "--to"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "--to"),
        (["--from", "2026-11-01", "--as-of", "31/13/2026"], "--as-of"),
        (["--from", "2026-11-01", "--by", "week"], "--by"),
    ],
)
def test_a_wrong_date_or_range_is_a_usage_error_naming_the_option(
    tmp_path, args: list[str], named: str, capsys: pytest.CaptureFixture[str]
):
    capsys.readouterr()
    code = run(["kpi", *args, "--db", str(tmp_path / "none.sqlite")])
    assert code == 2
    assert named in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()  # refused before any ledger is opened
