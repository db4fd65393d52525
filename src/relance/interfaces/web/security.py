"""Who is asking, and may they: sessions, CSRF tokens, roles.

Every route is made with `page(role)` (GET) or `action(role)` (POST): the first sends a
visitor without a session to the login page and answers 403 to a user whose role is too
low; the second also refuses (403) a form without the session's CSRF token. Handlers are
plain functions run in a worker thread (the services are synchronous).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from relance.core.users import Role, User
from relance.services import users

CSRF_FIELD = "csrf"
Endpoint = Callable[[Request], Awaitable[Response]]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the login form has one too)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def csrf_ok(request: Request, form: FormData) -> bool:
    """True when the form carries the session's CSRF token."""
    expected = request.session.get(CSRF_FIELD)
    sent = form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(sent, str):
        return False
    return secrets.compare_digest(expected.encode(), sent.encode())


def current_user(request: Request) -> User | None:
    """The signed-in user, or None (no session, or the account is gone or inactive)."""
    user_id = request.session.get("user")
    if not isinstance(user_id, int):
        return None
    return users.user(request.app.state.store, user_id)


def sign_in(request: Request, user: User) -> None:
    """Start a new session for `user` (a fresh CSRF token: the old one is not kept)."""
    language = request.session.get("language")
    request.session.clear()
    request.session["user"] = user.id
    if language:
        request.session["language"] = language
    csrf_token(request)


def sign_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def forbidden(request: Request, user: User | None) -> Response:
    """The 403 page: the role does not allow this, or the form lacked its token."""
    from relance.interfaces.web.rendering import render

    return render(request, user, "error.html", {"code": 403}, status_code=403)


def _to_login(request: Request) -> Response:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(wanted)}", status_code=303)


def page(role: Role) -> Callable[[Callable[[Request, User], Response]], Endpoint]:
    """A GET route for users of `role` or above."""

    def wrap(handler: Callable[[Request, User], Response]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            user = await run_in_threadpool(current_user, request)
            if user is None:
                return _to_login(request)
            if not user.role.allows(role):
                return forbidden(request, user)
            return await run_in_threadpool(handler, request, user)

        endpoint.__doc__ = handler.__doc__
        endpoint.required_role = role  # type: ignore[attr-defined]
        return endpoint

    return wrap


FormHandler = Callable[[Request, User, FormData], Response]


def action(role: Role) -> Callable[[FormHandler], Endpoint]:
    """A POST route for users of `role` or above; the form must carry the CSRF token."""

    def wrap(handler: FormHandler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            form = await request.form()
            if not csrf_ok(request, form):
                return forbidden(request, None)
            user = await run_in_threadpool(current_user, request)
            if user is None:
                return _to_login(request)
            if not user.role.allows(role):
                return forbidden(request, user)
            return await run_in_threadpool(handler, request, user, form)

        endpoint.__doc__ = handler.__doc__
        endpoint.required_role = role  # type: ignore[attr-defined]
        return endpoint

    return wrap


def public_action(handler: Callable[[Request, FormData], Response]) -> Endpoint:
    """A POST route open to visitors without a session (the login form): CSRF still checked."""

    async def endpoint(request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request, form):
            return forbidden(request, None)
        return await run_in_threadpool(handler, request, form)

    endpoint.__doc__ = handler.__doc__
    return endpoint


def form_text(form: FormData, name: str, default: str = "") -> str:
    """A text field of the form, trimmed ('' when absent or a file)."""
    value: Any = form.get(name, default)
    return value.strip() if isinstance(value, str) else default
