"""The whole process driven through the API alone: customers and invoices in, the day run,
the proposals approved, the e-mails sent to an SMTP server on loopback and the letters to a
print batch, a payment recorded, and the next run leaves the paid customer alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.adapters.deliver.test_smtp import Inbox, serve
from tests.interfaces.api.conftest import Api
from tests.interfaces.web.conftest import PASSWORD, email_of

from relance.adapters.storage.database import Store
from relance.core.users import Role
from relance.interfaces.web.app import build_app
from relance.services import api_tokens, users
from relance.services.demo import DEMO_CREDITOR
from relance.services.setup import init_creditor

INVOICES = """number,customer,issue_date,due_date,amount,currency
F-101,ACME,2026-08-01,2026-08-31,1200.00,EUR
F-102,BOLT,2026-07-01,2026-07-31,480.00,EUR
"""
CUSTOMERS = [
    {"ref": "ACME", "name": "Acme SARL", "email": "compta@acme.example",
     "address": "1 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"},
    {"ref": "BOLT", "name": "Boulonnerie Martin", "email": "martin@bolt.example", "address": "2 quai du Port",
     "postal_code": "13002", "city": "Marseille", "country": "FR"},
]  # fmt: skip


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    received = Inbox()
    for _controller, port in serve(received):
        monkeypatch.setenv("RELANCE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("RELANCE_SMTP_PORT", str(port))
        monkeypatch.setenv("RELANCE_SMTP_SECURITY", "plain")
        monkeypatch.setenv("RELANCE_SMTP_FROM", "relances@atelier-durand.fr")
        yield received


@pytest.fixture
def empty_ledger(store: Store, tmp_path: Path) -> Iterator[Api]:
    init_creditor(store, DEMO_CREDITOR, actor="test")
    users.add_user(store, email_of(Role.MANAGER), Role.MANAGER, PASSWORD)
    token = api_tokens.create_token(store, email_of(Role.MANAGER), "ERP").secret
    app = build_app(store, letters_dir=tmp_path / "letters")
    made = Api(app, store, {Role.MANAGER: token})
    yield made
    for client in made.clients:
        client.close()


def test_the_process_through_the_api_alone(empty_ledger: Api, inbox: Inbox) -> None:
    api = empty_ledger.client(Role.MANAGER)
    added = api.post("/customers/batch", json={"items": CUSTOMERS})
    assert added.status_code == 201 and added.json()["created"] == 2
    upload = api.post(
        "/imports", data={"kind": "invoices"}, files={"file": ("invoices.csv", INVOICES.encode())}
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["reports"][0]["created"] == 2

    run = api.post("/runs", json={"as_of": "2026-11-30"}).json()
    proposed = {a["customer"]: a for a in run["proposed"]}
    assert set(proposed) == {"ACME", "BOLT"}
    acme = proposed["ACME"]
    assert acme["status"] == "proposed" and acme["invoices"] == ["F-101"]
    assert "email" in acme["channels"]
    mail = api.get(f"/actions/{acme['id']}/email", params={"as_of": "2026-11-30"}).json()
    assert "F-101" in mail["text"] and mail["problems"] == []

    approved = api.post("/queue/approve", json={"every": True}).json()["approved"]
    assert sorted(approved) == sorted(a["id"] for a in proposed.values())
    sent = api.post("/sends", json={"as_of": "2026-11-30"})
    assert sent.status_code == 200, sent.text
    report = sent.json()
    assert report["mode"] == "smtp" and report["blocked"] == []
    recipients = [rcpt for _, rcpts, _ in inbox.received for rcpt in rcpts]
    assert sorted(recipients) == ["compta@acme.example", "martin@bolt.example"]

    paid = api.post(
        "/payments",
        json={"date": "2026-12-05", "customer": "ACME", "amount": "1200.00", "invoice": "F-101"},
    )
    assert paid.status_code == 201 and paid.json()["allocations"] == 1
    later = api.post("/runs", json={"as_of": "2026-12-20"}).json()
    assert "ACME" not in {a["customer"] for a in later["proposed"]}
    assert api.get("/queue", params={"customer": "ACME"}).json()["items"] == []
    assert "BOLT" in {a["customer"] for a in api.get("/queue").json()["items"]}
    history = api.get("/customers/ACME/events", params={"limit": 500}).json()["items"]
    kinds = [e["kind"] for e in history]
    assert "action.approved" in kinds and any(e["actor"] == email_of(Role.MANAGER) for e in history)
