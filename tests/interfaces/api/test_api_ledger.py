"""The ledger through the API: reading customers and invoices, writing records as imports."""

from __future__ import annotations

from tests.interfaces.api.conftest import Api

from relance.core.users import Role


def test_customers_and_invoices_read_with_money_as_decimal_strings(api: Api) -> None:
    client = api.client(Role.VIEWER)
    customers = client.get("/customers").json()
    assert [c["ref"] for c in customers["items"]] == ["ACME", "BOLT", "CIEL"]
    assert customers["next_cursor"] is None
    invoice = client.get("/invoices/F-003").json()
    assert invoice["amount"] == {"amount": "840.50", "currency": "EUR"}
    assert invoice["due_date"] == "2026-07-01" and invoice["days_overdue"] == 152
    assert invoice["status"] == "open"
    only = client.get("/invoices", params={"customer": "ACME", "open": True}).json()
    assert [i["number"] for i in only["items"]] == ["F-001", "F-002"]


def test_a_listing_is_read_page_by_page_with_its_cursor(api: Api) -> None:
    client = api.client(Role.VIEWER)
    first = client.get("/invoices", params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get("/invoices", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [i["number"] for i in second["items"]] == ["F-004"]
    assert second["next_cursor"] is None
    bad = client.get("/invoices", params={"cursor": "not-one"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["field"] == "cursor"


def test_an_invoice_written_is_an_import_and_a_bad_one_names_its_field(api: Api) -> None:
    client = api.client(Role.MANAGER)
    made = client.post(
        "/invoices",
        json={"number": "F-010", "customer": "CIEL", "issue_date": "2026-10-01",
              "due_date": "2026-10-31", "amount": "1.230"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["created"] == 1 and made.json()["import_id"]
    assert client.get("/invoices/F-010").json()["amount"]["amount"] == "1.23"
    cents = client.post(
        "/invoices",
        json={"number": "F-014", "customer": "CIEL", "issue_date": "2026-10-01",
              "due_date": "2026-10-31", "amount": "1.234"},
    )  # fmt: skip
    assert cents.status_code == 422 and cents.json()["field"] == "amount"
    assert "decimals" in cents.json()["detail"]
    refused = client.post(
        "/invoices/batch",
        json={"items": [
            {"number": "F-011", "customer": "CIEL", "issue_date": "2026-10-01",
             "due_date": "2026-10-31", "amount": "10.00"},
            {"number": "F-012", "customer": "NOPE", "issue_date": "2026-10-01",
             "due_date": "2026-10-31", "amount": "10.00"},
        ]},
    )  # fmt: skip
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["field"] == "items[1].customer" and "NOPE" in problem["detail"]
    assert client.get("/invoices/F-011").status_code == 404  # nothing of the batch written
    schema = client.post("/invoices", json={"number": "F-013", "customer": "CIEL"})
    assert schema.status_code == 422 and schema.json()["field"] in {
        "issue_date",
        "due_date",
        "amount",
    }
    for body in (b"{not json", b"j\xff\xfej"):  # malformed, then not even UTF-8
        unreadable = client.post(
            "/invoices/batch", content=body, headers={"Content-Type": "application/json"}
        )
        assert unreadable.status_code == 422, unreadable.text
        assert unreadable.json()["field"] == "body"


def test_a_payment_recorded_settles_its_invoice(api: Api) -> None:
    client = api.client(Role.MANAGER)
    paid = client.post(
        "/payments",
        json={"date": "2026-11-20", "customer": "BOLT", "amount": "840.50", "invoice": "F-003",
              "reference": "VIR BOLT F-003"},
    )  # fmt: skip
    assert paid.status_code == 201, paid.text
    assert paid.json()["allocations"] == 1
    invoice = client.get("/invoices/F-003").json()
    assert invoice["status"] == "paid" and invoice["open_balance"]["amount"] == "0.00"


def test_the_aged_balance_by_currency_and_bucket(api: Api) -> None:
    report = api.client(Role.VIEWER).get("/aging", params={"buckets": "30,90"}).json()
    assert report["as_of"] == "2026-11-30"
    assert report["buckets"][0] != report["buckets"][-1]
    (eur,) = report["currencies"]
    assert eur["currency"] == "EUR" and eur["total"]["amount"] == "2439.50"
