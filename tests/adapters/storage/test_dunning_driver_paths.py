"""The run's fast reads and writes (through the database driver) give what the plain
SQLAlchemy readers give, on SQLite and PostgreSQL alike.

Atelier Durand's ledger: Dupont (tags, an IBAN, a two-line address, a credit limit, a
creation date) owes three invoices, one partly paid before the run date and one paid in
full after it; Martin, a consumer on hold, owes yen; Zola owes nothing overdue.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from relance.adapters.storage import driver
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.database import Store
from relance.core.model import (
    Address,
    Allocation,
    AllocationKind,
    Civility,
    Creditor,
    Customer,
    CustomerKind,
    Invoice,
)
from relance.core.money import Money
from relance.core.queued import QueuedStep

AS_OF = date(2026, 3, 21)
CUSTOMERS = (
    Customer(
        "DUP",
        "Dupont SA",
        CustomerKind.BUSINESS,
        "FR",
        address=Address(("12 rue de la Paix", "Bâtiment B"), "69002", "Lyon", "FR"),
        credit_limit=Money.of("5000", "EUR"),
        tags=("vip", "north"),
        ibans=("FR7630006000011234567890189",),
        created=date(2019, 5, 2),
    ),
    Customer(
        "MARTIN",
        "Julie Martin",
        CustomerKind.CONSUMER,
        "FR",
        contact_name="Julie Martin",
        civility=Civility.MS,
    ),
    Customer("ZOLA", "Zola SARL", policy="gentle"),
)


def add(store: Store) -> None:
    invoices = (
        Invoice("F1", "DUP", date(2026, 1, 2), date(2026, 2, 1), Money.of("1200.00", "EUR"),
                Money.of("200.00", "EUR")),
        Invoice("F2", "DUP", date(2026, 1, 20), date(2026, 2, 19), Money.of("300.00", "EUR"),
                Money.of("50.00", "EUR")),
        Invoice("F3", "DUP", date(2026, 2, 1), date(2026, 3, 3), Money.of("90.00", "EUR"),
                Money.of("15.00", "EUR")),
        Invoice("F4", "DUP", date(2026, 3, 1), date(2026, 3, 31), Money.of("40.00", "EUR"),
                Money.of("0", "EUR")),  # not yet due
        Invoice("Y1", "MARTIN", date(2026, 1, 5), date(2026, 2, 4), Money.of("15000", "JPY"),
                Money.of("0", "JPY")),
        Invoice("Z1", "ZOLA", date(2026, 3, 25), date(2026, 2, 1), Money.of("10.00", "EUR"),
                Money.of("0", "EUR")),  # issued after the run date
    )  # fmt: skip
    with store.begin() as conn:
        repo.save_creditor(conn, Creditor("Atelier Durand SARL", country="FR", currency="EUR"))
        conn.execute(insert(t.customers), [repo.customer_values(c) for c in CUSTOMERS])
        ids = repo.customer_ids(conn)
        conn.execute(
            insert(t.invoices), [repo.invoice_values(i, ids[i.customer_ref]) for i in invoices]
        )
        numbers = repo.invoice_ids(conn, [i.number for i in invoices])
        for number, amount, on in (
            ("F1", "450.00", date(2026, 3, 10)),  # 1200.00 - 450.00 = 750.00 left
            ("F2", "300.00", date(2026, 3, 25)),  # paid in full, but after the run date
            ("F3", "90.00", date(2026, 3, 5)),  # paid in full before: not overdue any more
        ):
            repo.add_allocation(
                conn,
                Allocation(AllocationKind.PAYMENT, f"P-{number}", number, Money.of(amount, "EUR"),
                           on),
                numbers[number],
            )  # fmt: skip


def test_overdue_invoices_grouped_by_customer_with_their_open_balance(store: Store) -> None:
    add(store)
    with store.begin() as conn:
        overdue = overdue_repo.overdue_by_customer(conn, AS_OF)
        dupont_only = overdue_repo.overdue_by_customer(conn, AS_OF, "DUP")
        nobody = overdue_repo.overdue_by_customer(conn, AS_OF, "NOBODY")
        # The same invoices and balances as the plain reader, less those not yet overdue.
        plain = {
            (invoice.customer_ref, invoice.number, invoice.due_date, owed.currency, owed.amount)
            for invoice, owed in repo.open_invoice_balances(conn, AS_OF)
            if invoice.due_date < AS_OF
        }
    assert {(ref, *item) for ref, items in overdue.items() for item in items} == plain
    assert sorted(overdue["DUP"]) == [
        ("F1", date(2026, 2, 1), "EUR", Decimal("750.00")),
        ("F2", date(2026, 2, 19), "EUR", Decimal("300.00")),
    ]
    assert overdue["MARTIN"] == [("Y1", date(2026, 2, 4), "JPY", Decimal("15000"))]
    assert "ZOLA" not in overdue  # issued after the run date
    assert dupont_only == {"DUP": overdue["DUP"]}
    assert nobody == {}


def test_customers_read_for_a_run_carry_what_assigns_their_policy(store: Store) -> None:
    add(store)
    with store.begin() as conn:
        fast = overdue_repo.customers_for_run(conn, {"DUP", "MARTIN", "ZOLA", "UNKNOWN"})
        plain = repo.load_customers(conn)
        only_martin = overdue_repo.customers_for_run(conn, {"MARTIN"})
    # What the engine reads of a customer (its policy is chosen from these) is stored's.
    assert [(c.ref, c.policy, c.kind, c.country, c.tags) for c in fast] == [
        (c.ref, c.policy, c.kind, c.country, c.tags) for c in plain
    ]
    assert fast[2].policy == "gentle" and fast[1].kind is CustomerKind.CONSUMER
    assert fast[0].tags == ("vip", "north")
    assert [c.ref for c in only_martin] == ["MARTIN"]


def test_rows_written_with_executemany_read_back_as_sqlalchemy_writes_them(store: Store) -> None:
    add(store)
    details = {"balances": [["750.00", "EUR"]], "recalls": None, "why": "48 days"}
    with store.begin() as conn:
        driver.insert_many(
            conn,
            d.dunning_actions,
            ("key", "customer_ref", "policy", "level", "level_name", "channels",
             "invoice_numbers", "proposed_on", "status", "done_on", "outcome", "cancel_reason",
             "details"),
            [("DUP/2026-03-21/step0", "DUP", "business", 0, "step0", ["email"], ["F1", "F2"],
              AS_OF, "proposed", None, "", None, details)],
        )  # fmt: skip
        (queued,) = queue_repo.load_queue(conn)
        stored, stored_details = conn.execute(
            select(d.dunning_actions.c.proposed_on, d.dunning_actions.c.details)
        ).one()
    assert queued.action.invoice_numbers == ("F1", "F2")
    assert queued.action.proposed_on == AS_OF and stored == AS_OF
    assert stored_details == details
    # Read back typed, the keys a row lacks at their defaults.
    assert queued.step == QueuedStep(balances=(Money.of("750.00", "EUR"),), why="48 days")
