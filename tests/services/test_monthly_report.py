"""The monthly report of November 2026 on the small ledger of tests/kpi_ledger.py, read
back from the PDF: the month's KPIs as computed by hand, the aged balance, the customers
most overdue, what the process did; and the charts as SVG and PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from tests import kpi_ledger as book

from relance.adapters.storage import repository_kpi as kpi_repo
from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.services.monthly_report import parse_month, write_monthly_report

NOVEMBER = parse_month("2026-11")


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_what_the_process_did_in_november(store: Store):
    book.write_ledger(store)
    with store.begin() as conn:
        activity = kpi_repo.month_activity(conn, NOVEMBER)
    # A2 (8 Nov) and A3 (28 Nov), both third reminders, both letters
    assert [(s.stage, s.steps, s.by_channel) for s in activity.stages] == [
        ("letter3", 2, (("letter", 2),))
    ]
    # P1, P2 and P3 were made in November: 2,000 + 1,000 + 1,500
    assert (activity.promises_made, activity.promised) == (3, (book.eur("4500"),))
    assert activity.handed_to_agencies == 1  # J1, on 2 November
    assert (activity.disputes_opened, activity.write_offs) == (0, 0)


def test_the_french_report_of_november(sqlite_store: Store, tmp_path: Path):
    book.write_ledger(sqlite_store)
    out = tmp_path / "rapport.pdf"
    report = write_monthly_report(
        sqlite_store, NOVEMBER, out, as_of=book.AS_OF, language="fr", months=3
    )
    assert [p.label for p in report.kpis.periods] == ["2026-09", "2026-10", "2026-11"]
    text = pdf_text(out)
    assert "Rapport mensuel de recouvrement – novembre 2026" in text
    lines = text.splitlines()

    def row(name: str) -> str:  # the table's row (the definitions come later)
        return next(line for line in lines if line.startswith(name))

    # the hand-computed figures of tests/core/test_kpi.py, October then November
    assert row("DSO (méthode comptable)").endswith("47,5 j 43,3 j")
    assert row("Efficacité du recouvrement (CEI)").endswith("23,8 % 73,9 %")
    assert row("Recouvré par les agences").endswith("25,0 %")
    # the customers most overdue at 30 November: Ardoises (O1, 1,500), then Carrières (J1)
    assert text.index("Ardoises du Maine") < text.index("Carrières de l'Ouest")
    assert "1 500,00" in text.replace("\u202f", " ")
    assert "3e relance 2 2" in text  # two steps at the third reminder, both letters
    assert not list(tmp_path.glob(".*partial"))


def test_the_english_report_and_a_wrong_month(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    book.write_ledger(sqlite_store)
    db = sqlite_store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "report.pdf"
    args = ["report", "monthly", "2026-11", "--out", str(out), "--lang", "en", "--db", db]
    assert run([*args, "--as-of", "2026-12-01"]) == 0
    text = pdf_text(out)
    assert "Monthly collection report – November 2026" in text
    assert "third reminder" in text and "Promises kept (by count)" in text
    capsys.readouterr()
    assert run(["report", "monthly", "2026-13", "--out", str(tmp_path / "x.pdf"), "--db", db]) == 2
    assert "MONTH" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_charts_as_svg_and_pdf(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    book.write_ledger(sqlite_store)
    db = sqlite_store.engine.url.render_as_string(hide_password=False)
    args = ["kpi", "--from", "2026-09-01", "--to", "2026-11-30", "--by", "month",
            "--as-of", "2026-12-01", "--db", db, "--csv"]  # fmt: skip
    assert run([*args, "--chart", str(tmp_path / "kpi.svg")]) == 0
    svg = (tmp_path / "kpi.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "DSO (méthode par épuisement)" in svg  # the ledger speaks French
    assert run([*args, "--chart", str(tmp_path / "kpi.pdf")]) == 0
    assert "Payé sous 14 jours, par étape (%) – EUR" in pdf_text(tmp_path / "kpi.pdf")
    capsys.readouterr()
    assert run([*args, "--chart", str(tmp_path / "kpi.png")]) == 2
    assert "--chart" in capsys.readouterr().err
    assert not (tmp_path / "kpi.png").exists()


def test_a_month_is_written_as_2026_11():
    assert parse_month("2026-02").last == date(2026, 2, 28)
    with pytest.raises(ValueError, match="2026-11"):
        parse_month("novembre")


def test_the_report_of_an_empty_ledger_says_there_is_nothing(sqlite_store: Store, tmp_path: Path):
    out = tmp_path / "empty.pdf"
    write_monthly_report(sqlite_store, NOVEMBER, out, as_of=book.AS_OF, language="fr")
    text = pdf_text(out)
    assert "Rien de facturé sur ces mois : pas d'indicateur." in text
    assert "Rien n'est dû à la fin du mois." in text
    assert "Aucune étape réalisée dans le mois." in text
    assert "1er décembre 2026" in text  # payments counted up to, as the letters write it
