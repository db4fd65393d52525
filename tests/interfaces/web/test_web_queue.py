"""Today and the queue in the workbench: the day's proposals, previewed, approved, cancelled."""

from __future__ import annotations

import pytest
from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.engine import ActionStatus
from relance.core.users import Role
from relance.services import customer_history, daily_run, dunning


@pytest.fixture
def day_run(workbench: Workbench) -> list[int]:
    """The day's run: the ids it proposed."""
    report = daily_run.run_dunning(workbench.store, TODAY, actor="test")
    ids = [item.id for item in report.proposed]
    assert ids, "the seeded ledger has overdue invoices: the run proposes steps"
    return ids


def status_of(workbench: Workbench, action_id: int) -> ActionStatus:
    found = [q for q in dunning.queue(workbench.store, everything=True) if q.id == action_id]
    return found[0].action.status


def test_today_shows_the_proposals_and_the_aged_balance(
    workbench: Workbench, day_run: list[int]
) -> None:
    page = workbench.signed_in(Role.VIEWER).get("/").text
    assert "Propositions à examiner" in page
    assert f'href="/queue/{day_run[0]}"' in page
    assert "<svg" in page and "Balance âgée" in page
    assert "2\u202f439,50\xa0€" in page  # 1200 + 300 + 840.50 + 99 open, in French


def test_the_queue_filters_by_channel_and_escapes_what_the_ledger_holds(
    workbench: Workbench, day_run: list[int]
) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/queue").text
    assert "Boulonnerie &lt;b&gt;Martin&lt;/b&gt;" in page
    assert "<b>Martin</b>" not in page
    assert 'name="id"' not in page  # a viewer has nothing to tick
    assert "/queue/approve" not in page
    none = client.get("/queue?channel=agency_handoff").text
    assert f'href="/queue/{day_run[0]}"' not in none


def test_a_preview_shows_the_letter_inline_and_serves_its_pdf(
    workbench: Workbench, day_run: list[int]
) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get(f"/queue/{day_run[0]}")
    assert page.status_code == 200
    letter = client.get(f"/queue/{day_run[0]}/letter.pdf")
    if 'class="preview-pdf"' in page.text:
        assert letter.headers["content-type"] == "application/pdf"
        assert letter.headers["content-disposition"].startswith("inline")
        assert letter.content.startswith(b"%PDF")
    else:
        assert "E-mail" in page.text and letter.status_code == 404
    assert workbench.client().get(f"/queue/{day_run[0]}/letter.pdf").status_code == 303
    assert client.get("/queue/99999").status_code == 404


def test_a_manager_approves_many_at_once_and_the_history_names_them(
    workbench: Workbench, day_run: list[int]
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/queue").text)
    form = {"csrf": token, "id": [str(i) for i in day_run], "back": "/queue"}
    answer = client.post("/queue/approve", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/queue"
    assert {status_of(workbench, i) for i in day_run} == {ActionStatus.APPROVED}
    assert "approuvée(s)" in client.get("/queue").text
    first = dunning.queue(workbench.store)[0].action.customer_ref
    approvals = [
        e for e in customer_history.history(workbench.store, first) if e.kind == "action.approved"
    ]
    assert approvals and {e.actor for e in approvals} == {email_of(Role.MANAGER)}


def test_a_collector_or_viewer_cannot_approve_and_a_manager_cancels(
    workbench: Workbench, day_run: list[int]
) -> None:
    for role in (Role.VIEWER, Role.COLLECTOR):
        client = workbench.signed_in(role)
        token = csrf_of(client.get("/").text)
        assert (
            client.post("/queue/approve", data={"csrf": token, "id": str(day_run[0])}).status_code
            == 403
        )
    assert status_of(workbench, day_run[0]) is ActionStatus.PROPOSED
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/queue").text)
    form = {"csrf": token, "id": str(day_run[0]), "reason": "paid by cheque"}
    assert manager.post("/queue/cancel", data=form).status_code == 303
    assert status_of(workbench, day_run[0]) is ActionStatus.CANCELLED
    again = manager.post("/queue/cancel", data=form)  # no longer pending: said, not crashed
    assert again.status_code == 303
    assert "plus en attente (cancelled)" in manager.get("/queue").text  # said in French


def test_a_manager_runs_the_day_from_today_and_a_collector_cannot(workbench: Workbench) -> None:
    collector = workbench.signed_in(Role.COLLECTOR)
    token = csrf_of(collector.get("/").text)
    assert "Lancer la journée" not in collector.get("/").text
    assert collector.post("/run", data={"csrf": token}).status_code == 403
    assert dunning.queue(workbench.store) == []
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/").text)
    assert manager.post("/run", data={"csrf": token}).status_code == 303
    queued = dunning.queue(workbench.store)
    assert len(queued) == 2
    assert "Journée lancée : 2 proposition(s)" in manager.get("/").text
    runs = [e for e in customer_history.history(workbench.store, queued[0].action.customer_ref)
            if e.kind == "action.proposed"]  # fmt: skip
    assert {e.actor for e in runs} == {email_of(Role.MANAGER)}
