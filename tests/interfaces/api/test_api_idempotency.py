"""Idempotent writes: a POST replayed with its Idempotency-Key answers the same and writes
nothing more; the key with another body is refused, naming the header."""

from __future__ import annotations

from sqlalchemy import text
from tests.interfaces.api.conftest import Api

from relance.core.users import Role

PAYMENT = {"date": "2026-11-20", "customer": "ACME", "amount": "100.00", "reference": "A1"}


def _imports(api: Api) -> int:
    with api.store.begin() as conn:
        return int(conn.execute(text("SELECT count(*) FROM imports")).scalar_one())


def test_a_replayed_write_gives_the_first_answer_and_writes_nothing_more(api: Api) -> None:
    client = api.client(Role.MANAGER)
    before = _imports(api)
    key = {"Idempotency-Key": "erp-42"}
    first = client.post("/payments", json=PAYMENT, headers=key)
    assert first.status_code == 201
    again = client.post("/payments", json=PAYMENT, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _imports(api) == before + 1
    other = client.post("/payments", json={**PAYMENT, "amount": "999.00"}, headers=key)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["field"] == "Idempotency-Key"
    assert _imports(api) == before + 1
    # without a key, the same payment is a second import (which finds it unchanged)
    plain = client.post("/payments", json=PAYMENT)
    assert plain.status_code == 201 and plain.json()["unchanged"] == 1


def test_keys_are_each_accounts_own_and_a_refused_request_is_kept_too(api: Api) -> None:
    manager, admin = api.client(Role.MANAGER), api.client(Role.ADMIN)
    key = {"Idempotency-Key": "same-key"}
    assert manager.post("/payments", json=PAYMENT, headers=key).status_code == 201
    assert admin.post("/payments", json=PAYMENT, headers=key).status_code == 201
    bad = {**PAYMENT, "customer": "NOPE"}
    refused = manager.post("/payments", json=bad, headers={"Idempotency-Key": "k2"})
    assert refused.status_code == 422
    replay = manager.post("/payments", json=bad, headers={"Idempotency-Key": "k2"})
    assert replay.status_code == 422 and replay.json() == refused.json()
    viewer = api.client(Role.VIEWER).post(
        "/payments", json=PAYMENT, headers={"Idempotency-Key": "v"}
    )
    assert viewer.status_code == 403


def test_a_copy_sent_while_the_first_runs_is_told_to_wait(api: Api) -> None:
    from relance.services import api_tokens, idempotency

    client = api.client(Role.MANAGER)
    manager = api_tokens.authenticate_token(api.store, api.tokens[Role.MANAGER])
    assert manager is not None
    body = b'{"date":"2026-11-20","customer":"ACME","amount":"100.00"}'
    running = idempotency.fingerprint("POST", "/api/v1/payments", body)
    assert isinstance(
        idempotency.claim(api.store, manager.id, "busy", running), idempotency.Claimed
    )
    before = _imports(api)
    copy = client.post(
        "/payments",
        content=body,
        headers={"Idempotency-Key": "busy", "content-type": "application/json"},
    )
    assert copy.status_code == 409 and copy.json()["field"] == "Idempotency-Key"
    assert _imports(api) == before


def test_a_file_sent_again_under_its_key_is_not_imported_twice(api: Api) -> None:
    client = api.client(Role.MANAGER)
    payments = b"date,customer,amount,reference\n2026-11-21,ACME,10.00,CHQ 1\n"
    key = {"Idempotency-Key": "statement-2026-11"}
    # each upload draws its own multipart boundary: the request is the same all the same
    first = client.post(
        "/imports", data={"kind": "payments"}, files={"file": ("p.csv", payments)}, headers=key
    )
    assert first.status_code == 201, first.text
    before = _imports(api)
    again = client.post(
        "/imports", data={"kind": "payments"}, files={"file": ("p.csv", payments)}, headers=key
    )
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and _imports(api) == before
