"""Webhook endpoints and their deliveries, for admins (`docs/api.md`, "Webhooks"): the same
use cases as `relance webhook`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from relance.core.webhooks import (
    MAX_URL,
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EventType,
    WebhookError,
)
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Admin, store_of
from relance.interfaces.api.pagination import Cursor, Limit, decode, encode, page
from relance.interfaces.api.problems import RESPONSES, ApiProblem
from relance.services import webhooks

router = APIRouter(responses=RESPONSES, tags=["webhooks"])


class EndpointOut(BaseModel):
    """A webhook endpoint (never its secret: only its first characters)."""

    id: int
    url: str
    events: list[EventType]
    description: str
    created_at: s.Instant
    secret_hint: str


class NewEndpointOut(EndpointOut):
    """An endpoint just added, with its signing secret: shown this once."""

    secret: str


class EndpointIn(s.Strict):
    """Where to post (https, or http on loopback) and which events."""

    url: Annotated[str, Field(min_length=1, max_length=MAX_URL)]
    events: Annotated[list[EventType], Field(min_length=1, max_length=len(EventType))]
    description: Annotated[str, Field(max_length=webhooks.MAX_DESCRIPTION)] = ""


def endpoint_out(e: Endpoint) -> EndpointOut:
    """An endpoint as the API writes it."""
    return EndpointOut(
        id=e.id, url=e.url, events=list(e.events), description=e.description,
        created_at=e.created_at, secret_hint=e.secret_hint,
    )  # fmt: skip


@router.get("/webhooks")
def list_endpoints(
    request: Request, user: Admin, limit: Limit = 50, cursor: Cursor = None
) -> s.Page[EndpointOut]:
    """The webhook endpoints, oldest first."""
    found = webhooks.list_endpoints(store_of(request))
    chosen, following = page(found, lambda e: [e.id], cursor, limit)
    return s.Page(items=[endpoint_out(e) for e in chosen], next_cursor=following)


@router.post("/webhooks", status_code=201)
def add_endpoint(request: Request, user: Admin, body: EndpointIn) -> NewEndpointOut:
    """Add an endpoint; the answer holds its signing secret, this once."""
    try:
        made = webhooks.add_endpoint(
            store_of(request), body.url, tuple(dict.fromkeys(body.events)), body.description
        )
    except WebhookError as exc:
        raise ApiProblem(422, str(exc), "url") from exc
    return NewEndpointOut(**endpoint_out(made.endpoint).model_dump(), secret=made.secret)


EndpointId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The endpoint's id.")]
DeliveryId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The delivery's id.")]


@router.delete("/webhooks/{endpoint_id}")
def remove_endpoint(request: Request, user: Admin, endpoint_id: EndpointId) -> EndpointOut:
    """Remove an endpoint: no new event for it, and its pending deliveries fail."""
    try:
        removed = webhooks.remove_endpoint(store_of(request), endpoint_id)
    except LookupError as exc:
        raise ApiProblem(404, str(exc.args[0]), "endpoint_id") from exc
    return endpoint_out(removed)


class DeliveryOut(BaseModel):
    """One event for one endpoint, and where its attempts stand."""

    id: int
    endpoint_id: int
    event_id: str
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    next_attempt_at: s.Instant | None
    last_status_code: int | None
    last_error: str
    created_at: s.Instant
    delivered_at: s.Instant | None


class AttemptOut(BaseModel):
    """One post: the answer's status code (null without one), time taken, error."""

    attempted_at: s.Instant
    status_code: int | None
    duration_ms: int
    error: str


class DeliveryDetailOut(DeliveryOut):
    """A delivery with the event as posted and every attempt."""

    payload: str
    attempt_log: list[AttemptOut]


def delivery_out(d: Delivery) -> DeliveryOut:
    """A delivery as the API writes it."""
    return DeliveryOut(
        id=d.id, endpoint_id=d.endpoint_id, event_id=d.event_id, event_type=d.event_type,
        status=d.status, attempts=d.attempts, next_attempt_at=d.next_attempt_at,
        last_status_code=d.last_status_code, last_error=d.last_error, created_at=d.created_at,
        delivered_at=d.delivered_at,
    )  # fmt: skip


def _attempt_out(a: Attempt) -> AttemptOut:
    return AttemptOut(
        attempted_at=a.attempted_at, status_code=a.status_code, duration_ms=a.duration_ms,
        error=a.error,
    )  # fmt: skip


@router.get("/webhooks/deliveries")
def list_deliveries(
    request: Request,
    user: Admin,
    status: Annotated[DeliveryStatus | None, Query(description="Only this status.")] = None,
    endpoint: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only its.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> s.Page[DeliveryOut]:
    """The deliveries, newest first."""
    after = None
    if cursor is not None:
        key = decode(cursor)
        if len(key) != 1 or not isinstance(key[0], int):
            raise ApiProblem(422, "not a cursor this API gave", "cursor")
        after = key[0]
    found = webhooks.deliveries(
        store_of(request), status=status, endpoint_id=endpoint, after=after, limit=limit + 1
    )
    chosen = found[:limit]
    following = encode([chosen[-1].id]) if len(found) > limit else None
    return s.Page(items=[delivery_out(d) for d in chosen], next_cursor=following)


def _delivery(request: Request, delivery_id: int) -> tuple[Delivery, list[Attempt]]:
    try:
        return webhooks.delivery(store_of(request), delivery_id)
    except LookupError as exc:
        raise ApiProblem(404, str(exc.args[0]), "delivery_id") from exc


@router.get("/webhooks/deliveries/{delivery_id}")
def get_delivery(request: Request, user: Admin, delivery_id: DeliveryId) -> DeliveryDetailOut:
    """One delivery: the event as posted, and every attempt."""
    found, attempts = _delivery(request, delivery_id)
    return DeliveryDetailOut(
        **delivery_out(found).model_dump(), payload=found.payload.decode(),
        attempt_log=[_attempt_out(a) for a in attempts],
    )  # fmt: skip


@router.post("/webhooks/deliveries/{delivery_id}/retry")
def retry(request: Request, user: Admin, delivery_id: DeliveryId) -> DeliveryOut:
    """Make a failed delivery due again, with a fresh set of attempts (409 when it was
    delivered, or its endpoint removed)."""
    _delivery(request, delivery_id)
    try:
        again = webhooks.retry(store_of(request), delivery_id)
    except WebhookError as exc:
        raise ApiProblem(409, str(exc), "delivery_id") from exc
    return delivery_out(again)
