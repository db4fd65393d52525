"""Signing in and out, and choosing the pages' language."""

from __future__ import annotations

import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.users import LANGUAGES, Role, User
from relance.interfaces.web.rendering import render
from relance.interfaces.web.security import (
    action,
    current_user,
    form_text,
    public_action,
    sign_in,
    sign_out,
)
from relance.services import users


def _safe_next(target: str) -> str:
    """Where to go after signing in: a path of this site only (never another host)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def login_page(request: Request) -> Response:
    """The sign-in form (a signed-in user goes straight to the next page)."""
    user = current_user(request)
    next_page = _safe_next(request.query_params.get("next", "/"))
    if user is not None:
        return RedirectResponse(next_page, status_code=303)
    context = {"next": next_page, "error": None, "email": "", "no_account": False}
    context["no_account"] = users.user_count(request.app.state.store) == 0
    return render(request, None, "login.html", context)


@public_action
def login(request: Request, form: FormData) -> Response:
    """Check the address and password, throttled per account and per client address."""
    email, password = form_text(form, "email").lower(), str(form.get("password") or "")
    next_page = _safe_next(form_text(form, "next", "/"))
    address = request.client.host if request.client else "unknown"
    throttle = request.app.state.throttle
    context: dict[str, object] = {"next": next_page, "email": email, "no_account": False}
    wait = throttle.blocked_for(email, address)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        context["error"] = ("login.throttled", {"minutes": minutes})
        return render(request, None, "login.html", context, status_code=429)
    user = users.authenticate(request.app.state.store, email, password)
    if user is None:
        throttle.failed(email, address)
        context["error"] = ("login.failed", {})
        return render(request, None, "login.html", context, status_code=401)
    throttle.succeeded(email)
    sign_in(request, user)
    return RedirectResponse(next_page, status_code=303)


@action(Role.VIEWER)
def logout(request: Request, user: User, form: FormData) -> Response:
    """End the session."""
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@public_action
def choose_language(request: Request, form: FormData) -> Response:
    """Switch the pages to French or English (kept on the account once signed in)."""
    language = form_text(form, "language")
    back = _safe_next(form_text(form, "back", "/"))
    if language not in LANGUAGES:
        return RedirectResponse(back, status_code=303)
    request.session["language"] = language
    user = current_user(request)
    if user is not None:
        users.choose_language(request.app.state.store, user.id, language)
    return RedirectResponse(back, status_code=303)


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", choose_language, methods=["POST"]),
]
