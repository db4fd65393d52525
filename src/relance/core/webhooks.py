"""Webhooks: the events relance tells other programs about, how a delivery is signed, and
when a failed one is tried again.

The signature follows Standard Webhooks 1.0 (github.com/standard-webhooks/standard-webhooks,
`spec/standard-webhooks.md`): the headers `webhook-id`, `webhook-timestamp` (Unix seconds)
and `webhook-signature` (``v1,<base64 HMAC-SHA256>``) over ``id.timestamp.body``, keyed with
the endpoint's secret (``whsec_`` and the key in base64). A receiver verifies it with any
Standard Webhooks library or a few lines of its own (`docs/api.md`, "Webhooks").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit


class EventType(StrEnum):
    """What relance tells a webhook endpoint about."""

    ACTION_PROPOSED = "action.proposed"  # the daily run queued an action
    LETTER_SENT = "letter.sent"  # an action's letter or e-mail went out
    PAYMENT_MATCHED = "payment.matched"  # a payment was applied to an invoice
    INVOICE_PAID = "invoice.paid"  # an invoice's open balance reached zero


class DeliveryStatus(StrEnum):
    """Where one delivery of one event to one endpoint stands."""

    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # every attempt failed: only a retry by hand sends it again


SECRET_PREFIX = "whsec_"
# After the first attempt fails, the next ones wait this long (then the delivery fails):
# a receiver down for a deploy gets it within minutes, one down for a night by morning.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.1  # each wait is stretched by up to 10 %, so endpoints that fail together spread
MAX_URL = 2000


class WebhookError(ValueError):
    """A webhook endpoint that cannot be: its URL or its events."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A receiver of webhooks: where to post, which events, and since when."""

    id: int
    url: str
    events: tuple[EventType, ...]
    description: str
    created_at: datetime
    secret_hint: str  # the secret's first characters, to tell two apart; never the secret


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event for one endpoint, with where its attempts stand."""

    id: int
    endpoint_id: int
    url: str
    event_id: str
    event_type: EventType
    payload: bytes
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    last_status_code: int | None = None
    last_error: str = ""
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at posting a delivery: the answer's status code or the error, and how long."""

    delivery_id: int
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        """True when the endpoint answered 2xx."""
        return self.status_code is not None and 200 <= self.status_code < 300


def checked_url(url: str) -> str:
    """`url` when relance may post to it: https, or http to a loopback address (a local
    integration, a test); a `WebhookError` saying why not otherwise."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise WebhookError(f"a webhook URL has 1 to {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise WebhookError(f"not a URL: {url!r} ({exc})") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise WebhookError(f"not an http(s) URL with a host: {url!r}")
    if parts.username or parts.password:
        raise WebhookError("a webhook URL carries no user or password: the signature proves")
    if parts.fragment:
        raise WebhookError(f"a webhook URL has no #fragment: {url!r}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise WebhookError(
            f"{url!r}: plain http only to this machine (127.0.0.1, ::1, localhost); use https"
        )
    return url


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_events(text: str) -> tuple[EventType, ...]:
    """The event types of a comma-separated list (each once, in the list's order)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise WebhookError(f"name one event or more: {', '.join(EventType)}")
    unknown = [name for name in names if name not in EventType.__members__.values()]
    if unknown:
        raise WebhookError(
            f"unknown event(s) {', '.join(unknown)}: known are {', '.join(EventType)}"
        )
    return tuple(dict.fromkeys(EventType(name) for name in names))


def signing_key(secret: str) -> bytes:
    """The HMAC key of an endpoint's secret (``whsec_`` then base64)."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise WebhookError("a webhook secret is whsec_ followed by base64") from exc


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of a delivery: ``v1,`` and the base64 HMAC-SHA256 of
    ``message_id.timestamp.body`` keyed with the secret."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a delivery is posted with."""
    return {
        "content-type": "application/json",
        "user-agent": "relance-webhooks",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def next_attempt(attempts: int, at: datetime, spread: float) -> datetime | None:
    """When to try again after `attempts` failed attempts, the last at `at`; None when the
    delivery has had all its attempts. `spread` in [0, 1) chooses within the jitter."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = RETRY_DELAYS[attempts - 1]
    return at + delay * (1 + JITTER * spread)


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount as a payload carries it: a decimal string and its currency."""
    return {"amount": str(amount), "currency": currency}


_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def payloads(kind: EventType, occurred_at: datetime) -> Callable[[str, Mapping[str, Any]], bytes]:
    """What writes the body of each event of `kind` that occurred at `occurred_at` from its
    id and data: ``{"id", "type", "occurred_at" (ISO 8601, UTC), "data"}`` as compact JSON.
    The envelope is written once: a run tells of 200,000 steps at the same instant."""
    when = _COMPACT.encode(occurred_at.isoformat().replace("+00:00", "Z"))
    middle = f',"type":{_COMPACT.encode(kind.value)},"occurred_at":{when},"data":'
    encode = _COMPACT.encode

    def write(event_id: str, data: Mapping[str, Any]) -> bytes:
        return f'{{"id":{encode(event_id)}{middle}{encode(data)}}}'.encode()

    return write


def payload(
    event_id: str, kind: EventType, occurred_at: datetime, data: Mapping[str, Any]
) -> bytes:
    """The body posted for one event (see `payloads`)."""
    return payloads(kind, occurred_at)(event_id, data)
