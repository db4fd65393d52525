"""The Reports page: the aged balance as of any date (and its CSV), interest, limitation and
payment terms, each as the CLI's report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import write
from tests.interfaces.web.conftest import Workbench

from relance.adapters.formats.ledger_csv import CsvKind
from relance.core.users import Role
from relance.services.ledger_import import import_ledger_csv


def test_the_aged_balance_as_of_a_date_with_its_buckets(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/reports").text
    assert 'aria-current="page">Balance âgée' in page
    assert "1\u202f200,00\xa0€" in page and "Boulonnerie &lt;b&gt;Martin&lt;/b&gt;" in page
    assert 'href="/reports/aging.csv?as_of=2026-11-30&amp;buckets=30%2C60%2C90%2C120"' in page
    earlier = client.get("/reports?as_of=2026-09-15&buckets=10,20").text
    assert "Non échu" in earlier and "11 à 20 j" in earlier and "Plus de 20 j" in earlier
    assert "F-004" not in earlier and "CIEL" not in earlier  # issued in November


def test_bad_report_options_are_said_and_the_defaults_used(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    answer = client.get("/reports?as_of=30/11/2026&buckets=30,-5")
    assert answer.status_code == 200
    assert answer.text.count('class="error"') == 2 and "as_of:" in answer.text
    assert "31 à 60 j" in answer.text  # the default buckets
    assert client.get("/reports/aging.csv?buckets=x").status_code == 400
    assert 'class="error"' in client.get("/reports/limitation?within=lots").text


def test_the_aged_balance_downloads_as_the_cli_writes_it(workbench: Workbench) -> None:
    answer = workbench.signed_in(Role.VIEWER).get("/reports/aging.csv?as_of=2026-11-30")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="aging-2026-11-30.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    acme = next(row for row in rows if row["customer"] == "ACME")
    assert acme["1-30"] == "300.00" and acme["91-120"] == "1200.00" and acme["61-90"] == "0.00"
    assert acme["total"] == "1500.00" and acme["unapplied_credit"] == "0.00"


def test_a_customer_name_that_is_a_formula_is_neutralised_in_the_csv(
    workbench: Workbench, tmp_path: Path
) -> None:
    hostile = 'ref,name,kind,country\nEVIL,=HYPERLINK("x"),business,FR\n'
    import_ledger_csv(workbench.store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", hostile))
    bills = "number,customer,issue_date,due_date,amount,currency\nF-9,EVIL,2026-10-01,2026-10-31,5.00,EUR\n"
    import_ledger_csv(workbench.store, CsvKind.INVOICES, write(tmp_path / "i.csv", bills))
    text = workbench.signed_in(Role.VIEWER).get("/reports/aging.csv").text
    assert "'=HYPERLINK" in text


def test_interest_on_a_customer_and_an_unknown_target(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/reports/interest?target=ACME").text
    assert "Facture F-001" in page and "Indemnité forfaitaire" in page
    assert "40,00\xa0€" in page  # the fixed indemnity, French B2B
    unknown = client.get("/reports/interest?target=%3Cscript%3E")
    assert unknown.status_code == 200 and 'class="error"' in unknown.text
    assert "<script>" not in unknown.text


def test_limitation_and_payment_terms(workbench: Workbench, tmp_path: Path) -> None:
    bills = ("number,customer,issue_date,due_date,amount,currency\n"
             "F-OLD,CIEL,2022-01-05,2022-02-04,75.00,EUR\n"
             "F-LONG,CIEL,2026-09-01,2026-12-31,10.00,EUR\n")  # fmt: skip
    import_ledger_csv(workbench.store, CsvKind.INVOICES, write(tmp_path / "i.csv", bills))
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/reports/limitation").text
    assert "F-OLD" in page and "5 janv. 2027" in page
    assert "F-OLD" not in client.get("/reports/limitation?within=10").text
    assert "prescrite" in client.get("/reports/limitation?as_of=2027-02-01").text
    terms = client.get("/reports/terms").text
    assert "F-LONG" in terms and "dépasse le plafond" in terms and "F-001" not in terms


def test_the_reports_speak_english_to_an_english_reader(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    from tests.interfaces.web.conftest import csrf_of

    token = csrf_of(client.get("/reports").text)
    client.post("/language", data={"csrf": token, "language": "en", "back": "/reports"})
    page = client.get("/reports").text
    assert "Aged balance" in page and "Download CSV" in page and "31 to 60 days" in page
