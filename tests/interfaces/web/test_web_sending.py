"""Sending from the queue: a manager starts `relance send`'s service from the page, follows
its progress (a page refreshing itself without script) to the report, opens the print
batch; registered letters get their posting and receipt, errors shown on the form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient
from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of
from tests.ports import free_port

from relance.adapters.storage import repository_letters as rl
from relance.core.engine import ActionStatus
from relance.core.registered_mail import RegisteredRecord
from relance.core.users import Role
from relance.services import customer_history, daily_run, dunning, letters
from relance.services.demo import DEMO_CREDITOR
from relance.services.setup import init_creditor


class Inbox:
    """An SMTP server's handler keeping what it accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.content)
        return "250 accepted"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on loopback, configured for the workbench by RELANCE_SMTP_*."""
    port = free_port()
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "plain"),
                        ("FROM", "relances@atelier-durand.fr")):  # fmt: skip
        monkeypatch.setenv(f"RELANCE_SMTP_{name}", value)
    yield handler
    controller.stop()


@pytest.fixture
def approved(workbench: Workbench) -> list[int]:
    """The day's proposals, all approved, from a creditor whose letters may leave."""
    init_creditor(workbench.store, DEMO_CREDITOR, actor="test")
    ids = [item.id for item in daily_run.run_dunning(workbench.store, TODAY, actor="t").proposed]
    dunning.approve(workbench.store, ids, actor="test")
    return ids


def start_send(workbench: Workbench, client: TestClient) -> str:
    """Press the send button on the queue; the progress page's address, once the run ended."""
    answer = client.post("/queue/send", data={"csrf": csrf_of(client.get("/queue").text)})
    assert answer.status_code == 303
    where = answer.headers["location"]
    assert re.fullmatch(r"/queue/send/[\w-]+", where)
    run = workbench.app.state.send_runs.get(where.rsplit("/", 1)[1])
    assert run.ended.wait(120), "the send run never ended"
    return str(where)


def test_a_manager_sends_the_approved_actions_and_reads_the_report(
    workbench: Workbench, approved: list[int], inbox: Inbox
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    queue = client.get("/queue").text
    assert 'action="/queue/send"' in queue
    progress = start_send(workbench, client)
    page = client.get(progress).text
    assert 'http-equiv="refresh"' not in page  # finished: it stops refreshing
    assert "action(s) faite(s)" in page and "e-mail(s) envoyé(s)" in page
    assert len(inbox.received) == len(approved) == 2  # Acme's and Bolt's first e-mail
    assert "Appels à passer" in page  # the step also has a call: the action waits for it
    sent = [
        e for e in customer_history.history(workbench.store, "ACME") if e.kind == "letters.sent"
    ]
    assert sent and {e.actor for e in sent} == {email_of(Role.MANAGER)}
    if "batch.pdf" in page:  # letters went to a print batch: it opens as a PDF
        pdf = client.get(progress + "/batch.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    again = client.get(start_send(workbench, client)).text
    assert "Rien à envoyer." in again


def test_without_smtp_the_emails_wait_in_the_outbox_and_the_page_says_so(
    workbench: Workbench, approved: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELANCE_SMTP_HOST", raising=False)
    client = workbench.signed_in(Role.MANAGER)
    page = client.get(start_send(workbench, client)).text
    assert "Aucun serveur SMTP configuré" in page


def test_a_broken_smtp_setting_is_said_and_nothing_starts(
    workbench: Workbench, approved: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELANCE_SMTP_HOST", "127.0.0.1")
    monkeypatch.delenv("RELANCE_SMTP_FROM", raising=False)
    client = workbench.signed_in(Role.MANAGER)
    answer = client.post("/queue/send", data={"csrf": csrf_of(client.get("/queue").text)})
    assert answer.headers["location"] == "/queue"
    assert "RELANCE_SMTP_FROM is not" in client.get("/queue").text
    statuses = {q.id: q.action.status for q in dunning.queue(workbench.store)}
    assert {statuses[i] for i in approved} == {ActionStatus.APPROVED}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COLLECTOR])
def test_below_manager_sending_is_refused(
    workbench: Workbench, approved: list[int], role: Role
) -> None:
    client = workbench.signed_in(role)
    page = client.get("/queue").text
    assert 'action="/queue/send"' not in page
    assert client.post("/queue/send", data={"csrf": csrf_of(page)}).status_code == 403
    assert client.get("/queue/send/whatever").status_code == 403
    statuses = {q.id: q.action.status for q in dunning.queue(workbench.store)}
    assert {statuses[i] for i in approved} == {ActionStatus.APPROVED}


def test_an_unknown_run_is_not_found(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.MANAGER)
    assert client.get("/queue/send/nothing-here").status_code == 404
    assert client.get("/queue/send/nothing-here/batch.pdf").status_code == 404


def registered_letter(workbench: Workbench, action_id: int) -> None:
    """A registered letter's record for the action, as a send writes it."""
    with workbench.store.begin() as conn:
        rl.save_registered(conn, action_id, RegisteredRecord(str(action_id), "la_poste", "ab" * 32))


def test_a_manager_records_a_registered_letters_posting_then_its_receipt(
    workbench: Workbench, approved: list[int]
) -> None:
    action_id = approved[0]
    registered_letter(workbench, action_id)
    viewer = workbench.signed_in(Role.VIEWER).get("/queue/registered").text
    assert f"#{action_id}" in viewer and "/queue/registered/" not in viewer
    client = workbench.signed_in(Role.MANAGER)
    page = client.get("/queue/registered").text
    token, url = csrf_of(page), f"/queue/registered/{action_id}"
    bad = client.post(url, data={"csrf": token, "tracking": "1A234", "posted": "30/11/2026"})
    assert bad.status_code == 400 and "posted: not a date" in bad.text
    assert 'aria-invalid="true"' in bad.text
    good = client.post(url, data={"csrf": token, "tracking": "1A<b>234", "posted": "2026-11-30"})
    assert good.status_code == 303
    page = client.get("/queue/registered").text
    assert "dépôt enregistré" in page and "1A&lt;B&gt;234" in page
    early = client.post(url, data={"csrf": token, "received": "2026-11-01"})
    assert early.status_code == 400 and 'class="error"' in early.text
    assert client.post(url, data={"csrf": token, "received": "2026-12-03"}).status_code == 303
    assert f"#{action_id}" not in client.get("/queue/registered").text.split("<main")[1]
    ref = next(q.action.customer_ref for q in dunning.queue(workbench.store, everything=True)
               if q.id == action_id)  # fmt: skip
    kinds = {(e.kind, e.actor) for e in customer_history.history(workbench.store, ref)}
    assert ("registered.received", email_of(Role.MANAGER)) in kinds
    assert letters.awaiting_receipt(workbench.store) == []


def test_recording_a_letter_that_was_not_registered_is_refused_on_the_page(
    workbench: Workbench, approved: list[int]
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/queue/registered").text)
    answer = client.post("/queue/registered/99999", data={"csrf": token, "received": "2026-12-01"})
    assert answer.status_code == 400 and "sent no registered letter" in answer.text
    collector = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(collector.get("/").text), "received": "2026-12-01"}
    assert collector.post(f"/queue/registered/{approved[0]}", data=form).status_code == 403
