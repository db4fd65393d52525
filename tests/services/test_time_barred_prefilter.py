"""The daily time-barred check reads only the invoices old enough to be concerned.

`limitation.time_barred_invoices` asks the database for the open invoices due before the horizon
less the shortest limitation period, instead of every open invoice. These tests build a
ledger of old and new debts (businesses at 5 years, a consumer at 2, contracts at 1 and
10 years, due dates on 28 and 29 February, partial payments and acknowledgements) and
check, on many dates, that the answer is the one the full computation gives: every open
invoice, every customer, every interruption.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, insert

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.core.jurisdiction import Jurisdictions, limitation_years
from relance.core.limitation import (
    InterruptionKind,
    interruptions_from_payments,
    limitation_status,
)
from relance.core.model import Allocation, AllocationKind, Creditor, Customer, CustomerKind, Invoice
from relance.core.money import Money
from relance.services import contracts, limitation, rule_sets

CUSTOMERS = (
    Customer("DUP", "Dupont SA", CustomerKind.BUSINESS, "FR"),  # 5 years
    Customer("MARTIN", "Julie Martin", CustomerKind.CONSUMER, "FR"),  # 2 years
    Customer("SHORT", "Court SAS", CustomerKind.BUSINESS, "FR"),  # contract: 1 year
    Customer("LONG", "Long SA", CustomerKind.BUSINESS, "FR"),  # contract: 10 years
)

# Every 41 days from 2012 to 2026, plus the leap days and their neighbours.
DUE_DATES = sorted(
    {date(2012, 1, 3) + timedelta(days=41 * n) for n in range(130)}
    | {date(y, 2, d) for y in (2016, 2020, 2024) for d in (28, 29)}
    | {date(y, 3, 1) for y in (2016, 2020, 2024, 2025)}
)

AS_OF_DATES = (
    date(2024, 2, 29),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2026, 2, 28),
    date(2026, 3, 1),
    date(2026, 3, 2),
    date(2026, 11, 20),
    date(2028, 2, 29),
    date(2028, 3, 1),
    date(2031, 7, 14),
)


def full_computation(conn: Connection, as_of: date) -> frozenset[str]:
    """The answer without any pre-filter: every open invoice, every customer's period,
    every interruption (recorded ones and payments)."""
    creditor = repo.load_creditor(conn)
    assert creditor is not None
    contracts = law_repo.load_contracts(conn)
    jurisdictions: Jurisdictions = rule_sets.rules()[0]
    years = {}
    for customer in repo.load_customers(conn):
        contract = contracts.get(customer.ref)
        rule_set = jurisdictions.select(creditor.country, customer.country, customer.kind, contract)
        years[customer.ref] = limitation_years(rule_set, contract)
    balances = repo.open_invoice_balances(conn, as_of)
    numbers = [invoice.number for invoice, _ in balances]
    events = [
        *law_repo.load_interruptions(conn, numbers),
        *interruptions_from_payments(repo.load_allocations(conn, numbers)),
    ]
    return frozenset(
        invoice.number
        for invoice, _ in balances
        if limitation_status(invoice, years[invoice.customer_ref], events, as_of).is_time_barred(
            as_of
        )
    )


def build(store: Store) -> None:
    with store.begin() as conn:
        repo.save_creditor(conn, Creditor("Atelier Durand SARL", country="FR", currency="EUR"))
        conn.execute(insert(t.customers), [repo.customer_values(c) for c in CUSTOMERS])
        ids = repo.customer_ids(conn)
        rows = []
        for customer in CUSTOMERS:
            for n, due in enumerate(DUE_DATES):
                # The listed date is where the claim starts (docs/law.md, "Limitation"):
                # the issue date, or for one invoice in five a delivery date, the invoice
                # being issued 20 days after it.
                delivered = n % 5 == 0
                invoice = Invoice(
                    f"{customer.ref}-{n:03d}",
                    customer.ref,
                    due + timedelta(days=20) if delivered else due,
                    due + timedelta(days=50),
                    Money.of("100.00", "EUR"),
                    Money.of("0", "EUR"),
                    delivery_date=due if delivered else None,
                )
                rows.append(repo.invoice_values(invoice, ids[customer.ref]))
        conn.execute(insert(t.invoices), rows)
        invoice_ids = repo.invoice_ids(conn, [r["number"] for r in rows])
        # One invoice in seven partly paid a year after its due date (an interruption by
        # conduct), one in eleven paid in full (no longer open).
        for customer in CUSTOMERS:
            for n, due in enumerate(DUE_DATES):
                number = f"{customer.ref}-{n:03d}"
                amount = "100.00" if n % 11 == 0 else "30.00" if n % 7 == 0 else None
                if amount is not None:
                    repo.add_allocation(
                        conn,
                        Allocation(
                            AllocationKind.PAYMENT,
                            f"PAY-{number}",
                            number,
                            Money.of(amount, "EUR"),
                            due + timedelta(days=365),
                        ),
                        invoice_ids[number],
                    )
    contracts.set_contract(store, "SHORT", {"limitation_years": 1})
    contracts.set_contract(store, "LONG", {"limitation_years": 10})
    # Dupont acknowledged its 2018-2019 debts on 2021-06-30: a new 5-year period.
    limitation.record_interruption(
        store, "DUP", InterruptionKind.ACKNOWLEDGEMENT, date(2021, 6, 30)
    )


def test_the_prefiltered_time_barred_set_is_the_full_computation_on_every_date(
    store: Store,
) -> None:
    build(store)
    with store.begin() as conn:
        for as_of in AS_OF_DATES:
            expected = full_computation(conn, as_of)
            assert limitation.time_barred_invoices(conn, as_of) == expected, as_of
        # The ledger does exercise the rule: some invoices are barred, some are not.
        barred = limitation.time_barred_invoices(conn, date(2026, 11, 20))
        assert "SHORT-001" in barred and "LONG-050" not in barred
        assert any(n.startswith("MARTIN") for n in barred)


def test_the_shortest_period_counts_a_contract_shorter_than_every_rule_set(
    store: Store,
) -> None:
    build(store)
    with store.begin() as conn:
        contracts = law_repo.load_contracts(conn)
    jurisdictions = rule_sets.rules()[0]
    # France against a consumer: 2 years (C. conso. L218-2); the SHORT contract says 1.
    assert min(r.limitation_years for r in jurisdictions.rule_sets) == 2
    assert limitation.shortest_limitation_years(jurisdictions, contracts.values()) == 1
    assert limitation.shortest_limitation_years(jurisdictions, ()) == 2


def test_an_invoice_due_the_day_after_the_shortest_horizon_is_not_read_and_not_barred(
    store: Store,
) -> None:
    build(store)
    with store.begin() as conn:
        # As of 2026-03-01 with a 1-year contract, the horizon is 2026-02-28: a 1-year
        # claim started 2025-02-28 ends on 2026-02-28 and is barred; one started later is not.
        barred = limitation.time_barred_invoices(conn, date(2026, 3, 1))
    short = {n for n in barred if n.startswith("SHORT")}
    due_of = {f"SHORT-{n:03d}": due for n, due in enumerate(DUE_DATES)}
    assert short, "the 1-year contract bars some invoices"
    assert max(due_of[n] for n in short) <= date(2025, 2, 28)
