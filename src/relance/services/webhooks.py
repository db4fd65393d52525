"""Use case: the webhook endpoints (add, list, remove) and their deliveries (list, look
at one with its attempts, retry one by hand).

An endpoint's secret is made here and shown once, when the endpoint is added; relance
keeps it in the ledger to sign every delivery (`relance.core.webhooks`).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from relance.adapters.storage import repository_webhooks as hooks_repo
from relance.adapters.storage.database import Store
from relance.core.webhooks import (
    SECRET_PREFIX,
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EventType,
    WebhookError,
    checked_url,
)

MAX_DESCRIPTION = 200


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    """An endpoint just added, and its signing secret: shown this once."""

    endpoint: Endpoint
    secret: str


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes one: ``whsec_`` and 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def add_endpoint(
    store: Store, url: str, events: tuple[EventType, ...], description: str = ""
) -> NewEndpoint:
    """A new endpoint that receives `events` at `url` (https, or http on loopback)."""
    url = checked_url(url)
    if not events:
        raise WebhookError("an endpoint takes one event or more")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise WebhookError(f"a description has at most {MAX_DESCRIPTION} characters")
    secret = new_secret()
    with store.begin() as conn:
        endpoint_id = hooks_repo.add_endpoint(conn, url, events, description, secret, _now())
        made = hooks_repo.endpoint(conn, endpoint_id)
    assert made is not None
    return NewEndpoint(made, secret)


def list_endpoints(store: Store) -> list[Endpoint]:
    """The endpoints, oldest first (never their secrets)."""
    with store.begin() as conn:
        return hooks_repo.endpoints(conn)


def remove_endpoint(store: Store, endpoint_id: int) -> Endpoint:
    """Remove an endpoint: no new event for it, and its deliveries still pending fail."""
    with store.begin() as conn:
        found = hooks_repo.endpoint(conn, endpoint_id)
        if found is None:
            raise LookupError(f"no webhook endpoint {endpoint_id}")
        hooks_repo.remove_endpoint(conn, endpoint_id, _now())
    return found


def deliveries(
    store: Store,
    *,
    status: DeliveryStatus | None = None,
    endpoint_id: int | None = None,
    after: int | None = None,
    limit: int | None = 100,
) -> list[Delivery]:
    """The deliveries, newest first: of one status or endpoint, older than id `after`."""
    with store.begin() as conn:
        return hooks_repo.deliveries(
            conn, status=status, endpoint_id=endpoint_id, after=after, limit=limit
        )


def delivery(store: Store, delivery_id: int) -> tuple[Delivery, list[Attempt]]:
    """One delivery and every attempt at it."""
    with store.begin() as conn:
        found = hooks_repo.delivery(conn, delivery_id)
        if found is None:
            raise LookupError(f"no webhook delivery {delivery_id}")
        return found, hooks_repo.attempts(conn, delivery_id)


def retry(store: Store, delivery_id: int, now: datetime | None = None) -> Delivery:
    """Make a failed delivery due again (at once), with a fresh set of attempts; the next
    `relance webhook deliver` (or worker, or server) posts it."""
    with store.begin() as conn:
        found = hooks_repo.delivery(conn, delivery_id)
        if found is None:
            raise LookupError(f"no webhook delivery {delivery_id}")
        if found.status is DeliveryStatus.DELIVERED:
            raise WebhookError(f"delivery {delivery_id} was delivered: nothing to retry")
        if hooks_repo.endpoint(conn, found.endpoint_id) is None:
            raise WebhookError(f"delivery {delivery_id}'s endpoint was removed")
        hooks_repo.retry(conn, delivery_id, now or _now())
        again = hooks_repo.delivery(conn, delivery_id)
    assert again is not None
    return again


def _now() -> datetime:
    return datetime.now(UTC)
