"""The settings a manager keeps: the creditor (with what its letters still need) and the
rate tables (the user's periods, confirming a shipped one). The policies and templates are
in `pages_settings_letters.py`; the accounts in `pages_users.py` (admins).

Each form goes to the service `relance init` and `relance rates` use, with the web user as
actor; a value the service refuses is said on the page, the form keeping what was typed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.model import Creditor, WindowSide
from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import rates, reports, setup

# The creditor's fields the form edits, in the order it shows them (the address apart).
CREDITOR_FIELDS = (
    "name", "legal_form", "capital", "registration_id", "registration_city", "vat_number",
    "country", "currency", "language", "iban", "bic", "phone", "email", "signatory_name",
    "signatory_title", "signatory_title_translated",
)  # fmt: skip
ADDRESS_FIELDS = ("address_lines", "postal_code", "city")


def _shown(creditor: Creditor | None) -> dict[str, str]:
    """The creditor as the form shows it."""
    if creditor is None:
        return {name: "" for name in (*CREDITOR_FIELDS, *ADDRESS_FIELDS, "envelope_window")}
    values = {name: str(getattr(creditor, name)) for name in CREDITOR_FIELDS}
    values["address_lines"] = "\n".join(creditor.address.lines)
    values["postal_code"] = creditor.address.postal_code
    values["city"] = creditor.address.city
    window = creditor.envelope_window
    values["envelope_window"] = window.value if window else ""
    return values


def _creditor_page(
    request: Request, user: User, values: dict[str, str], error: str = "", status: int = 200
) -> Response:
    creditor = reports.creditor(request.app.state.store)
    context = {
        "tab": "creditor",
        "values": values,
        "fields": CREDITOR_FIELDS,
        "windows": list(WindowSide),
        "needs": setup.letters_need(creditor) if creditor else ("name",),
        "error": error,
    }
    return render(request, user, "settings_creditor.html", context, status_code=status)


@page(Role.MANAGER)
def creditor_page(request: Request, user: User) -> Response:
    """The creditor, what its letters still need, and the form to change it."""
    return _creditor_page(request, user, _shown(reports.creditor(request.app.state.store)))


@action(Role.MANAGER)
def save_creditor(request: Request, user: User, form: FormData) -> Response:
    """Change the creditor as the form states it (as `relance init` does)."""
    typed = {name: form_text(form, name) for name in (*CREDITOR_FIELDS, *ADDRESS_FIELDS)}
    typed["envelope_window"] = form_text(form, "envelope_window")
    changes: dict[str, Any] = {name: typed[name] for name in CREDITOR_FIELDS}
    changes["address_lines"] = tuple(
        line.strip() for line in typed["address_lines"].splitlines() if line.strip()
    )
    changes["postal_code"], changes["city"] = typed["postal_code"], typed["city"]
    try:
        window = typed["envelope_window"]
        changes["envelope_window"] = WindowSide(window) if window else None
        setup.update_creditor(request.app.state.store, changes, actor=user.email)
    except ValueError as problem:  # SetupError names the field; the form keeps what was typed
        return _creditor_page(request, user, typed, str(problem), status=400)
    flash(request, "settings.creditor_saved")
    return RedirectResponse("/settings", status_code=303)


@page(Role.MANAGER)
def rates_page(request: Request, user: User) -> Response:
    """The rate tables' periods of the last three years (of one table, or all)."""
    store, today = request.app.state.store, request.app.state.settings.today()
    since = date(today.year - 3, 1, 1)
    every = rates.list_rates(store)
    tables = sorted({x.table for x in every})
    chosen = request.query_params.get("table", "")
    chosen = chosen if chosen in tables else ""
    listed = [x for x in every if x.period.end >= since and (not chosen or x.table == chosen)]
    context = {
        "tab": "rates",
        "listed": listed,
        "tables": tables,
        "chosen": chosen,
        "gaps": rates.gaps_for(store, today),
    }
    return render(request, user, "settings_rates.html", context)


def _rate(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ".").rstrip("% "))
    except InvalidOperation:
        raise ValueError(f"not a rate: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"not a rate: {text!r}")
    return value


def _day(form: FormData, name: str) -> date:
    text = form_text(form, name)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: not a date: {text!r}") from None


@action(Role.MANAGER)
def add_rate(request: Request, user: User, form: FormData) -> Response:
    """Add the user's own period to a table (as `relance rates add`)."""
    today = request.app.state.settings.today()
    try:
        rates.add_rate(
            request.app.state.store, form_text(form, "table"), _day(form, "start"),
            _day(form, "end"), _rate(form_text(form, "rate")), form_text(form, "source"),
            confirmed=form.get("unconfirmed") != "on", today=today, actor=user.email,
        )  # fmt: skip
        flash(request, "settings.rate_added")
    except (ValueError, LookupError) as problem:
        flash_error(request, problem)
    return RedirectResponse("/settings/rates", status_code=303)


@action(Role.MANAGER)
def confirm_rate(request: Request, user: User, form: FormData) -> Response:
    """Confirm the period covering a day, checked against a source (`relance rates confirm`)."""
    today = request.app.state.settings.today()
    try:
        rates.confirm_rate(
            request.app.state.store, form_text(form, "table"), _day(form, "on"),
            form_text(form, "source"), today=today, actor=user.email,
        )  # fmt: skip
        flash(request, "settings.rate_confirmed")
    except (ValueError, LookupError) as problem:
        flash_error(request, problem)
    return RedirectResponse("/settings/rates", status_code=303)


ROUTES = [
    Route("/settings", creditor_page, methods=["GET"]),
    Route("/settings", save_creditor, methods=["POST"]),
    Route("/settings/rates", rates_page, methods=["GET"]),
    Route("/settings/rates", add_rate, methods=["POST"]),
    Route("/settings/rates/confirm", confirm_rate, methods=["POST"]),
]
