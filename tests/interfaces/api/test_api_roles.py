"""Every operation as every role: a call the role may not make is refused (403) before
anything is read or written, and a call without a valid token is refused (401)."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text
from tests.interfaces.api.conftest import Api

from relance.core.users import Role
from relance.interfaces.api.app import ROUTERS


def operations() -> list[tuple[str, str, Role]]:
    """(method, path, role needed) for every operation of the API."""
    found = []
    for route in _api_routes():
        needed = [
            d.call.required_role  # type: ignore[union-attr]
            for d in route.dependant.dependencies
            if hasattr(d.call, "required_role")
        ]
        assert len(needed) == 1, f"{route.path} names no role"
        for method in route.methods:
            found.append((method, route.path, needed[0]))
    return found


def _api_routes() -> list[APIRoute]:
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


# What the workbench's roles may do (docs/web.md), for the operations of the API; the
# first line that fits an operation says. A viewer reads; a collector also logs what the
# customer said; a manager also writes the ledger, runs, approves, sends, holds, imports;
# an admin also manages the webhooks.
EXPECTED = [
    ("GET", r"^/webhooks", Role.ADMIN),  # an endpoint's URL and what it was told
    ("POST", r"^/webhooks", Role.ADMIN),
    ("DELETE", r"^/webhooks", Role.ADMIN),
    ("GET", r".*", Role.VIEWER),
    ("POST", r"^/customers/\{ref\}/(contacts|promises|plans)$", Role.COLLECTOR),
    ("POST", r"^/invoices/\{number\}/(dispute|resolve)$", Role.COLLECTOR),
    ("POST", r".*", Role.MANAGER),
]


def expected_role(method: str, path: str) -> Role:
    return next(r for m, pattern, r in EXPECTED if m == method and re.match(pattern, path))


def _written(api: Api) -> int:
    with api.store.begin() as conn:
        return int(conn.execute(text("SELECT count(*) FROM events")).scalar_one())


def test_each_operation_needs_the_role_the_workbench_gives_it() -> None:
    for method, path, role in operations():
        assert role is expected_role(method, path), f"{method} {path}"


@pytest.mark.parametrize("role", list(Role))
def test_every_forbidden_call_is_refused_and_writes_nothing(api: Api, role: Role) -> None:
    client = api.client(role)
    before = _written(api)
    refused = 0
    for method, path, needed in operations():
        if role.allows(needed):
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        answer = client.request(method, url, json={})
        assert answer.status_code == 403, f"{role} {method} {path}: {answer.status_code}"
        assert answer.headers["content-type"] == "application/problem+json"
        refused += 1
    assert _written(api) == before
    assert refused > 0 or role is Role.ADMIN or role is Role.MANAGER


def test_a_call_without_a_valid_token_is_refused(api: Api) -> None:
    nobody, forged = api.client(), api.client(token="rl_forged")
    for method, path, _ in operations():
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        for client in (nobody, forged):
            answer = client.request(method, url, json={})
            assert answer.status_code == 401, f"{method} {path}"
            assert answer.headers["www-authenticate"] == "Bearer"


def test_a_revoked_token_or_a_lowered_account_takes_effect_at_once(api: Api) -> None:
    from relance.services import api_tokens

    client = api.client(Role.MANAGER)
    assert client.post("/runs", json={"dry_run": True}).status_code == 200
    with api.store.begin() as conn:  # the account demoted: its token follows
        conn.execute(text("UPDATE web_users SET role = 'viewer' WHERE email LIKE 'manager@%'"))
    assert client.post("/runs", json={"dry_run": True}).status_code == 403
    assert client.get("/customers").status_code == 200
    token = [t for t in api_tokens.list_tokens(api.store) if t.user_email.startswith("manager")]
    api_tokens.revoke_token(api.store, token[0].id)
    assert client.get("/customers").status_code == 401
