"""The imports page: a file sent from the browser, checked in a dry run (nothing written,
every problem named by line and column), confirmed or dropped; undone unless later
records depend on it. Managers only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.conftest import write
from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.repository_workbench import CustomerFilter
from relance.core.users import Role
from relance.services import customer_history, customer_list, imports
from relance.services.ledger_import import import_ledger_csv

NEW_CUSTOMERS = (
    "ref,name,kind,country,language,email\nDELTA,Delta <i>SA</i>,business,FR,fr,d@delta.example\n"
)
NEW_INVOICES = (
    "number,customer,issue_date,due_date,amount,currency\n"
    "F-010,DELTA,2026-09-01,2026-09-30,500.00,EUR\n"
)
BAD_INVOICES = (
    "number,customer,issue_date,due_date,amount,currency\n"
    "F-011,ACME,2026-09-01,2026-09-30,10.00,EUR\n"
    "F-012,ACME,2026-09-01,2026-09-30,dix euros,EUR\n"
    "F-013,ACME,2026-09-01,2026-09-30,12.00,EUR\n"
    "F-014,ACME,le premier,2026-09-30,12.00,EUR\n"
)


def send(client: TestClient, kind: str, name: str, content: str, **extra: str) -> str:
    """Post the upload form; the address of the dry run it redirects to."""
    token = csrf_of(client.get("/imports").text)
    answer = client.post(
        "/imports",
        data={"csrf": token, "kind": kind, **extra},
        files={"file": (name, content.encode(), "text/csv")},
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def refs(workbench: Workbench) -> set[str]:
    found = customer_list.customer_page(workbench.store, TODAY, which=CustomerFilter.ALL)
    return {c.ref for c in found.rows}


def test_a_csv_is_checked_first_then_imported_on_confirmation(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.MANAGER)
    check = send(client, "customers", "clients <nouveaux>.csv", NEW_CUSTOMERS)
    assert re.fullmatch(r"/imports/check/[\w-]+", check)
    page = client.get(check).text
    assert "Vérification de clients &lt;nouveaux&gt;.csv" in page
    assert "Lignes lues" in page and "/confirm" in page
    assert "DELTA" not in refs(workbench)  # a dry run writes nothing
    answer = client.post(check + "/confirm", data={"csrf": csrf_of(page)})
    assert answer.status_code == 303 and answer.headers["location"] == "/imports"
    listing = client.get("/imports").text
    assert "clients &lt;nouveaux&gt;.csv importé : 1 ligne(s) lues, 1 créée(s)" in listing
    assert "DELTA" in refs(workbench)
    (record,) = [
        r for r in imports.list_imports(workbench.store) if r.file_name.startswith("clients")
    ]
    assert f"/imports/{record.id}/undo" in listing
    # the token is used: confirming again imports nothing more
    again = client.post(check + "/confirm", data={"csrf": csrf_of(listing)})
    assert again.status_code == 303 and "no longer waiting" in client.get("/imports").text


def test_a_bad_row_is_named_by_line_and_column_and_nothing_is_written(
    workbench: Workbench,
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    before = len(imports.list_imports(workbench.store))
    check = send(client, "invoices", "factures.csv", BAD_INVOICES)
    page = client.get(check).text
    assert "Le fichier ne peut pas être importé" in page
    assert "Ligne 3" in page and "colonne amount" in page
    assert "Ligne 5" in page and "colonne issue_date" in page  # every row refused, in one go
    assert "2 erreur(s)" in page
    assert "/confirm" not in page
    answer = client.post(check + "/confirm", data={"csrf": csrf_of(page)})
    assert answer.headers["location"] == check  # still refused, shown again
    assert len(imports.list_imports(workbench.store)) == before
    dropped = client.post(check + "/drop", data={"csrf": csrf_of(page)})
    assert dropped.status_code == 303 and "rien n’a été importé" in client.get("/imports").text
    assert client.get(check).headers["location"] == "/imports"


def test_a_file_of_another_kind_is_refused_naming_it(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.MANAGER)
    page = client.get(send(client, "payments", "clients.csv", NEW_CUSTOMERS)).text
    assert "Le fichier ne peut pas être importé" in page and "clients.csv" in page
    assert "/tmp" not in page and "uploads" not in page  # the server's folders stay its own


def test_a_bank_statement_reports_what_it_would_match(workbench: Workbench) -> None:
    statement = (
        "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        "20/11/2026;VIR INCONNU;77,00;Quelqu'un;;;Z1\n"
    )
    client = workbench.signed_in(Role.MANAGER)
    page = client.get(send(client, "bank", "releve.csv", statement)).text
    assert "Paiements à lettrer" in page and "/confirm" in page


def test_a_bad_bank_line_is_named_as_a_bad_ledger_line_is(workbench: Workbench) -> None:
    # Every reader gives a line as its number: the page says "Ligne 3", never "Ligne line 3".
    statement = (
        "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        "20/11/2026;VIR DUPONT;77,00;Dupont;;;Z1\n"
        "21/11/2026;VIR DURAND;soixante;Durand;;;Z2\n"
    )
    client = workbench.signed_in(Role.MANAGER)
    page = client.get(send(client, "bank", "releve.csv", statement)).text
    assert "Le fichier ne peut pas être importé" in page
    assert "Ligne 3" in page and "line 3" not in page
    assert "/confirm" not in page


def test_undo_is_refused_while_a_later_payment_depends_on_the_import(
    workbench: Workbench, tmp_path: Path
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    for kind, name, content in (
        ("customers", "delta-clients.csv", NEW_CUSTOMERS),
        ("invoices", "delta-factures.csv", NEW_INVOICES),
    ):
        check = send(client, kind, name, content)
        client.post(check + "/confirm", data={"csrf": csrf_of(client.get(check).text)})
    (invoices,) = [
        r for r in imports.list_imports(workbench.store) if r.file_name == "delta-factures.csv"
    ]
    payment = write(
        tmp_path / "delta-paiements.csv",
        "date,customer,amount,invoice\n2026-11-20,DELTA,100.00,F-010\n",
    )
    import_ledger_csv(workbench.store, CsvKind.PAYMENTS, payment, actor="test")
    token = csrf_of(client.get("/imports").text)
    client.post(f"/imports/{invoices.id}/undo", data={"csrf": token})
    page = client.get("/imports").text
    assert f"L’import n° {invoices.id} ne peut pas être défait" in page
    assert "F-010" in page
    (payments,) = [
        r for r in imports.list_imports(workbench.store) if r.file_name == "delta-paiements.csv"
    ]
    client.post(f"/imports/{payments.id}/undo", data={"csrf": token})
    client.post(f"/imports/{invoices.id}/undo", data={"csrf": token})
    page = client.get("/imports").text
    assert f"Import n° {invoices.id} (delta-factures.csv) défait" in page
    undone = customer_history.history(workbench.store, "DELTA")
    assert any(e.kind == "import_undone" and e.actor == email_of(Role.MANAGER) for e in undone)


def test_bad_input_is_said(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/imports").text)
    client.post(
        "/imports", data={"csrf": token, "kind": "nonsense"}, files={"file": ("a.csv", b"x")}
    )
    assert "Choisissez ce que contient le fichier." in client.get("/imports").text
    client.post("/imports", data={"csrf": token, "kind": "customers"})
    assert "Choisissez un fichier." in client.get("/imports").text
    assert client.get("/imports/check/not-a-token").headers["location"] == "/imports"
    assert client.get("/imports/check/..%2F..%2Fetc").status_code in (303, 404)
    client.post("/imports/9999/undo", data={"csrf": token})
    assert "no import #9999" in client.get("/imports").text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COLLECTOR])
def test_below_manager_the_page_and_its_forms_are_refused(workbench: Workbench, role: Role) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    check = send(manager, "customers", "c.csv", NEW_CUSTOMERS)
    client = workbench.signed_in(role)
    token = csrf_of(client.get("/").text)
    assert client.get("/imports").status_code == 403
    assert client.get(check).status_code == 403
    files = {"file": ("c.csv", NEW_CUSTOMERS.encode())}
    assert (
        client.post("/imports", data={"csrf": token, "kind": "customers"}, files=files).status_code
        == 403
    )
    assert client.post(check + "/confirm", data={"csrf": token}).status_code == 403
    assert client.post("/imports/1/undo", data={"csrf": token}).status_code == 403
    assert "DELTA" not in refs(workbench)
    assert "/imports" not in client.get("/").text.split("<main")[0]  # not in the menu


def test_the_pages_speak_english_to_a_user_who_chose_it(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/imports").text)
    form = {"csrf": token, "language": "en", "back": "/imports"}
    assert client.post("/language", data=form).status_code == 303
    assert "Import a file" in client.get("/imports").text
    assert "Payments to match" in client.get("/payments").text
    assert "Registered letters" in client.get("/queue/registered").text
    assert "Send the approved actions" in client.get("/queue").text
    page = client.get(send(client, "invoices", "bad.csv", BAD_INVOICES)).text
    assert "The file cannot be imported" in page and "Line 3" in page
