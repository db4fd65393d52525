"""The workbench's locks: sessions, roles, CSRF tokens, login throttling, escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.routing import Route
from tests.interfaces.web.conftest import PASSWORD, Workbench, csrf_of, email_of

from relance.core.users import Role
from relance.interfaces.web.app import routes


def post_routes() -> list[str]:
    return sorted(
        {r.path for r in routes() if isinstance(r, Route) and "POST" in (r.methods or ())}
    )


def get_pages() -> list[tuple[str, Role]]:
    """Every page behind a login, with the role it needs."""
    found = []
    for route in routes():
        role = getattr(getattr(route, "endpoint", None), "required_role", None)
        plain = "{" not in route.path  # pages of one record are checked in their own tests
        if isinstance(route, Route) and "GET" in (route.methods or ()) and role and plain:
            found.append((route.path, role))
    return found


def test_a_visitor_without_a_session_is_sent_to_the_login_page(workbench: Workbench) -> None:
    client = workbench.client()
    for path, _role in get_pages():
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=")


def test_signing_in_opens_the_pages_and_signing_out_closes_them(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    today = client.get("/")
    assert today.status_code == 200
    assert "viewer@relance.example" in today.text
    assert client.post("/logout", data={"csrf": csrf_of(today.text)}).status_code == 303
    assert client.get("/").status_code == 303


def test_a_wrong_password_or_an_unknown_address_is_refused_alike(workbench: Workbench) -> None:
    client = workbench.client()
    assert workbench.log_in(client, email_of(Role.ADMIN), "wrong password!") == 401
    assert workbench.log_in(client, "nobody@relance.example") == 401
    assert client.get("/").status_code == 303


def test_the_session_cookie_is_signed_http_only_and_same_site(workbench: Workbench) -> None:
    client = workbench.client()
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"csrf": token, "email": email_of(Role.VIEWER), "password": PASSWORD}
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain HTTP in this test
    # a cookie edited by hand is not a session
    value = client.cookies["relance_session"]
    client.cookies.clear()
    client.cookies.set(
        "relance_session", value[:-4] + ("BBBB" if value.endswith("AAAA") else "AAAA")
    )
    assert client.get("/").status_code == 303


def test_behind_https_the_session_cookie_is_secure(workbench: Workbench) -> None:
    from starlette.testclient import TestClient

    from relance.interfaces.web.app import build_app

    client = TestClient(build_app(workbench.store, secure_cookies=True), base_url="https://x")
    with client:
        answer = client.get("/login")
        assert "secure" in answer.headers["set-cookie"].lower()


@pytest.mark.parametrize("path", post_routes())
def test_every_form_posted_without_its_csrf_token_is_refused(
    workbench: Workbench, path: str
) -> None:
    client = workbench.signed_in(Role.ADMIN)
    assert client.post(path, data={"email": "x@y.z"}).status_code == 403
    assert client.post(path, data={"csrf": "forged", "email": "x@y.z"}).status_code == 403


def test_a_token_from_another_session_is_refused(workbench: Workbench) -> None:
    admin, other = workbench.signed_in(Role.ADMIN), workbench.signed_in(Role.ADMIN)
    foreign = csrf_of(other.get("/users").text)
    form = {"csrf": foreign, "email": "new@relance.example", "role": "viewer",
            "password": "long enough pass"}  # fmt: skip
    assert admin.post("/users", data=form).status_code == 403
    assert "new@relance.example" not in admin.get("/users").text


def test_each_role_opens_only_its_pages(workbench: Workbench) -> None:
    for role in Role:
        client = workbench.signed_in(role)
        for path, needed in get_pages():
            expected = 200 if role.allows(needed) else 403
            assert client.get(path).status_code == expected, (role, path)


def test_only_an_admin_adds_an_account(workbench: Workbench) -> None:
    form = {"email": "new@relance.example", "role": "collector", "password": "long enough pass"}
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/").text)
    assert manager.post("/users", data={**form, "csrf": token}).status_code == 403
    admin = workbench.signed_in(Role.ADMIN)
    token = csrf_of(admin.get("/users").text)
    assert admin.post("/users", data={**form, "csrf": token}).status_code == 303
    assert "new@relance.example" in admin.get("/users").text
    assert workbench.log_in(workbench.client(), "new@relance.example", "long enough pass") == 303


def test_five_failures_lock_the_account_for_a_while_even_with_the_right_password(
    workbench: Workbench,
) -> None:
    client, account = workbench.client(), email_of(Role.MANAGER)
    for _ in range(5):
        assert workbench.log_in(client, account, "not the password") == 401
    assert workbench.log_in(client, account) == 429
    assert workbench.log_in(workbench.client(), email_of(Role.VIEWER)) == 303  # others still can
    workbench.clock.advance(timedelta(minutes=16))
    assert workbench.log_in(client, account) == 303


def test_an_address_trying_many_accounts_is_locked_out(workbench: Workbench) -> None:
    client = workbench.client()
    for attempt in range(20):
        assert workbench.log_in(client, f"guess{attempt}@relance.example", "x") == 401
    assert workbench.log_in(client, email_of(Role.VIEWER)) == 429


def test_after_login_the_browser_goes_back_to_the_page_asked_for_on_this_site_only(
    workbench: Workbench,
) -> None:
    client = workbench.client()
    token = csrf_of(client.get("/login").text)
    form = {"csrf": token, "email": email_of(Role.ADMIN), "password": PASSWORD}
    assert client.post("/login", data={**form, "next": "/users"}).headers["location"] == "/users"
    client = workbench.client()
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={**form, "csrf": token, "next": "//evil.example/"})
    assert answer.headers["location"] == "/"


def test_what_a_visitor_typed_is_escaped_on_the_page(workbench: Workbench) -> None:
    client = workbench.client()
    token = csrf_of(client.get("/login").text)
    typed = '"><script>alert(1)</script>'
    answer = client.post("/login", data={"csrf": token, "email": typed, "password": "x"})
    assert "<script>alert(1)" not in answer.text
    assert "&lt;script&gt;" in answer.text


def test_the_pages_speak_the_users_language(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/")
    assert "Aujourd’hui" in page.text  # the ledger's language: French
    client.post("/language", data={"csrf": csrf_of(page.text), "language": "en", "back": "/"})
    assert "Today" in client.get("/").text
    again = workbench.signed_in(Role.VIEWER)  # the choice is kept on the account
    assert "Today" in again.get("/").text
