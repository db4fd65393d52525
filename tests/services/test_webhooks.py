"""Webhooks tell another program what happened in the ledger, signed, and try again when it
does not answer (SQLite and PostgreSQL, a real HTTP receiver on loopback).

The story: Atelier Durand's CRM wants to know when relance proposes a step, and when an
invoice is paid. The seeds' invoice 12345 of 100 USD due on 1 January 2018.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.conftest import write
from tests.loopback_webhooks import receiver, verified
from tests.services.test_dunning import desk, pay, seed

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.core.reference import creditor_reference
from relance.core.webhooks import DeliveryStatus, EventType, WebhookError
from relance.core.writeoff import WriteOffReason
from relance.services import (
    daily_run,
    dunning,
    file_import,
    law,
    lettrage,
    sending,
    webhook_delivery,
    webhooks,
)
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

EVERYTHING = tuple(EventType)


def soon() -> datetime:
    """A moment just after now, when what was just written is due (the clock a deliverer
    is given: no test sleeps)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def no_jitter() -> float:
    return 0.0


def test_a_run_tells_the_crm_of_the_step_it_proposed_signed(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        made = webhooks.add_endpoint(store, crm.url, (EventType.ACTION_PROPOSED,), "CRM")
        report = daily_run.run_dunning(store, date(2018, 1, 15))
        (proposed,) = report.proposed
        (waiting,) = webhooks.deliveries(store)
        assert waiting.status is DeliveryStatus.PENDING

        now = soon()
        done = webhook_delivery.deliver_due(store, now)

        assert (done.attempted, done.delivered) == (1, 1)
        (request,) = crm.received
    assert request.path == "/hooks"
    assert verified(made.secret, request)
    assert not verified(webhooks.new_secret(), request)
    assert request.headers["webhook-id"] == waiting.event_id
    assert request.headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert request.headers["content-type"] == "application/json"
    event = json.loads(request.body)
    assert event["id"] == waiting.event_id and event["type"] == "action.proposed"
    assert event["data"] == {
        "action_id": proposed.id, "customer_ref": "ACME", "level": proposed.action.level,
        "level_name": "informal", "channels": [c.value for c in proposed.action.channels],
        "invoices": ["12345"], "proposed_on": "2018-01-15",
        "status": proposed.action.status.value,
    }  # fmt: skip
    delivered, attempts = webhooks.delivery(store, waiting.id)
    assert delivered.status is DeliveryStatus.DELIVERED and delivered.last_status_code == 200
    assert [(a.status_code, a.attempted_at) for a in attempts] == [(200, now)]
    # Delivered once: a second pass posts nothing.
    assert webhook_delivery.deliver_due(store, now + timedelta(days=1)).attempted == 0


def test_a_receiver_that_fails_gets_it_again_later_then_it_fails_until_retried(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.ACTION_PROPOSED,))
        daily_run.run_dunning(store, date(2018, 1, 15))
        crm.answers = [500] * 7
        now = soon()
        at = now
        waits = []
        for _ in range(7):
            done = webhook_delivery.deliver_due(store, at, spread=no_jitter)
            assert done.attempted == 1
            (delivery,) = webhooks.deliveries(store)
            if delivery.next_attempt_at is None:
                break
            waits.append(delivery.next_attempt_at - at)
            # Not due a second before its time: nothing is posted.
            early = delivery.next_attempt_at - timedelta(seconds=1)
            assert webhook_delivery.deliver_due(store, early).attempted == 0
            at = delivery.next_attempt_at
        assert waits == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                         timedelta(hours=2), timedelta(hours=5), timedelta(hours=10)]  # fmt: skip
        assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 7
        assert delivery.last_status_code == 500 and "500" in delivery.last_error
        assert webhook_delivery.deliver_due(store, at + timedelta(days=30)).attempted == 0
        # By hand, once the receiver is mended.
        webhooks.retry(store, delivery.id, now=at)
        assert webhook_delivery.deliver_due(store, at).delivered == 1
        assert len(crm.received) == 8
    assert len({r.headers["webhook-id"] for r in crm.received}) == 1  # the same message
    _, attempts = webhooks.delivery(store, delivery.id)
    assert [a.status_code for a in attempts] == [500] * 7 + [200]
    with pytest.raises(WebhookError, match="was delivered"):
        webhooks.retry(store, delivery.id)


