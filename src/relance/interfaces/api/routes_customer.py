"""What the customer said and what stops collection: a customer's history, the contact log,
disputes, promises, payment plans and holds."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.core.money import Money
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Collector, Manager, Viewer, store_of
from relance.interfaces.api.pagination import Cursor, Limit, page
from relance.interfaces.api.problems import RESPONSES
from relance.interfaces.api.routes_ledger import AsOf, day
from relance.services import customer_history, pauses

router = APIRouter(responses=RESPONSES, tags=["customers"])
Ref = Annotated[str, Path(max_length=64, description="The customer's reference.")]
Number = Annotated[str, Path(max_length=64, description="The invoice's number.")]


class EventOut(BaseModel):
    """One entry of a customer's history: what happened, on which business day, by whom."""

    seq: int
    dated: date
    at: s.Instant
    actor: str
    kind: str
    subject: str
    reason: str
    data: dict[str, Any]


@router.get("/customers/{ref}/events")
def events(
    request: Request, user: Viewer, ref: Ref, limit: Limit = 50, cursor: Cursor = None
) -> s.Page[EventOut]:
    """The customer's history, in the order it was recorded."""
    found = list(enumerate(customer_history.history(store_of(request), ref), start=1))
    chosen, following = page(found, lambda pair: [pair[0]], cursor, limit)
    items = [
        EventOut(
            seq=seq, dated=e.dated, at=e.at, actor=e.actor, kind=e.kind, subject=e.subject,
            reason=e.reason, data=s.plain(dict(e.data)),
        )
        for seq, e in chosen
    ]  # fmt: skip
    return s.Page(items=items, next_cursor=following)


class Logged(BaseModel):
    """A write recorded; what to know about it."""

    warnings: list[str] = Field(default_factory=list)


class ContactIn(s.Strict):
    """A call, e-mail or letter, made or received."""

    channel: ContactChannel
    on: date | None = None
    direction: Direction = Direction.OUTGOING
    outcome: CallOutcome | None = None
    at_time: time | None = None
    note: s.Text = ""


@router.post("/customers/{ref}/contacts", status_code=201)
def log_contact(request: Request, user: Collector, ref: Ref, body: ContactIn) -> Logged:
    """Log a contact with the customer (a call reached counts as a response)."""
    warnings = pauses.log_contact(
        store_of(request), ref, body.channel, day(request, body.on), direction=body.direction,
        outcome=body.outcome, at_time=body.at_time, note=body.note, actor=user.email,
    )  # fmt: skip
    return Logged(warnings=warnings)


class DisputeIn(s.Strict):
    """Why the invoice is contested, and since when."""

    reason: Annotated[str, Field(min_length=1, max_length=500)]
    on: date | None = None


@router.post("/invoices/{number}/dispute", status_code=201)
def dispute(request: Request, user: Collector, number: Number, body: DisputeIn) -> Logged:
    """Take a contested invoice out of dunning until the dispute is resolved."""
    on = day(request, body.on)
    pauses.dispute(store_of(request), number, body.reason, on, actor=user.email)
    return Logged()


class ResolveIn(s.Strict):
    """How the dispute ended, and when."""

    resolution: s.Text = ""
    on: date | None = None


@router.post("/invoices/{number}/resolve")
def resolve(request: Request, user: Collector, number: Number, body: ResolveIn) -> Logged:
    """End the dispute on an invoice: it is chased again if still owed."""
    on = day(request, body.on)
    pauses.resolve(store_of(request), number, on, resolution=body.resolution, actor=user.email)
    return Logged()


class PromiseIn(s.Strict):
    """A promise to pay an amount by a day."""

    amount: s.PositiveAmount
    currency: s.Currency | None = None
    due: date
    on: date | None = None
    note: s.Text = ""


class PromiseOut(BaseModel):
    """A promise recorded."""

    key: str
    customer: str
    made_on: date
    due: date
    amount: s.MoneyOut


@router.post("/customers/{ref}/promises", status_code=201)
def promise(request: Request, user: Collector, ref: Ref, body: PromiseIn) -> PromiseOut:
    """Record a promise to pay: the customer is left alone until it falls due."""
    store = store_of(request)
    currency = body.currency or pauses.customer_currency(store, ref)
    made = pauses.promise(
        store, ref, Money.of(body.amount, currency), body.due, day(request, body.on),
        note=body.note, actor=user.email,
    )  # fmt: skip
    return PromiseOut(
        key=made.key, customer=made.customer_ref, made_on=made.made_on, due=made.due,
        amount=s.money(made.amount),
    )  # fmt: skip


class PlanIn(s.Strict):
    """A payment plan over some open invoices."""

    invoices: Annotated[list[s.Key], Field(min_length=1, max_length=500)]
    instalments: Annotated[int, Field(ge=1, le=120)]
    first: date
    every: Annotated[str, Field(pattern=r"^[0-9]{1,3}[dwm]$")] = "1m"
    on: date | None = None


class PlanOut(BaseModel):
    """A payment plan agreed: its instalments."""

    key: str
    customer: str
    invoices: list[str]
    agreed_on: date
    instalments: list[dict[str, Any]]


@router.post("/customers/{ref}/plans", status_code=201)
def plan(request: Request, user: Collector, ref: Ref, body: PlanIn) -> PlanOut:
    """Agree a payment plan: the open balance split into instalments."""
    made = pauses.plan(
        store_of(request), ref, body.invoices, body.instalments, body.first, body.every,
        day(request, body.on), actor=user.email,
    )  # fmt: skip
    return PlanOut(
        key=made.key, customer=made.customer_ref, invoices=list(made.invoice_numbers),
        agreed_on=made.agreed_on,
        instalments=[{"due": i.due.isoformat(), "amount": s.plain(i.amount)}
                     for i in made.instalments],
    )  # fmt: skip


class HoldOut(BaseModel):
    """A customer on hold, and why."""

    customer: str
    reason: str


@router.get("/holds")
def holds(
    request: Request, user: Viewer, as_of: AsOf = None, limit: Limit = 50, cursor: Cursor = None
) -> s.Page[HoldOut]:
    """The customers on hold on a day, with the reason, by customer."""
    found = sorted(pauses.holds_in_force(store_of(request), day(request, as_of)).items())
    chosen, following = page(found, lambda hold: [hold[0]], cursor, limit)
    return s.Page(
        items=[HoldOut(customer=ref, reason=reason) for ref, reason in chosen],
        next_cursor=following,
    )


class HoldIn(s.Strict):
    """Why collection stops, and from when."""

    reason: Annotated[str, Field(min_length=1, max_length=500)]
    since: date | None = None


@router.post("/customers/{ref}/hold", status_code=201)
def hold(request: Request, user: Manager, ref: Ref, body: HoldIn) -> Logged:
    """Stop every collection step for the customer until released."""
    since = day(request, body.since)
    pauses.hold(store_of(request), ref, body.reason, since, actor=user.email)
    return Logged()


class ReleaseIn(s.Strict):
    """When the hold ends, and why."""

    on: date | None = None
    reason: s.Text = ""


@router.post("/customers/{ref}/release")
def release(request: Request, user: Manager, ref: Ref, body: ReleaseIn) -> Logged:
    """End the customer's holds."""
    on = day(request, body.on)
    pauses.release(store_of(request), ref, on, reason=body.reason, actor=user.email)
    return Logged()
