"""A send marks its printed letters' actions done all at once (`mark_all_done_in`): the
queue, the contact log and the event log end as marking them done one by one leaves them,
and an action cancelled by hand meanwhile is named, not marked (both backends)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import sqlite_ledger, write
from tests.services.two_customers_ledger import CUSTOMERS, INVOICES

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.database import Store
from relance.services import daily_run, dunning
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

DAY = date(2018, 2, 5)


def approved(store: Store, tmp_path: Path) -> list[int]:
    """Both customers' informal reminders approved; the second cancelled by hand."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS), actor="t")
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES), actor="t")
    daily_run.run_dunning(store, DAY)
    ids = sorted(dunning.approve(store, every=True))
    assert len(ids) == 2
    dunning.cancel(store, ids[1], reason="settled on the phone")
    return ids


def logs(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    """The queue's statuses, the contact log and the events of the actions done."""
    c, e, a = d.dunning_contacts.c, t.events.c, d.dunning_actions.c
    queries = (
        select(a.id, a.status, a.done_on).order_by(a.id),
        select(
            c.customer_ref, c.on, c.channel, c.direction, c.outcome, c.note, c.action_key
        ).order_by(c.id),
        select(e.actor, e.kind, e.customer_ref, e.subject, e.data, e.reason, e.dated)
        .where(e.kind == "action.done")
        .order_by(e.id),
    )
    with store.begin() as conn:
        return tuple([tuple(row) for row in conn.execute(query)] for query in queries)


def test_marking_a_batch_done_writes_what_marking_each_one_does(
    store: Store, tmp_path: Path
) -> None:
    ids = approved(store, tmp_path)
    (tmp_path / "one").mkdir()
    one_by_one = sqlite_ledger(tmp_path / "one" / "ledger.sqlite")
    assert approved(one_by_one, tmp_path / "one") == ids

    with store.begin() as conn:
        refused = dunning.mark_all_done_in(conn, ids, DAY, note="sent by relance", actor="relance")
    with one_by_one.begin() as conn:
        dunning.mark_done_in(conn, ids[0], DAY, note="sent by relance", actor="relance")
        with pytest.raises(ValueError) as cancelled:
            dunning.mark_done_in(conn, ids[1], DAY, note="sent by relance", actor="relance")

    assert refused == {ids[1]: str(cancelled.value)}
    assert "cancelled" in refused[ids[1]]
    queue, contacts, events = logs(store)
    assert (queue, contacts, events) == logs(one_by_one)
    assert [status for _, status, _ in queue] == ["done", "cancelled"]
    assert len(contacts) >= 1 and len(events) == 1


def test_marking_an_unknown_action_done_writes_nothing(store: Store, tmp_path: Path) -> None:
    ids = approved(store, tmp_path)
    before = logs(store)
    with pytest.raises(LookupError), store.begin() as conn:
        dunning.mark_all_done_in(conn, [ids[0], 999_999], DAY)
    assert logs(store) == before
