"""The pages built for a large ledger: the queue paged, the customers filtered by their last
step, a customer with many invoices shown by its oldest, and the sums over the whole ledger
kept between two commits but never shown stale after one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write
from tests.interfaces.web.conftest import TODAY, Workbench

from relance.adapters.formats.ledger_csv import CsvKind
from relance.bootstrap import open_store
from relance.core.users import Role
from relance.interfaces.web import pages_customers
from relance.services import customer_list, daily_run, dunning
from relance.services import workbench as wb
from relance.services.ledger_import import import_ledger_csv


@pytest.fixture
def day_run(workbench: Workbench) -> list[int]:
    report = daily_run.run_dunning(workbench.store, TODAY, actor="test")
    return [item.id for item in report.proposed]


def test_the_queue_is_paged_and_counted_in_all(workbench: Workbench, day_run: list[int]) -> None:
    first = wb.queue(workbench.store, page=1, per_page=1)
    second = wb.queue(workbench.store, page=2, per_page=1)
    assert first.total == len(day_run) == 2 and first.pages == 2
    assert [q.item.id for q in first.items + second.items] == sorted(day_run)
    beyond = wb.queue(workbench.store, page=99, per_page=1)
    assert beyond.page == 2  # a page past the end shows the last
    page = workbench.signed_in(Role.VIEWER).get("/queue?page=99").text
    assert "2 action(s)" in page


def test_the_customers_are_filtered_by_their_last_step(
    workbench: Workbench, day_run: list[int]
) -> None:
    (stage,) = {q.item.action.level_name for q in wb.queue(workbench.store).items}
    found = customer_list.customer_page(workbench.store, TODAY, stage=stage)
    assert [row.ref for row in found.rows] == ["ACME", "BOLT"] and found.stages == (stage,)
    assert customer_list.customer_page(workbench.store, TODAY, stage="no such step").total == 0
    page = workbench.signed_in(Role.VIEWER).get(f"/customers?stage={stage}&sort=ref").text
    assert f'<option value="{stage}" selected>' in page and "CIEL" not in page


def test_the_customers_over_their_credit_limit_are_a_filter(
    workbench: Workbench, tmp_path: Path
) -> None:
    customers = "ref;nom;plafond\nDUPO;Dupont SA;100\nSAGE;Sage SARL;5000\n"
    import_ledger_csv(workbench.store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", customers))
    invoices = "number,customer,issue_date,due_date,amount,currency\n"
    invoices += (
        "D-1,DUPO,2026-11-01,2026-12-01,500.00,EUR\nS-1,SAGE,2026-11-01,2026-12-01,500.00,EUR\n"
    )
    import_ledger_csv(workbench.store, CsvKind.INVOICES, write(tmp_path / "i.csv", invoices))
    found = customer_list.customer_page(
        workbench.store, TODAY, which=customer_list.CustomerFilter.OVER_LIMIT
    )
    assert [row.ref for row in found.rows] == ["DUPO"]  # 500 owed for a limit of 100
    page = workbench.signed_in(Role.VIEWER).get("/customers?which=over_limit").text
    assert "Dupont SA" in page and "Sage SARL" not in page and "Au-delà de leur plafond" in page


def test_a_customer_with_many_invoices_shows_the_oldest_and_links_to_all(
    workbench: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = wb.customer_file(workbench.store, "ACME", TODAY, shown=1)
    assert [line.number for line in file.invoices] == ["F-001"] and file.invoice_count == 2
    assert [str(b.amount) for b in file.balances] == ["1500.00"]  # both invoices counted
    monkeypatch.setattr(pages_customers, "INVOICES_SHOWN", 1)
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/customers/ACME").text
    assert "Les 1 plus anciennes des 2 factures ouvertes." in page and "F-002" not in page
    assert 'href="/customers/ACME?invoices=all"' in page
    assert "F-002" in client.get("/customers/ACME?invoices=all").text


def test_today_links_to_the_payments_and_to_every_call(
    workbench: Workbench, day_run: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wb, "TODAY_LIST", 1)
    summary = wb.today(workbench.store, TODAY)
    assert len(summary.proposed) == 1 and summary.proposed_count == 2
    page = workbench.signed_in(Role.VIEWER).get("/").text
    assert '<a class="card figure-card" href="/payments">' in page
    assert 'href="/queue">Toute la file (2)</a>' in page
    assert "jours après l&#39;échéance de la facture" in page  # why each call, in French


def test_what_is_kept_between_two_commits_is_summed_again_after_one(
    workbench: Workbench, day_run: list[int], tmp_path: Path
) -> None:
    store = workbench.store
    assert wb.aging_totals(store, TODAY).tables[0].total.amount == 2439.50
    assert wb.today(store, TODAY).approved == 0
    dunning.approve(store, day_run[:1], actor="test")  # through this process's engine
    assert wb.today(store, TODAY).approved == 1
    # Another process writes: here another engine on the same database.
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    rows = "number,customer,issue_date,due_date,amount,currency\n"
    rows += "F-009,CIEL,2026-11-01,2026-11-20,10.00,EUR\n"
    import_ledger_csv(other, CsvKind.INVOICES, write(tmp_path / "more.csv", rows))
    other.engine.dispose()
    assert wb.aging_totals(store, TODAY).tables[0].total.amount == 2449.50
    assert (
        customer_list.customer_page(store, TODAY, search="ciel").rows[0].balances[0].amount == 109
    )
