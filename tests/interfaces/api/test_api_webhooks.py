"""Webhooks through the API, for admins: add an endpoint (its secret in the answer, once),
list it, see the deliveries page by page with their attempts, retry one, remove it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.interfaces.api.conftest import Api
from tests.loopback_webhooks import receiver, verified

from relance.core.users import Role
from relance.core.webhooks import EventType
from relance.services import webhook_delivery, webhook_events


def test_an_admin_manages_endpoints_and_follows_deliveries(api: Api) -> None:
    admin, manager = api.client(Role.ADMIN), api.client(Role.MANAGER)
    with receiver() as crm:
        body = {"url": crm.url, "events": ["invoice.paid"], "description": "CRM"}
        assert manager.post("/webhooks", json=body).status_code == 403
        made = admin.post("/webhooks", json=body)
        assert made.status_code == 201
        secret = made.json()["secret"]
        assert secret.startswith("whsec_")
        listed = admin.get("/webhooks").json()
        assert [e["url"] for e in listed["items"]] == [crm.url]
        assert "secret" not in listed["items"][0] and secret not in json.dumps(listed)
        with api.store.begin() as conn:
            facts = [{"invoice": f"F{n}"} for n in range(3)]
            webhook_events.emit(conn, EventType.INVOICE_PAID, lambda: facts)
        crm.answers = [500]
        now = datetime.now(UTC) + timedelta(seconds=1)
        webhook_delivery.deliver_due(api.store, now)
        assert all(verified(secret, r) for r in crm.received)

    first = admin.get("/webhooks/deliveries", params={"limit": 2}).json()
    second = admin.get(
        "/webhooks/deliveries", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert second["next_cursor"] is None
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3  # newest first, each once
    failed = [d for d in first["items"] + second["items"] if d["last_status_code"] == 500]
    assert len(failed) == 1 and failed[0]["status"] == "pending"
    detail = admin.get(f"/webhooks/deliveries/{failed[0]['id']}").json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [500]
    assert json.loads(detail["payload"])["type"] == "invoice.paid"
    delivered = next(d for d in first["items"] if d["status"] == "delivered")
    refused = admin.post(f"/webhooks/deliveries/{delivered['id']}/retry")
    assert refused.status_code == 409
    assert admin.post(f"/webhooks/deliveries/{failed[0]['id']}/retry").json()["attempts"] == 0
    pending = admin.get("/webhooks/deliveries", params={"status": "pending"}).json()["items"]
    assert [d["id"] for d in pending] == [failed[0]["id"]]

    endpoint_id = listed["items"][0]["id"]
    assert admin.delete(f"/webhooks/{endpoint_id}").status_code == 200
    assert admin.delete(f"/webhooks/{endpoint_id}").status_code == 404
    assert admin.get("/webhooks").json()["items"] == []


def test_a_url_relance_may_not_post_to_is_refused_naming_the_field(api: Api) -> None:
    admin = api.client(Role.ADMIN)
    answer = admin.post(
        "/webhooks", json={"url": "http://crm.example.com/h", "events": ["letter.sent"]}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "plain http only" in answer.json()["detail"]
    unknown = admin.post("/webhooks", json={"url": "https://x.example", "events": ["nope"]})
    assert unknown.status_code == 422
    assert admin.get("/webhooks").json()["items"] == []
