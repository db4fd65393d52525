"""The workbench's files and sending in a real headless Chromium, against `relance serve` in
its own process: a manager imports a CSV and a bank statement through the Imports page
(dry run, then confirmation), matches the credit on the Payments page, sends the approved
letter from the Queue, follows the progress page to its report and opens the print
batch's PDF. Every new page is captured at 1280 and 390 pixels wide into the test's
`screenshots` folder. Chromium and Playwright as in `test_web_browser`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.interfaces.web.test_web_browser import (
    Shots,
    browser,
    prepared_ledger,
    serving,
    sign_in,
)

from relance.adapters.storage import repository_letters as rl
from relance.bootstrap import open_store
from relance.core.registered_mail import RegisteredRecord
from relance.services import customer_history, dunning, imports

__all__ = ["browser"]  # the fixture, shared with the other browser story


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`relance serve` with its letters and uploads in the test's folder; URL and ledger."""
    db = prepared_ledger(tmp_path, date.today())
    with serving(tmp_path, db) as base:
        yield base, db


def upload(page: Any, base: str, kind: str, path: Path) -> None:
    """Send a file from the Imports page; lands on its dry run."""
    page.goto(f"{base}/imports")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('Vérifier')")
    page.wait_for_selector("h1:has-text('Vérification de')")


@pytest.mark.slow
def test_a_manager_imports_matches_sends_and_opens_the_print_batch(
    served: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    base, db = served
    shots = Shots(tmp_path / "screenshots")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, "claire@atelier.example")

    due = date.today() - timedelta(days=45)
    invoices = tmp_path / "factures-novembre.csv"
    invoices.write_text(
        "number,customer,issue_date,due_date,amount,currency\n"
        f"F-102,ACME,{due - timedelta(days=30)},{due},480.00,EUR\n",
        encoding="utf-8",
    )
    page.goto(f"{base}/imports")
    shots.take(page, "imports")
    upload(page, base, "invoices", invoices)
    assert page.locator("dd", has_text="1").count() >= 1
    shots.take(page, "import-check")
    page.click("button:has-text('Importer')")
    page.wait_for_selector("text=factures-novembre.csv importé")
    assert page.locator("td", has_text="factures-novembre.csv").count() == 1

    bad = tmp_path / "factures-fausses.csv"
    bad.write_text(
        "number,customer,issue_date,due_date,amount,currency\nF-9,ACME,hier,2026-01-01,1,EUR\n"
    )
    upload(page, base, "invoices", bad)
    assert page.locator("p.error", has_text="Ligne 2").count() == 1
    shots.take(page, "import-error")
    page.click("button:has-text('Abandonner')")
    page.wait_for_selector("text=rien n’a été importé")

    statement = tmp_path / "releve.csv"
    statement.write_text(
        "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        f"{date.today():%d/%m/%Y};VIR ACME SARL;100,00;ACME SARL;;;B1\n",
        encoding="utf-8",
    )
    upload(page, base, "bank", statement)
    page.click("button:has-text('Importer')")
    page.wait_for_selector("text=releve.csv importé")
    page.click("nav >> text=Paiements")
    page.wait_for_selector("h1:has-text('Paiements à lettrer')")
    shots.take(page, "payments")

    page.goto(f"{base}/")
    page.click("text=Lancer la journée")
    page.wait_for_selector("text=Journée lancée")
    page.goto(f"{base}/queue")
    page.check("input[name=id]")
    page.click("button:has-text('Approuver la sélection')")
    page.wait_for_selector("text=approuvée(s).")
    page.click("button:has-text('Envoyer les actions approuvées')")
    page.wait_for_url(f"{base}/queue/send/**")
    # the page refreshes itself (a meta refresh, no script) until the report is there
    page.wait_for_selector("text=action(s) faite(s)", timeout=120_000)
    shots.take(page, "send-report")
    href = page.get_attribute("a:has-text('Ouvrir le PDF du lot')", "href")
    batch = page.request.get(f"{base}{href}")
    assert batch.headers["content-type"] == "application/pdf"
    assert batch.body().startswith(b"%PDF")
    store = open_store(str(db))
    done = max(
        q.id for q in dunning.queue(store, everything=True) if q.action.status.value == "done"
    )
    with store.begin() as conn:  # as a registered letter's send records it
        rl.save_registered(conn, done, RegisteredRecord(str(done), "la_poste", "ab" * 32))
    page.goto(f"{base}/queue/registered")
    page.fill("input[name=tracking]", "1A00012345678")
    page.click("button:has-text('Enregistrer le dépôt')")
    page.wait_for_selector("text=dépôt enregistré")
    page.fill("input[name=received]", "2000-01-01")
    page.click("button:has-text('Enregistrer l’accusé')")
    page.wait_for_selector("p.error")  # received before it was posted: said on the form
    shots.take(page, "registered")

    sent = [e for e in customer_history.history(store, "ACME") if e.kind == "letters.sent"]
    assert sent and sent[-1].actor == "claire@atelier.example"
    names = [r.file_name for r in imports.list_imports(store)]
    assert "factures-novembre.csv" in names and "factures-fausses.csv" not in names
    store.engine.dispose()
