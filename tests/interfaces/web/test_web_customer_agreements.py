"""The customer page's agreements: a note (collector), a payment plan and the contract terms
(manager), each through the CLI's services with the web user as actor."""

from __future__ import annotations

from decimal import Decimal

from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.jurisdiction import Contract
from relance.core.users import Role
from relance.interfaces.web.phrases_services import service_text
from relance.services import agreements, contracts, customer_history


def events_of(workbench: Workbench, ref: str, kind: str) -> list[customer_history.Event]:
    return [e for e in customer_history.history(workbench.store, ref) if e.kind == kind]


def test_a_collector_adds_a_note_escaped_under_their_name(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    page = client.get("/customers/ACME").text
    assert "/customers/ACME/plan" not in page and "/customers/ACME/terms" not in page
    form = {"csrf": csrf_of(page), "note": "asked for <b>the invoice</b> again"}
    answer = client.post("/customers/ACME/note", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/customers/ACME"
    after = client.get("/customers/ACME").text
    assert "Note ajoutée." in after
    assert "asked for &lt;b&gt;the invoice&lt;/b&gt; again" in after
    [note] = events_of(workbench, "ACME", "note.added")
    assert note.actor == email_of(Role.COLLECTOR)


def test_an_empty_note_is_refused_and_a_viewer_may_not_write_one(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(client.get("/customers/ACME").text), "note": "   "}
    assert client.post("/customers/ACME/note", data=form).status_code == 303
    assert "une note demande un texte" in client.get("/customers/ACME").text  # in French
    viewer = workbench.signed_in(Role.VIEWER)
    form = {"csrf": csrf_of(viewer.get("/customers/ACME").text), "note": "hello"}
    assert viewer.post("/customers/ACME/note", data=form).status_code == 403
    assert events_of(workbench, "ACME", "note.added") == []


def test_a_manager_agrees_a_plan_over_the_invoices_ticked(workbench: Workbench) -> None:
    collector = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(collector.get("/customers/ACME").text), "invoices": ["F-001"],
            "instalments": "3", "first": "2026-12-15", "every": "1m"}  # fmt: skip
    assert collector.post("/customers/ACME/plan", data=form).status_code == 403
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get("/customers/ACME").text
    assert 'name="invoices" value="F-002"' in page
    form = {**form, "csrf": csrf_of(page), "invoices": ["F-001", "F-002"]}
    assert manager.post("/customers/ACME/plan", data=form).status_code == 303
    after = manager.get("/customers/ACME").text
    assert "Échéancier accordé." in after and "500,00\xa0€ le 15 déc. 2026" in after
    [view] = agreements.plans_of(workbench.store, "ACME", TODAY)
    assert [str(i.amount.amount) for i in view.plan.instalments] == ["500.00"] * 3
    assert [i.due.isoformat() for i in view.plan.instalments][-1] == "2027-02-15"
    [event] = events_of(workbench, "ACME", "plan.agreed")
    assert event.actor == email_of(Role.MANAGER)


def test_a_bad_plan_is_said_and_nothing_is_recorded(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/customers/ACME").text)
    bad = [
        {"invoices": ["F-001"], "instalments": "three", "first": "2026-12-15"},
        {"invoices": [], "instalments": "3", "first": "2026-12-15"},
        {"invoices": ["F-003"], "instalments": "3", "first": "2026-12-15"},  # BOLT's
        {"invoices": ["F-001"], "instalments": "3", "first": "2026-12-15", "every": "often"},
        {"invoices": ["F-001"], "instalments": "3", "first": "15/12/2026x"},
    ]
    for form in bad:
        assert manager.post("/customers/ACME/plan", data={**form, "csrf": token}).status_code == 303
        assert 'class="error"' in manager.get("/customers/ACME").text, form
    assert agreements.plans_of(workbench.store, "ACME", TODAY) == ()


def test_a_manager_changes_the_contract_terms_and_only_changes_are_logged(
    workbench: Workbench,
) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    form = {"csrf": csrf_of(manager.get("/customers/ACME").text), "rule_set": "",
            "rate": "12,5", "discount": "2/10 net 30", "fee_per_invoice": "",
            "fee_per_letter": "15", "limitation_years": "", "waive_indemnity": "on",
            "reason": "signed 1 Dec"}  # fmt: skip
    assert manager.post("/customers/ACME/terms", data=form).status_code == 303
    page = manager.get("/customers/ACME").text
    assert "Conditions modifiées." in page and "2/10 net 30" in page
    terms = contracts.contract_of(workbench.store, "ACME")
    assert terms.rate == Decimal("12.5") and str(terms.fee_per_letter) == "15.00 EUR"
    assert terms.waive_indemnity and not terms.waive_interest
    [event] = events_of(workbench, "ACME", "contract_terms")
    assert event.actor == email_of(Role.MANAGER)
    assert manager.post("/customers/ACME/terms", data=form).status_code == 303
    assert "Rien n’a changé." in manager.get("/customers/ACME").text
    assert len(events_of(workbench, "ACME", "contract_terms")) == 1


def test_bad_contract_terms_are_said_and_nothing_changes(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/customers/ACME").text)
    for field, value in [("rate", "lots"), ("discount", "soon"), ("fee_per_letter", "-3"),
                         ("limitation_years", "x"), ("rule_set", "no_such_rules")]:  # fmt: skip
        answer = manager.post("/customers/ACME/terms", data={"csrf": token, field: value})
        assert answer.status_code == 303
        assert 'class="error"' in manager.get("/customers/ACME").text, field
    assert contracts.contract_of(workbench.store, "ACME") == Contract()
    collector = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(collector.get("/customers/ACME").text), "rate": "10"}
    assert collector.post("/customers/ACME/terms", data=form).status_code == 403


def test_a_services_refusal_is_said_in_the_readers_language(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    token = csrf_of(client.get("/customers/ACME").text)
    client.post("/language", data={"csrf": token, "language": "en", "back": "/"})
    form = {"csrf": token, "note": "   "}
    assert client.post("/customers/ACME/note", data=form).status_code == 303
    assert "a note needs some text" in client.get("/customers/ACME").text
    unknown = service_text("something no pattern knows", "fr")
    assert unknown == "something no pattern knows"  # shown as the service worded it
