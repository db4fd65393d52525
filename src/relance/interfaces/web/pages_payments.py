"""Payments: the credits no rule matched, each with its ranked suggestions, matched to
invoices, ignored, or unmatched again by a manager (the services of `relance unmatched`,
`match`, `ignore` and `unmatch`), with the web user as actor."""

from __future__ import annotations

import re

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


def _back() -> Response:
    return RedirectResponse("/payments", status_code=303)


@action(Role.MANAGER)
def match(request: Request, user: User, form: FormData) -> Response:
    """Settle a credit against the invoices named (a suggestion's, or typed), or leave it
    as the credit of the customer named."""
    key = form_text(form, "key")
    try:
        decided = lettrage.match(
            request.app.state.store,
            key,
            _numbers(form_text(form, "invoices")),
            customer_ref=form_text(form, "customer") or None,
            actor=user.email,
        )
        flash(request, "payments.matched", payment=decided.key, customer=decided.customer_ref or "")
    except (ValueError, LookupError) as problem:
        flash_error(request, problem)
    return _back()


@action(Role.MANAGER)
def ignore(request: Request, user: User, form: FormData) -> Response:
    """Take a credit out of the queue, saying why (a refund, an internal transfer)."""
    try:
        done = lettrage.ignore(
            request.app.state.store,
            form_text(form, "key"),
            reason=form_text(form, "reason"),
            actor=user.email,
        )
        flash(request, "payments.ignored", payment=done.transaction.key)
    except (ValueError, LookupError) as problem:
        flash_error(request, problem)
    return _back()


@action(Role.MANAGER)
def unmatch(request: Request, user: User, form: FormData) -> Response:
    """Undo a match: the allocations go and the credit waits in the queue again."""
    try:
        decided = lettrage.unmatch(
            request.app.state.store,
            form_text(form, "key"),
            as_of=request.app.state.settings.today(),
            reason=form_text(form, "reason"),
            actor=user.email,
        )
        flash(request, "payments.unmatched", payment=decided.key)
    except (ValueError, LookupError) as problem:
        flash_error(request, problem)
    return _back()


ROUTES = [
    Route("/payments", payments_page, methods=["GET"]),
    Route("/payments/match", match, methods=["POST"]),
    Route("/payments/ignore", ignore, methods=["POST"]),
    Route("/payments/unmatch", unmatch, methods=["POST"]),
]
