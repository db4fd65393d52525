"""Today's alerts: limitation, rates, proceedings and plan instalments, from the services the
CLI uses for each."""

from __future__ import annotations

from datetime import date

from tests.conftest import write
from tests.interfaces.web.conftest import Workbench

from relance.adapters.formats.ledger_csv import CsvKind
from relance.core.insolvency import InsolvencyCase, Procedure
from relance.core.proceedings import ProceedingKind
from relance.core.users import Role
from relance.services import insolvency, pauses, proceedings
from relance.services.ledger_import import import_ledger_csv


def test_today_warns_of_limitation_proceedings_instalments_and_rates(
    workbench: Workbench, tmp_path
) -> None:
    store = workbench.store
    old = "number,customer,issue_date,due_date,amount,currency\n" \
          "F-OLD,CIEL,2022-01-05,2022-02-04,75.00,EUR\n"  # fmt: skip
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "old.csv", old))
    proceedings.open_proceeding(
        store, "BOLT", ProceedingKind.INSOLVENCY, date(2026, 11, 20), note="<i>RJ</i>"
    )
    case = InsolvencyCase("ACME", Procedure.REDRESSEMENT, date(2026, 11, 10), date(2026, 11, 14))
    insolvency.open_case_by_hand(store, case)
    pauses.plan(store, "ACME", ["F-001"], 2, date(2026, 12, 3), "1m", date(2026, 11, 1))
    page = workbench.signed_in(Role.VIEWER).get("/").text
    assert "Alertes" in page
    assert "F-OLD" in page and "prescrite le 5 janv. 2027" in page
    assert "procédure collective" in page and "&lt;i&gt;RJ&lt;/i&gt;" in page
    assert "déclarer la créance au mandataire avant le 14 janv. 2027 (45 j)" in page
    assert "600,00\xa0€ · pour le 3 déc. 2026" in page  # the plan's first instalment
    assert "Le taux ecb_mro du 17 juin 2026 (2,4 %) n’est pas confirmé" in page  # as shipped
    assert 'href="/settings/rates"' not in page  # a viewer is not sent to the settings
    manager = workbench.signed_in(Role.MANAGER)
    assert 'href="/settings/rates"' in manager.get("/").text


def test_a_paid_instalment_is_no_longer_an_alert(workbench: Workbench, tmp_path) -> None:
    store = workbench.store
    pauses.plan(store, "ACME", ["F-001"], 2, date(2026, 11, 28), "1m", date(2026, 11, 1))
    page = workbench.signed_in(Role.VIEWER).get("/").text
    assert "Échéances de plans" in page and "en retard" in page
    paid = "customer,date,amount,currency,invoice\nACME,2026-11-29,600.00,EUR,F-001\n"
    import_ledger_csv(store, CsvKind.PAYMENTS, write(tmp_path / "p.csv", paid))
    page = workbench.signed_in(Role.VIEWER).get("/").text
    assert "Échéances de plans" not in page
