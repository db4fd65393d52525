"""GET /customers/{ref}/statement: the statement of account as JSON (money as decimal
strings with their currency) or as the PDF the customer would receive.

Acme owes F-001 (1 200,00, due 31 August) and F-002 (300,00, due 31 October); on
30 November both are overdue, by 91 days (30 + 31 + 30) and 30 days."""

from __future__ import annotations

import io

import pdfplumber
from tests.interfaces.api.conftest import Api

from relance.core.users import Role


def test_the_statement_as_json(api: Api) -> None:
    answer = api.client(Role.VIEWER).get(
        "/customers/ACME/statement", params={"as_of": "2026-11-30"}
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert (body["customer"], body["name"], body["as_of"]) == ("ACME", "Acme Ltd", "2026-11-30")
    (eur,) = body["statements"]
    assert [
        (x["reference"], x["debit"]["amount"], x["balance"]["amount"]) for x in eur["lines"]
    ] == [
        ("F-001", "1200.00", "1200.00"),
        ("F-002", "300.00", "1500.00"),
    ]
    assert eur["closing_balance"] == {"amount": "1500.00", "currency": "EUR"}
    assert eur["overdue_amount"] == {"amount": "1500.00", "currency": "EUR"}
    assert [(o["invoice"], o["days_late"]) for o in eur["overdue"]] == [
        ("F-001", 91),
        ("F-002", 30),
    ]
    assert eur["unapplied_credit"]["amount"] == "0.00" and eur["start"] is None
    period = (
        api.client(Role.VIEWER)
        .get("/customers/ACME/statement", params={"as_of": "2026-11-30", "from": "2026-09-01"})
        .json()["statements"][0]
    )
    assert period["opening_balance"]["amount"] == "1200.00" and len(period["lines"]) == 1


def test_the_statement_as_pdf(api: Api) -> None:
    answer = api.client(Role.VIEWER).get(
        "/customers/ACME/statement",
        params={"as_of": "2026-11-30", "lang": "en"},
        headers={"accept": "application/pdf"},
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(answer.content)) as doc:
        text = doc.pages[0].extract_text() or ""
    assert "STATEMENT OF ACCOUNT" in text and "Acme Ltd" in text and "Balance due" in text


def test_what_the_statement_refuses(api: Api) -> None:
    viewer = api.client(Role.VIEWER)
    unknown = viewer.get("/customers/NOPE/statement")
    assert unknown.status_code == 404 and unknown.json()["field"] == "ref"
    assert (
        viewer.get("/customers/ACME/statement", params={"as_of": "2026-13-01"}).status_code == 422
    )
    backwards = viewer.get(
        "/customers/ACME/statement", params={"as_of": "2026-11-30", "from": "2026-12-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "from"
    assert api.client().get("/customers/ACME/statement").status_code == 401
