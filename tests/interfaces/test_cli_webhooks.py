"""`relance webhook` as a user drives it: add an endpoint (its secret printed once), list,
deliver from cron, look at the deliveries, retry, remove; and two deliverers at once on
PostgreSQL, each a process of its own, never posting the same delivery twice."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from tests.loopback_webhooks import receiver, verified
from tests.services.test_dunning import seed

from relance.bootstrap import open_store
from relance.core.webhooks import EventType
from relance.interfaces.cli.main import run
from relance.services import daily_run, webhook_events, webhooks

RELANCE = Path(sys.executable).with_name("relance")


def url_of(store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_a_user_adds_an_endpoint_lists_it_and_delivers_from_cron(store, tmp_path, capsys):
    seed(store, tmp_path)
    db = url_of(store)
    with receiver() as crm:
        assert run(["webhook", "add", crm.url, "--events", "action.proposed",
                    "--description", "CRM", "--db", db]) == 0  # fmt: skip
        out, err = capsys.readouterr()
        secret = out.strip()
        assert secret.startswith("whsec_") and "will not be shown again" in err
        assert run(["webhook", "list", "--db", db, "--format", "json"]) == 0
        (listed,) = json.loads(capsys.readouterr().out)
        assert listed["url"] == crm.url and listed["events"] == "action.proposed"
        assert secret not in json.dumps(listed) and listed["secret"].endswith("…")
        daily_run.run_dunning(store, date(2018, 1, 15))
        assert run(["webhook", "deliver", "--db", db]) == 0
        assert "1 posted: 1 delivered" in capsys.readouterr().out
        (request,) = crm.received
        assert verified(secret, request)
    assert run(["webhook", "deliveries", "--db", db, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["event"], row["status"], row["attempts"]) == ("action.proposed", "delivered", 1)
    assert run(["webhook", "show", str(row["id"]), "--db", db]) == 0
    assert '"type":"action.proposed"' in capsys.readouterr().out.replace("\n", "")
    assert run(["webhook", "retry", str(row["id"]), "--db", db]) == 1  # delivered: refused
    assert "was delivered" in capsys.readouterr().err
    assert run(["webhook", "remove", str(listed["id"]), "--db", db]) == 0
    assert run(["webhook", "remove", str(listed["id"]), "--db", db]) == 4


@pytest.mark.parametrize(
    ("url", "events", "why"),
    [
        ("http://crm.example.com/h", "invoice.paid", "plain http only"),
        ("https://crm.example.com/h", "invoice.created", "unknown event"),
    ],
)
def test_a_bad_url_or_event_is_a_usage_error_and_adds_nothing(
    sqlite_store, url, events, why, capsys
):
    db = url_of(sqlite_store)
    assert run(["webhook", "add", url, "--events", events, "--db", db]) == 2
    assert why in " ".join(capsys.readouterr().err.split())
    assert webhooks.list_endpoints(sqlite_store) == []


@pytest.mark.postgres
def test_two_deliverers_at_once_post_each_delivery_once(pg_url, tmp_path):
    store = open_store(pg_url, create=True)
    count = 60
    with receiver() as crm:
        webhooks.add_endpoint(store, crm.url, (EventType.INVOICE_PAID,))
        with store.begin() as conn:
            facts = [{"invoice": f"F{n:03}"} for n in range(count)]
            assert webhook_events.emit(conn, EventType.INVOICE_PAID, lambda: facts) == count
        crm.delay = 0.01  # a receiver that takes its time: the two passes overlap
        processes = [
            subprocess.Popen([str(RELANCE), "webhook", "deliver", "--db", pg_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        results = [p.communicate(timeout=300) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], results
        ids = Counter(r.headers["webhook-id"] for r in crm.received)
    assert len(ids) == count and set(ids.values()) == {1}
    posted = [int(out.split()[0]) for out, _ in results]
    assert sum(posted) == count
    assert all(d.attempts == 1 for d in webhooks.deliveries(store, limit=None))
    store.engine.dispose()


@pytest.mark.postgres
def test_a_worker_delivers_the_webhooks_its_jobs_emit(pg_url, tmp_path):
    store = open_store(pg_url, create=True)
    seed(store, tmp_path)
    with receiver() as crm:
        made = webhooks.add_endpoint(store, crm.url, (EventType.ACTION_PROPOSED,))
        queued = subprocess.run(
            [str(RELANCE), "jobs", "run", "--db", pg_url, "--date", "2018-01-15"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        assert crm.received == [] and webhooks.deliveries(store) == []  # queued, not run
        worker = subprocess.run(
            [str(RELANCE), "worker", "--db", pg_url, "--once"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert worker.returncode == 0, worker.stderr
        (request,) = crm.received
    assert verified(made.secret, request)
    assert json.loads(request.body)["data"]["customer_ref"] == "ACME"
    store.engine.dispose()
