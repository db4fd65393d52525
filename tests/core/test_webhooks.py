"""Where relance may post a webhook, which events there are, and the signature's bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from relance.core.webhooks import (
    EventType,
    WebhookError,
    checked_url,
    parse_events,
    payload,
    signature,
)


@pytest.mark.parametrize(
    "url",
    ["https://crm.example.com/hooks", "http://127.0.0.1:8080/h", "http://localhost/h",
     "http://[::1]:9000/h", "https://10.0.0.5/h"],
)  # fmt: skip
def test_https_anywhere_and_plain_http_on_this_machine_are_taken(url):
    assert checked_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://crm.example.com/hooks", "plain http only to this machine"),
        ("http://192.168.1.4/h", "plain http only"),
        ("ftp://example.com/h", "not an http"),
        ("https:///nohost", "not an http"),
        ("crm.example.com", "not an http"),
        ("https://user:pw@example.com/", "no user or password"),
        ("https://example.com:port/", "not a URL"),
        ("", "1 to"),
    ],
)
def test_other_urls_are_refused_saying_why(url, why):
    with pytest.raises(WebhookError, match=why):
        checked_url(url)


def test_events_are_named_in_a_list_and_unknown_ones_refused():
    assert parse_events("invoice.paid, action.proposed,invoice.paid") == (
        EventType.INVOICE_PAID,
        EventType.ACTION_PROPOSED,
    )
    with pytest.raises(WebhookError, match="unknown event"):
        parse_events("invoice.paid,invoice.created")
    with pytest.raises(WebhookError, match="name one event"):
        parse_events(" , ")


def test_the_signature_is_the_standard_webhooks_example():
    # The example of the Standard Webhooks reference libraries (secret, id, timestamp, body).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    got = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert got == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_an_event_is_posted_as_compact_json_with_its_envelope():
    at = datetime(2026, 11, 30, 9, 12, 3, 120000, tzinfo=UTC)
    body = payload("evt_1", EventType.INVOICE_PAID, at, {"customer_ref": "ÉTÉ", "n": [1, 2]})
    assert body.decode() == (
        '{"id":"evt_1","type":"invoice.paid","occurred_at":"2026-11-30T09:12:03.120000Z",'
        '"data":{"customer_ref":"ÉTÉ","n":[1,2]}}'
    )
    assert json.loads(body)["data"]["customer_ref"] == "ÉTÉ"