def test_the_wait_before_a_retry_is_spread_by_jitter(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.ACTION_PROPOSED,))
        daily_run.run_dunning(store, date(2018, 1, 15))
        crm.answers = [503]
        now = soon()
        webhook_delivery.deliver_due(store, now, spread=lambda: 0.5)
    (delivery,) = webhooks.deliveries(store)
    assert delivery.next_attempt_at == now + timedelta(seconds=5.25)


def test_a_receiver_that_does_not_answer_is_logged_and_tried_again(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        url = crm.url
    # the receiver is gone: the connection is refused
    webhooks.add_endpoint(store, url, (EventType.ACTION_PROPOSED,))
    daily_run.run_dunning(store, date(2018, 1, 15))
    now = soon()
    done = webhook_delivery.deliver_due(store, now)
    assert (done.attempted, done.retrying) == (1, 1)
    (delivery,) = webhooks.deliveries(store)
    assert delivery.status is DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_a_payment_import_tells_the_payment_matched_and_the_invoice_paid(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        made = webhooks.add_endpoint(store, crm.url, EVERYTHING)
        pay(store, tmp_path, date(2018, 1, 10), "40.00")
        pay(store, tmp_path, date(2018, 1, 12), "60.00")
        now = soon()
        webhook_delivery.deliver_due(store, now)
        events = [json.loads(r.body) for r in crm.received]
        assert all(verified(made.secret, r) for r in crm.received)
    kinds = sorted(e["type"] for e in events)
    assert kinds == ["invoice.paid", "payment.matched", "payment.matched"]
    (paid,) = [e for e in events if e["type"] == "invoice.paid"]
    assert paid["data"]["invoice"] == "12345" and paid["data"]["customer_ref"] == "ACME"
    assert paid["data"]["amount"] == {"amount": "100.00", "currency": "USD"}
    assert paid["data"]["paid_on"] == "2018-01-12"
    amounts = sorted(e["data"]["amount"]["amount"] for e in events if e["type"] != "invoice.paid")
    assert amounts == ["40.00", "60.00"]


def test_a_file_refused_half_way_tells_nothing(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, EVERYTHING)
        bad = write(
            tmp_path / "bad.csv",
            "date,customer,amount,currency,invoice\n"
            "2018-01-10,ACME,100.00,USD,12345\n"
            "2018-01-11,NOBODY,5.00,USD,\n",
        )
        with pytest.raises(FormatError):
            import_ledger_csv(store, CsvKind.PAYMENTS, bad)
        daily_run.run_dunning(store, date(2018, 1, 15), dry_run=True)
        assert webhooks.deliveries(store) == []
        now = soon()
        assert webhook_delivery.deliver_due(store, now).attempted == 0
        assert crm.received == []


def test_no_endpoint_for_an_event_writes_no_delivery(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.INVOICE_PAID,))
        daily_run.run_dunning(store, date(2018, 1, 15))
        pay(store, tmp_path, date(2018, 1, 16), "40.00")  # matched, not paid
        assert webhooks.deliveries(store) == []


def test_a_removed_endpoint_gets_nothing_more(store, tmp_path):
    seed(store, tmp_path)
    with receiver() as crm:
        made = webhooks.add_endpoint(store, crm.url, (EventType.ACTION_PROPOSED,))
        daily_run.run_dunning(store, date(2018, 1, 15))
        webhooks.remove_endpoint(store, made.endpoint.id)
        now = soon()
        assert webhook_delivery.deliver_due(store, now).attempted == 0
        (delivery,) = webhooks.deliveries(store)
        assert delivery.status is DeliveryStatus.FAILED
        assert webhooks.list_endpoints(store) == []
        daily_run.run_dunning(store, date(2018, 1, 29))
        assert len(webhooks.deliveries(store)) == 1
        assert crm.received == []


def test_a_letter_printed_for_the_post_tells_the_letter_sent(store, tmp_path):
    seed(store, tmp_path)
    init_creditor(store, DEMO_CREDITOR, actor="test")  # all a letter must name
    desk(store, date(2018, 1, 1), date(2018, 1, 28))  # the earlier steps, done by hand
    with receiver() as crm:
        made = webhooks.add_endpoint(store, crm.url, (EventType.LETTER_SENT,))
        (letter,) = daily_run.run_dunning(store, date(2018, 1, 29)).proposed
        dunning.approve(store, every=True)
        assert webhooks.deliveries(store) == []  # proposed and approved: not sent yet
        sending.send_approved(store, date(2018, 1, 29), tmp_path / "out", None)
        webhook_delivery.deliver_due(store, soon())
        (request,) = crm.received
    assert verified(made.secret, request)
    event = json.loads(request.body)
    assert event["type"] == "letter.sent"
    data = event["data"]
    assert (data["action_id"], data["customer_ref"], data["invoices"]) == (
        letter.id,
        "ACME",
        ["12345"],
    )
    assert data["total_due"]["currency"] == "USD" and data["sent_on"] == "2018-01-29"
    assert data["reference"] and data["channels"]


def test_a_bank_statement_and_a_match_by_hand_tell_the_payments_matched(store, tmp_path):
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(
        tmp_path / "c.csv", "ref,name,kind,country,language\nMARTIN,Boulangerie Martin,business,FR,fr\n"
    ))  # fmt: skip
    import_ledger_csv(store, CsvKind.INVOICES, write(
        tmp_path / "i.csv",
        "number,customer,issue_date,due_date,amount,currency\n"
        "F-100,MARTIN,2026-02-01,2026-03-01,120.00,EUR\n"
        "F-101,MARTIN,2026-02-05,2026-03-05,80.00,EUR\n",
    ))  # fmt: skip
    statement = write(
        tmp_path / "releve.csv",
        "Date opération;Libellé;Montant;Tiers;IBAN tiers;Référence structurée\n"
        f"20/03/2026;VIR SEPA;120,00;BOULANGERIE MARTIN;;{creditor_reference('F-100')}\n"
        "21/03/2026;VIR SEPA;30,00;J DUPONT;;\n",
    )
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.PAYMENT_MATCHED, EventType.INVOICE_PAID))
        file_import.import_bank_statements(store, [statement], as_of=date(2026, 3, 31))
        (waiting,) = lettrage.unmatched(store)
        lettrage.match(store, waiting.transaction.key, ["F-101"], as_of=date(2026, 3, 31))
        webhook_delivery.deliver_due(store, soon())
        events = [json.loads(r.body) for r in crm.received]
    told = sorted((e["type"], e["data"]["invoice"], e["data"].get("amount")) for e in events)
    assert told == [
        ("invoice.paid", "F-100", {"amount": "120.00", "currency": "EUR"}),
        ("payment.matched", "F-100", {"amount": "120.00", "currency": "EUR"}),
        ("payment.matched", "F-101", {"amount": "30.00", "currency": "EUR"}),
    ]


def test_a_write_off_tells_the_invoice_paid(store, tmp_path):
    seed(store, tmp_path)
    pay(store, tmp_path, date(2018, 1, 10), "30.00")
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.INVOICE_PAID,))
        law.write_off(store, "12345", WriteOffReason.UNECONOMIC, date(2018, 6, 1))
        webhook_delivery.deliver_due(store, soon())
        (request,) = crm.received
    data = json.loads(request.body)["data"]
    assert (data["invoice"], data["paid_on"], data["last_allocation"]) == (
        "12345",
        "2018-06-01",
        "write_off",
    )
