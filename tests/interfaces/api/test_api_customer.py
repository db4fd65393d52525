"""What the customer said, holds and imports through the API, each recorded with the token's
account as its actor."""

from __future__ import annotations

from tests.interfaces.api.conftest import Api
from tests.interfaces.web.conftest import email_of

from relance.core.users import Role


def test_a_dispute_a_promise_and_a_hold_are_in_the_customers_history(api: Api) -> None:
    collector, manager = api.client(Role.COLLECTOR), api.client(Role.MANAGER)
    assert (
        collector.post("/invoices/F-001/dispute", json={"reason": "not delivered"}).status_code
        == 201
    )
    promised = collector.post(
        "/customers/BOLT/promises", json={"amount": "840.50", "due": "2026-12-15"}
    )
    assert promised.status_code == 201
    assert promised.json()["amount"] == {"amount": "840.50", "currency": "EUR"}
    assert collector.post("/customers/CIEL/hold", json={"reason": "x"}).status_code == 403
    assert manager.post("/customers/CIEL/hold", json={"reason": "lawyer"}).status_code == 201
    assert api.client(Role.VIEWER).get("/holds").json() == {
        "items": [{"customer": "CIEL", "reason": "lawyer"}],
        "next_cursor": None,
    }
    events = collector.get("/customers/ACME/events").json()["items"]
    dispute = [e for e in events if e["kind"].startswith("dispute")]
    assert dispute and dispute[-1]["actor"] == email_of(Role.COLLECTOR)
    assert dispute[-1]["at"].endswith(("Z", "+00:00"))  # an instant with its offset
    unknown = collector.post("/customers/NOPE/promises", json={"amount": "1", "due": "2026-12-15"})
    assert unknown.status_code == 404 and "NOPE" in unknown.json()["detail"]


def test_an_import_made_through_the_api_is_listed_and_undone(api: Api) -> None:
    manager = api.client(Role.MANAGER)
    made = manager.post(
        "/invoices",
        json={"number": "F-020", "customer": "ACME", "issue_date": "2026-11-01",
              "due_date": "2026-11-30", "amount": "50.00"},
    ).json()  # fmt: skip
    listed = manager.get("/imports", params={"limit": 500}).json()["items"]
    assert listed[-1]["id"] == made["import_id"] and listed[-1]["kind"] == "invoices"
    undone = manager.post(f"/imports/{made['import_id']}/undo", json={})
    assert undone.status_code == 200 and undone.json()["removed"]
    assert manager.get("/invoices/F-020").status_code == 404
    again = manager.post(f"/imports/{made['import_id']}/undo", json={})
    assert again.status_code == 409 and again.json()["field"] == "import_id"
