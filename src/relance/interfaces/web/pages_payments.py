"""Payments: the credits no rule matched, each with its ranked suggestions, matched to
invoices, ignored, or unmatched again by a manager (the services of `relance unmatched`,
`match`, `ignore` and `unmatch`), with the web user as actor."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import lettrage

SHOWN = 100  # credits listed on the page; the count says how many wait in all


@page(Role.VIEWER)
def payments_page(request: Request, user: User) -> Response:
    """The credits waiting for a person, and the lines matched last."""
    store = request.app.state.store
    waiting = lettrage.unmatched(store)
    context = {
        "waiting": waiting[:SHOWN],
        "waiting_count": len(waiting),
        "matched": lettrage.recently_matched(store),
    }
    return render(request, user, "payments.html", context)


def _numbers(text: str) -> list[str]:
    """Invoice numbers typed in one field, separated by spaces, commas or semicolons."""
    return [number for number in re.split(r"[\s,;]+", text) if number]


# A decision on one credit: runs the service, returns the phrase saying what it did.
Decide = Callable[[Request, User, FormData], tuple[str, dict[str, str]]]


def _deciding(decide: Decide) -> Callable[[Request], Awaitable[Response]]:
    """A manager's POST route that runs `decide`, says what it did or why the service
    refused, and goes back to the payments page."""

    @action(Role.MANAGER)
    def endpoint(request: Request, user: User, form: FormData) -> Response:
        try:
            key, values = decide(request, user, form)
            flash(request, key, **values)
        except (ValueError, LookupError) as problem:
            flash_error(request, problem)
        return RedirectResponse("/payments", status_code=303)

    endpoint.__doc__ = decide.__doc__
    return endpoint


def match(request: Request, user: User, form: FormData) -> tuple[str, dict[str, str]]:
    """Settle a credit against the invoices named (a suggestion's, or typed), or leave it
    as the credit of the customer named."""
    decided = lettrage.match(
        request.app.state.store,
        form_text(form, "key"),
        _numbers(form_text(form, "invoices")),
        customer_ref=form_text(form, "customer") or None,
        actor=user.email,
    )
    return "payments.matched", {"payment": decided.key, "customer": decided.customer_ref or ""}


def ignore(request: Request, user: User, form: FormData) -> tuple[str, dict[str, str]]:
    """Take a credit out of the queue, saying why (a refund, an internal transfer)."""
    done = lettrage.ignore(
        request.app.state.store,
        form_text(form, "key"),
        reason=form_text(form, "reason"),
        actor=user.email,
    )
    return "payments.ignored", {"payment": done.transaction.key}


def unmatch(request: Request, user: User, form: FormData) -> tuple[str, dict[str, str]]:
    """Undo a match: the allocations go and the credit waits in the queue again."""
    decided = lettrage.unmatch(
        request.app.state.store,
        form_text(form, "key"),
        as_of=request.app.state.settings.today(),
        reason=form_text(form, "reason"),
        actor=user.email,
    )
    return "payments.unmatched", {"payment": decided.key}


ROUTES = [
    Route("/payments", payments_page, methods=["GET"]),
    Route("/payments/match", _deciding(match), methods=["POST"]),
    Route("/payments/ignore", _deciding(ignore), methods=["POST"]),
    Route("/payments/unmatch", _deciding(unmatch), methods=["POST"]),
]
