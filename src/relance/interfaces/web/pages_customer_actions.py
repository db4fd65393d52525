"""What a collector or manager records on a customer's page: a call (with a promise), a
promise, a dispute and its end, a note (collector); a payment plan, a hold and its release,
the contract terms (manager). Each form goes to the same service as the CLI command, with
the web user as actor, then back to the customer's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.contacts import CallOutcome, ContactChannel
from relance.core.jurisdiction import Contract
from relance.core.money import Money
from relance.core.terms import parse_discount_terms
from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error
from relance.interfaces.web.security import action, form_text
from relance.services import agreements, contracts, pauses

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


def add_note(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A note written on the customer's file."""
    agreements.add_note(
        request.app.state.store, ref, form_text(form, "note"), today, actor=user.email
    )
    return "customer.note_added"


def agree_plan(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """A payment plan over the invoices ticked: their open balance in instalments."""
    numbers = [n for n in form.getlist("invoices") if isinstance(n, str) and n.strip()]
    count = form_text(form, "instalments")
    if not count.isdigit():
        raise ValueError(f"not a number of instalments: {count!r}")
    first = _day(form_text(form, "first"), today)
    every = form_text(form, "every") or "1m"
    pauses.plan(
        request.app.state.store, ref, numbers, int(count), first, every, today, actor=user.email
    )
    return "customer.plan_agreed"


def _contract_from_form(form: FormData, currency: str) -> Contract:
    """The contract terms as the form states them (an empty field: the law's default)."""
    rate, years = form_text(form, "rate"), form_text(form, "limitation_years")
    fees = {name: form_text(form, name) for name in ("fee_per_invoice", "fee_per_letter")}
    fee = {name: _amount(text, currency) if text else None for name, text in fees.items()}
    discount = form_text(form, "discount")
    if years and not years.isdigit():
        raise ValueError(f"not a number of years: {years!r}")
    try:
        rate_value = Decimal(rate.replace(",", ".").rstrip("% ")) if rate else None
    except InvalidOperation:
        raise ValueError(f"not a rate: {rate!r}") from None
    return Contract(
        rule_set=form_text(form, "rule_set") or None,
        rate=rate_value,
        fee_per_invoice=fee["fee_per_invoice"],
        fee_per_letter=fee["fee_per_letter"],
        discount=parse_discount_terms(discount) if discount else None,
        limitation_years=int(years) if years else None,
        waive_interest=form.get("waive_interest") == "on",
        waive_indemnity=form.get("waive_indemnity") == "on",
    )


def change_terms(request: Request, user: User, form: FormData, ref: str, today: date) -> str:
    """The customer's contract terms, as the form states them; only what changed is logged."""
    store = request.app.state.store
    wanted = _contract_from_form(form, pauses.customer_currency(store, ref))
    current = contracts.contract_of(store, ref)
    changes = {
        field: getattr(wanted, field)
        for field in CONTRACT_FIELDS
        if getattr(wanted, field) != getattr(current, field)
    }
    if not changes:
        return "customer.terms_unchanged"
    contracts.set_contract(store, ref, changes, actor=user.email, reason=form_text(form, "reason"))
    return "customer.terms_changed"


CONTRACT_FIELDS = ("rule_set", "rate", "fee_per_invoice", "fee_per_letter", "discount",
                   "limitation_years", "waive_interest", "waive_indemnity")  # fmt: skip

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
    Route("/customers/{ref:path}/note", _recording(Role.COLLECTOR, add_note), methods=["POST"]),
    Route("/customers/{ref:path}/plan", _recording(Role.MANAGER, agree_plan), methods=["POST"]),
    Route("/customers/{ref:path}/terms", _recording(Role.MANAGER, change_terms), methods=["POST"]),
    Route("/customers/{ref:path}/hold", _recording(Role.MANAGER, hold), methods=["POST"]),
    Route("/customers/{ref:path}/release", _recording(Role.MANAGER, release), methods=["POST"]),
]
