"""The accounts page (admins only): who may use the workbench, and adding one."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import users


def _users_page(request: Request, user: User, error: str | None, status: int = 200) -> Response:
    context = {
        "accounts": users.list_users(request.app.state.store),
        "roles": list(Role),
        "error": error,
    }
    return render(request, user, "users.html", context, status_code=status)


@page(Role.ADMIN)
def users_page(request: Request, user: User) -> Response:
    """The accounts, with a form to add one."""
    return _users_page(request, user, None)


@action(Role.ADMIN)
def add_user(request: Request, user: User, form: FormData) -> Response:
    """Create an account with the role and password given."""
    try:
        role = Role(form_text(form, "role"))
        added = users.add_user(
            request.app.state.store, form_text(form, "email"), role, str(form.get("password"))
        )
    except ValueError as exc:  # a bad role, address or password: said on the page
        return _users_page(request, user, str(exc), status=400)
    flash(request, "users.added", email=added.email)
    return RedirectResponse("/users", status_code=303)


ROUTES = [
    Route("/users", users_page, methods=["GET"]),
    Route("/users", add_user, methods=["POST"]),
]
