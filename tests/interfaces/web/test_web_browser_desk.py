"""The customer's agreements, Today's alerts, the reports and the settings in a real headless
Chromium against `relance serve` (the fixtures of `test_web_browser.py`): every new page is
captured at 1280 and 390 pixels wide into the test's `screenshots` folder."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.interfaces.web.test_web_browser import (  # noqa: F401  (fixtures used by name)
    Shots,
    browser,
    server,
    sign_in,
)

from relance.bootstrap import open_store
from relance.services import agreements, contracts, customer_history, reports


@pytest.mark.slow
def test_a_manager_agrees_a_plan_reads_the_reports_and_keeps_the_settings(
    server: tuple[str, Path],  # noqa: F811
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    base, db = server
    shots = Shots(tmp_path / "screenshots")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, "claire@atelier.example")
    assert page.locator("text=Alertes").count() == 1  # the shipped rates are unconfirmed
    shots.take(page, "today-alerts")

    page.goto(f"{base}/customers/ACME")
    page.click("summary:has-text('Ajouter une note')")
    page.fill("form[action$='/note'] textarea[name=note]", "rappeler après le 15")
    page.click("form[action$='/note'] button")
    page.wait_for_selector("text=Note ajoutée.")
    page.click("summary:has-text('Accorder un échéancier')")
    page.fill("input[name=instalments]", "2")
    page.fill("input[name=first]", (date.today() + timedelta(days=10)).isoformat())
    page.click("form[action$='/plan'] button")
    page.wait_for_selector("text=Échéancier accordé.")
    page.click("summary:has-text('Modifier les conditions')")
    page.fill("input[name=rate]", "12")
    page.click("form[action$='/terms'] button")
    page.wait_for_selector("text=Conditions modifiées.")
    shots.take(page, "customer-agreements")

    page.click("nav >> text=Rapports")
    page.fill("input[name=buckets]", "15,45")
    page.click("button:has-text('Afficher')")
    page.wait_for_selector("th:has-text('16 à 45 j')")
    shots.take(page, "reports-aging")
    csv = page.request.get(f"{base}/reports/aging.csv?buckets=15,45")
    assert csv.ok and csv.text().startswith("customer,name,currency,current,1-15,16-45")
    page.click(".tabs >> text=Intérêts")
    page.fill("input[name=target]", "ACME")
    page.click("button:has-text('Afficher')")
    page.wait_for_selector("text=Facture F-101")
    shots.take(page, "reports-interest")
    page.click(".tabs >> text=Prescription")
    shots.take(page, "reports-limitation")
    page.click(".tabs >> text=Délais de paiement")
    shots.take(page, "reports-terms")

    page.click("nav >> text=Réglages")
    shots.take(page, "settings-creditor")
    page.fill("input[name=phone]", "+33 4 72 00 00 00")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Créancier enregistré.")
    page.click(".tabs >> text=Politiques")
    shots.take(page, "settings-policies")
    page.click(".tabs >> text=Modèles")
    page.fill("textarea[name=text]", "{% block subject %}{{ oops }}{% endblock %}")
    page.click("button:has-text('Aperçu')")
    page.wait_for_selector("text=brouillon non enregistré")
    assert page.locator(".preview .error").count() == 1
    shots.take(page, "settings-templates")
    page.click(".tabs >> text=Taux")
    shots.take(page, "settings-rates")

    store = open_store(str(db))
    kinds = {e.kind: e.actor for e in customer_history.history(store, "ACME")}
    assert kinds["note.added"] == kinds["plan.agreed"] == kinds["contract_terms"]
    assert kinds["note.added"] == "claire@atelier.example"
    assert len(agreements.plans_of(store, "ACME", date.today())) == 1
    assert str(contracts.contract_of(store, "ACME").rate) == "12"
    creditor = reports.creditor(store)
    assert creditor is not None and creditor.phone == "+33 4 72 00 00 00"
    store.engine.dispose()
