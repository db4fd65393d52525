"""A small ledger in euros, from June to November 2026, that every KPI is computed on by
hand (tests/core/test_kpi.py shows each computation).

    invoice  customer     issued      due         amount   what happened to it
    J1       C-CARRIERE   2026-06-01  2026-07-01  1,200    handed to Recouvre SA on 2 Nov;
                                                           300 paid on 20 Nov
    S1       C-ARDOISE    2026-09-10  2026-10-10  3,000    1,000 paid 20 Oct, 2,000 on 15 Nov
    O1       C-ARDOISE    2026-10-05  2026-11-04  6,000    4,500 paid 12 Nov
    N1       C-BRIQUE     2026-11-10  2026-12-10  4,000    open
    N2       C-BRIQUE     2026-11-20  2026-12-20  2,000    credit note AV1 of 600 on 25 Nov

    steps carried out (policy "business")
    A1  2026-10-15  letter1 (level 1) for S1
    A2  2026-11-08  letter3 (level 3) for S1, listing O1 as also due at letter1 (level 1)
    A3  2026-11-28  letter3 (level 3) for O1

    promises
    P1  C-ARDOISE  made 2026-11-09, 2,000 by 2026-11-16
    P2  C-BRIQUE   made 2026-11-20, 1,000 by 2026-11-24
    P3  C-ARDOISE  made 2026-11-26, 1,500 by 2026-11-30

The day the process KPIs are asked about is 1 December 2026 (AS_OF).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.database import Store
from relance.adapters.storage.lists import encode_list
from relance.core.actions import Action, ActionStatus
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, CreditNote, Customer, Invoice, Payment
from relance.core.money import Money
from relance.core.pauses import Promise
from relance.core.policy import Channel
from relance.core.writeoff import AgencyHandoff, HandoffStatus
from relance.services import law

AS_OF = date(2026, 12, 1)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


CUSTOMERS = (
    Customer("C-ARDOISE", "Ardoises du Maine"),
    Customer("C-BRIQUE", "Briqueterie Rousseau"),
    Customer("C-CARRIERE", "Carrières de l'Ouest"),
)
INVOICES = (
    Invoice("J1", "C-CARRIERE", date(2026, 6, 1), date(2026, 7, 1), eur("1200"), eur("200")),
    Invoice("S1", "C-ARDOISE", date(2026, 9, 10), date(2026, 10, 10), eur("3000"), eur("500")),
    Invoice("O1", "C-ARDOISE", date(2026, 10, 5), date(2026, 11, 4), eur("6000"), eur("1000")),
    Invoice("N1", "C-BRIQUE", date(2026, 11, 10), date(2026, 12, 10), eur("4000"), eur("0")),
    Invoice("N2", "C-BRIQUE", date(2026, 11, 20), date(2026, 12, 20), eur("2000"), eur("0")),
)
PAYMENTS = (
    # key, customer, date, amount, invoice paid
    ("PAY-1", "C-ARDOISE", date(2026, 10, 20), "1000", "S1"),
    ("PAY-2", "C-ARDOISE", date(2026, 11, 12), "4500", "O1"),
    ("PAY-3", "C-ARDOISE", date(2026, 11, 15), "2000", "S1"),
    ("PAY-4", "C-CARRIERE", date(2026, 11, 20), "300", "J1"),
)
CREDIT_NOTE = CreditNote("AV1", "C-BRIQUE", date(2026, 11, 25), eur("600"), "N2")


def _step(key: str, ref: str, level: int, name: str, numbers: tuple[str, ...],
          on: date, levels: tuple[int, ...] = ()) -> Action:  # fmt: skip
    return Action(key, ref, "business", level, name, (Channel.LETTER,), numbers, on,
                  ActionStatus.DONE, on, levels)  # fmt: skip


ACTIONS = (
    _step("A1", "C-ARDOISE", 1, "letter1", ("S1",), date(2026, 10, 15)),
    _step("A2", "C-ARDOISE", 3, "letter3", ("S1", "O1"), date(2026, 11, 8), (3, 1)),
    _step("A3", "C-ARDOISE", 3, "letter3", ("O1",), date(2026, 11, 28)),
)
PROMISES = (
    Promise("P1", "C-ARDOISE", date(2026, 11, 9), date(2026, 11, 16), eur("2000")),
    Promise("P2", "C-BRIQUE", date(2026, 11, 20), date(2026, 11, 24), eur("1000")),
    Promise("P3", "C-ARDOISE", date(2026, 11, 26), date(2026, 11, 30), eur("1500")),
)
HANDOFFS = (AgencyHandoff("J1", "Recouvre SA", date(2026, 11, 2), HandoffStatus.WITH_AGENCY),)


def payments() -> tuple[Payment, ...]:
    return tuple(Payment(key, on, eur(amount), ref) for key, ref, on, amount, _ in PAYMENTS)


def allocations() -> tuple[Allocation, ...]:
    paid = tuple(
        Allocation(AllocationKind.PAYMENT, key, number, eur(amount), on)
        for key, _, on, amount, number in PAYMENTS
    )
    credited = Allocation(AllocationKind.CREDIT_NOTE, "AV1", "N2", eur("600"), CREDIT_NOTE.date)
    return (*paid, credited)


def ledger() -> Ledger:
    """The ledger as the core sees it."""
    return Ledger(
        customers=CUSTOMERS,
        invoices=INVOICES,
        credit_notes=(CREDIT_NOTE,),
        payments=payments(),
        allocations=allocations(),
    )


def write_ledger(store: Store) -> None:
    """The same ledger, steps, promises and handoff written in a store."""
    with store.begin() as conn:
        ledger_repo.add_customers(conn, CUSTOMERS)
        ids = repo.customer_ids(conn)
        ledger_repo.add_invoices(conn, INVOICES, ids)
        ledger_repo.add_credit_notes(conn, (CREDIT_NOTE,), ids)
        ledger_repo.add_payments(conn, payments(), ids)
        invoice_ids = repo.invoice_ids(conn, [i.number for i in INVOICES])
        ledger_repo.add_allocations(
            conn, [(a, invoice_ids[a.invoice_number]) for a in allocations()]
        )
        for action in ACTIONS:
            conn.execute(
                insert(d.dunning_actions).values(
                    key=action.key, customer_ref=action.customer_ref, policy=action.policy,
                    level=action.level, level_name=action.level_name,
                    channels=encode_list(c.value for c in action.channels),
                    invoice_numbers=encode_list(action.invoice_numbers),
                    proposed_on=action.proposed_on, status=action.status.value,
                    done_on=action.done_on, outcome="", details={},
                    invoice_levels=list(action.invoice_levels) or None,
                )
            )  # fmt: skip
        for promise in PROMISES:
            pause_repo.add_promise(conn, promise)
    for handoff in HANDOFFS:
        law.record_handoff(
            store, handoff.invoice_number, handoff.agency, handoff.status, handoff.date
        )
