"""What a collector or manager records on a customer's page: a call (with a promise), a
promise, a dispute and its end, a hold and its release. Each form goes to the same service
as the CLI command, with the web user as actor, then back to the customer's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.contacts import CallOutcome, ContactChannel
from relance.core.money import Money
from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error
from relance.interfaces.web.security import action, form_text
from relance.services import pauses

Recorder = Callable[[Request, User, FormData, str, date], str]


def _amount(text: str, currency: str) -> Money:
    """A positive amount typed in a form (`250`, `250.00`, `1 234,56`)."""
    from relance.adapters.formats.ledger_csv import parse_money

    amount = parse_money(text, currency)
    if amount.amount <= 0:
        raise ValueError(f"not a positive amount: {text!r}")
    return amount


def _day(text: str, default: date) -> date:
    """A date from a form's date field (ISO), or `default` when left empty."""
    return date.fromisoformat(text) if text else default


def _recording(role: Role, record: Recorder) -> Callable[[Request], object]:
    """A POST route that runs `record` and goes back to the customer's page, saying what was
    recorded or why the service refused."""

    @action(role)
    def endpoint(request: Request, user: User, form: FormData) -> Response:
        ref = request.path_params["ref"]
        try:
            said = record(request, user, form, ref, request.app.state.settings.today())
            flash(request, said)
        except (ValueError, LookupError) as problem:
            flash_error(request, problem)
        return RedirectResponse(f"/customers/{quote(ref, safe='')}", status_code=303)

    endpoint.__doc__ = record.__doc__
    return endpoint


def log_call(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A call made to the customer, its outcome, and the promise it brought if any."""
    store = request.app.state.store
    outcome = CallOutcome(form_text(form, "outcome"))
    on = _day(form_text(form, "on"), today)
    note = form_text(form, "note")
    promised = form_text(form, "promise_amount")
    if promised:  # first: a promise the service refuses leaves no call half recorded
        amount = _amount(promised, pauses.customer_currency(store, ref))
        due = _day(form_text(form, "promise_due"), today)
        pauses.promise(store, ref, amount, due, on, note=note, actor=user.email)
    pauses.log_contact(
        store, ref, ContactChannel.CALL, on, outcome=outcome, note=note, actor=user.email
    )
    return "customer.call_promise_logged" if promised else "customer.call_logged"


def record_promise(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A promise to pay an amount by a date."""
    store = request.app.state.store
    amount = _amount(form_text(form, "amount"), pauses.customer_currency(store, ref))
    due = _day(form_text(form, "due"), today)
    pauses.promise(store, ref, amount, due, today, note=form_text(form, "note"), actor=user.email)
    return "customer.promise_recorded"


def open_dispute(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """An invoice the customer contests."""
    number, reason = form_text(form, "invoice"), form_text(form, "reason")
    pauses.dispute(request.app.state.store, number, reason, today, actor=user.email)
    return "customer.dispute_opened"


def end_dispute(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A dispute resolved."""
    number, resolution = form_text(form, "invoice"), form_text(form, "resolution")
    pauses.resolve(request.app.state.store, number, today, resolution=resolution, actor=user.email)
    return "customer.dispute_resolved"


def hold(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """Collection stopped for the customer."""
    pauses.hold(request.app.state.store, ref, form_text(form, "reason"), today, actor=user.email)
    return "customer.held"


def release(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A hold ended."""
    store = request.app.state.store
    pauses.release(store, ref, today, reason=form_text(form, "reason"), actor=user.email)
    return "customer.released"


ROUTES = [
    Route("/customers/{ref:path}/call", _recording(Role.COLLECTOR, log_call), methods=["POST"]),
    Route(
        "/customers/{ref:path}/promise",
        _recording(Role.COLLECTOR, record_promise),
        methods=["POST"],
    ),
    Route(
        "/customers/{ref:path}/dispute", _recording(Role.COLLECTOR, open_dispute), methods=["POST"]
    ),
    Route(
        "/customers/{ref:path}/resolve", _recording(Role.COLLECTOR, end_dispute), methods=["POST"]
    ),
    Route("/customers/{ref:path}/hold", _recording(Role.MANAGER, hold), methods=["POST"]),
    Route("/customers/{ref:path}/release", _recording(Role.MANAGER, release), methods=["POST"]),
]
