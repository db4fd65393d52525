"""The customers in the workbench: the list paged by the database, one customer's file, and
what a collector or manager records there."""

from __future__ import annotations

from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.users import Role
from relance.services import customer_history
from relance.services.customer_list import CustomerFilter, CustomerSort, customer_page


def test_the_list_is_searched_filtered_sorted_and_paged_by_the_database(
    workbench: Workbench,
) -> None:
    store = workbench.store
    by_balance = workbench_refs(store, sort=CustomerSort.BALANCE)
    assert by_balance == ["ACME", "BOLT", "CIEL"]  # 1500, 840.50, 99
    assert workbench_refs(store, sort=CustomerSort.OLDEST) == ["BOLT", "ACME", "CIEL"]
    assert workbench_refs(store, which=CustomerFilter.OVERDUE) == ["ACME", "BOLT"]
    assert workbench_refs(store, search="fils") == ["CIEL"]
    second = customer_page(store, TODAY, sort=CustomerSort.REF, page=2, per_page=2)
    assert [row.ref for row in second.rows] == ["CIEL"] and second.total == 3
    acme = customer_page(store, TODAY, search="acme").rows[0]
    assert [str(b.amount) for b in acme.balances] == ["1500.00"]


def workbench_refs(store, **options) -> list[str]:
    return [row.ref for row in customer_page(store, TODAY, **options).rows]


def test_the_customers_page_lists_and_links_each_customer(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/customers?sort=name&q=o").text
    assert 'href="/customers/BOLT"' in page
    assert "Boulonnerie &lt;b&gt;Martin&lt;/b&gt;" in page
    assert client.get("/customers?sort=nonsense&which=%3Cx%3E&page=-3").status_code == 200


def test_a_customer_shows_open_invoices_with_days_late(workbench: Workbench) -> None:
    page = workbench.signed_in(Role.VIEWER).get("/customers/ACME")
    assert page.status_code == 200
    assert "F-001" in page.text and "F-002" in page.text
    assert '<span class="badge late">91</span>' in page.text  # due 31 August
    assert "/customers/ACME/call" not in page.text  # a viewer has no forms
    assert workbench.signed_in(Role.VIEWER).get("/customers/NOPE").status_code == 404


def test_a_collector_logs_a_call_with_a_promise_under_their_name(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    page = client.get("/customers/ACME").text
    assert "/customers/ACME/hold" not in page  # holds are a manager's
    form = {"csrf": csrf_of(page), "outcome": "promised", "note": "pays Friday",
            "promise_amount": "1 500,00", "promise_due": "2026-12-04"}  # fmt: skip
    answer = client.post("/customers/ACME/call", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/customers/ACME"
    after = client.get("/customers/ACME").text
    assert "Appel et promesse notés." in after
    assert "4 déc. 2026" in after  # the promise, listed
    assert "<strong>Promesse de paiement</strong>" in after  # and in the timeline
    events = customer_history.history(workbench.store, "ACME")
    mine = [e for e in events if e.kind in ("contact.call", "promise.made")]
    assert len(mine) == 2 and {e.actor for e in mine} == {email_of(Role.COLLECTOR)}


def test_a_bad_amount_is_said_and_nothing_is_recorded(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(client.get("/customers/ACME").text), "outcome": "promised",
            "promise_amount": "lots", "promise_due": "2026-12-04"}  # fmt: skip
    assert client.post("/customers/ACME/call", data=form).status_code == 303
    assert 'class="error"' in client.get("/customers/ACME").text
    kinds = {e.kind for e in customer_history.history(workbench.store, "ACME")}
    assert "contact.call" not in kinds


def test_only_a_manager_puts_a_customer_on_hold(workbench: Workbench) -> None:
    collector = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(collector.get("/customers/BOLT").text), "reason": "lawyer"}
    assert collector.post("/customers/BOLT/hold", data=form).status_code == 403
    viewer = workbench.signed_in(Role.VIEWER)
    form["csrf"] = csrf_of(viewer.get("/").text)
    assert (
        viewer.post("/customers/BOLT/call", data={**form, "outcome": "reached"}).status_code == 403
    )
    manager = workbench.signed_in(Role.MANAGER)
    form["csrf"] = csrf_of(manager.get("/customers/BOLT").text)
    assert manager.post("/customers/BOLT/hold", data=form).status_code == 303
    page = manager.get("/customers/BOLT").text
    assert "Recouvrement suspendu." in page and "/customers/BOLT/release" in page


def test_a_collector_disputes_an_invoice_and_resolves_it(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.COLLECTOR)
    form = {"csrf": csrf_of(client.get("/customers/ACME").text), "invoice": "F-002",
            "reason": "goods damaged"}  # fmt: skip
    assert client.post("/customers/ACME/dispute", data=form).status_code == 303
    page = client.get("/customers/ACME").text
    assert "contestée" in page and "goods damaged" in page
    form = {"csrf": csrf_of(page), "invoice": "F-002", "resolution": "credit note"}
    assert client.post("/customers/ACME/resolve", data=form).status_code == 303
    assert "Litige clos." in client.get("/customers/ACME").text
