"""A run decides and stores its customers part by part (ranges of references) so that a
ledger of a million invoices is never held whole; cut in parts of any size, it decides
what one run over every customer at once decides (SQLite and PostgreSQL).

Atelier Durand's ledger, run on 1 March 2026 then on 20 March: six customers, one of
them a consumer; B2 pays in full after the first run (its step is cancelled), B4's step
is carried out (its next level comes), B5 owes an invoice of 2015, time-barred (flagged),
B6 owes nothing overdue yet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.contacts import CallOutcome
from relance.core.model import Creditor
from relance.services import daily_run, dunning
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

FIRST, LATER = date(2026, 3, 1), date(2026, 3, 20)
CUSTOMERS = """ref,name,kind,country,language
B1,Boulangerie Un,business,FR,fr
B2,Brasserie Deux,business,FR,fr
B3,Jeanne Trois,consumer,FR,fr
B4,Bistrot Quatre,business,FR,fr
B5,Bazar Cinq,business,FR,fr
B6,Buvette Six,business,FR,fr
"""
INVOICES = """number,customer,issue_date,due_date,amount,currency
F1,B1,2025-12-01,2026-01-01,100.00,EUR
F2,B1,2026-01-10,2026-02-09,50.00,EUR
F3,B2,2025-12-15,2026-01-14,300.00,EUR
F4,B3,2025-12-20,2026-01-19,80.00,EUR
F5,B4,2025-11-01,2025-12-01,900.00,EUR
F6,B4,2026-02-01,2026-03-03,40.00,EUR
F7,B5,2015-01-01,2015-02-01,500.00,EUR
F8,B5,2026-01-01,2026-01-31,60.00,EUR
F9,B6,2026-03-01,2026-04-30,70.00,EUR
"""


def ledger(store: Store, tmp_path: Path) -> None:
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS))
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES))
    first = daily_run.run_dunning(store, FIRST, actor="test")
    assert {item.action.customer_ref for item in first.proposed} >= {"B1", "B2", "B4"}
    dunning.approve(store, every=True)
    (b4,) = [item for item in first.proposed if item.action.customer_ref == "B4"]
    dunning.mark_done(store, b4.id, FIRST, outcome=CallOutcome.NO_ANSWER)
    payments = "date,customer,amount,currency,invoice\n2026-03-05,B2,300.00,EUR,F3\n"
    import_ledger_csv(store, CsvKind.PAYMENTS, write(tmp_path / "p.csv", payments))


@pytest.mark.parametrize("part", [1, 2, 4])
def test_a_run_in_parts_decides_what_one_run_over_everyone_decides(store, tmp_path, part):
    ledger(store, tmp_path)
    with store.begin() as conn:
        whole, ids = daily_run.decide_as_of(conn, LATER)
        parts = list(daily_run.decisions_in_parts(conn, LATER, part))
    assert len(parts) == -(-6 // part)  # every customer in exactly one range
    assert all(known == ids for _, known in parts)
    assert tuple(p for d, _ in parts for p in d.proposals) == whole.proposals
    assert tuple(c for d, _ in parts for c in d.cancellations) == whole.cancellations
    assert tuple(f for d, _ in parts for f in d.flags) == whole.flags
    # Something of each kind was decided, so the comparison says something.
    assert [c.customer_ref for c in whole.cancellations] == ["B2"]
    assert "B4" in {p.action.customer_ref for p in whole.proposals}
    assert [f.customer_ref for f in whole.flags] == ["B5"]


def test_a_run_stored_in_parts_stores_what_a_run_in_one_part_stores(store, tmp_path, monkeypatch):
    ledger(store, tmp_path)
    at_once = daily_run.run_dunning(store, LATER, actor="test", dry_run=True)
    monkeypatch.setattr(daily_run, "PART", 2)
    in_parts = daily_run.run_dunning(store, LATER, actor="test", dry_run=True)
    # The same report, but for the ids a PostgreSQL sequence gives (never given twice,
    # even by a run rolled back).
    assert [(q.action, q.step) for q in in_parts.proposed] == [
        (q.action, q.step) for q in at_once.proposed
    ]
    assert [c for _, c in in_parts.cancelled] == [c for _, c in at_once.cancelled]
    assert (in_parts.flags, in_parts.held) == (at_once.flags, at_once.held)
    # (B5's flag was raised by the first run: a report lists new flags only.)
    assert in_parts.proposed and in_parts.cancelled
