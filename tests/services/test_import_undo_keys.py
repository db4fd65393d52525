"""Undoing an import under the ledger's foreign keys: a customer the dunning tables still
name is kept, and the flags raised on the file's invoices go with them. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage.database import Store
from relance.core.model import Creditor
from relance.services.imports import undo_import
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

DAY = date(2026, 11, 2)


def test_undo_keeps_a_customer_named_by_a_hold_and_drops_its_invoices_flags(
    store: Store, tmp_path: Path
) -> None:
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    customers = write(tmp_path / "c.csv", "ref;nom\nDUP;Dupont SA\nMAR;Martin SARL\n")
    invoices = write(
        tmp_path / "i.csv",
        "numero;client;date;echeance;montant\nF-1;MAR;01/09/2026;01/10/2026;300,00\n",
    )
    first = import_ledger_csv(store, CsvKind("customers"), customers).import_id
    second = import_ledger_csv(store, CsvKind("invoices"), invoices).import_id
    assert first is not None and second is not None
    with store.begin() as conn:
        conn.execute(insert(td.holds).values(customer_ref="DUP", since=DAY, reason="talks"))
        conn.execute(
            insert(td.dunning_flags).values(
                key="F-1/old", kind="old", customer_ref="MAR", message="m",
                invoice_number="F-1", raised_on=DAY,
            )
        )  # fmt: skip

    undo_import(store, second)
    report = undo_import(store, first)

    assert report.kept_customers == ("DUP",)
    with store.begin() as conn:
        assert conn.execute(select(t.customers.c.ref)).scalars().all() == ["DUP"]
        assert conn.execute(select(td.dunning_flags.c.key)).scalars().all() == []
