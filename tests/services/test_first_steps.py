"""A run decides its new customers from their totals (`services/first_steps.py`) and the
others through the engine; together, the decision of the engine over every customer
(SQLite and PostgreSQL).

Maison Vidal's story (`test_run_selection`): forty customers with partial payments, credit
notes, unapplied credit, a dispute, a promise, a plan, a hold, proceedings, a call that
reached, steps carried out, late or never. Half way, twelve new customers arrive, with
invoices in euros, dollars and yen, some past the first level's delay and some not, two
due the same day, one paid in part: on each day after, the run's path (new customers from
their totals, the rest in full) must decide as the full path, and both paths must have
had customers to decide.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from tests.conftest import write
from tests.services.test_run_selection import (
    DAYS,
    carry_out,
    ledger,
    pauses_of_the_story,
    same_decision,
)

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.services import daily_run, first_steps, run_selection
from relance.services.ledger_import import import_ledger_csv

ARRIVAL = DAYS[6]


def newcomers(store: Store, tmp_path, rng: random.Random) -> None:
    """Twelve customers the process has not met, W00 to W11."""
    customers = ["ref,name,kind,country,language"]
    invoices = ["number,customer,issue_date,due_date,amount,currency"]
    for n in range(12):
        who = f"W{n:02d}"
        customers.append(f"{who},Nouveau {n},{'consumer' if n % 3 == 0 else 'business'},FR,fr")
        for k in range(1 + n % 4):
            currency = ("EUR", "USD", "JPY")[(n + k) % 3]
            due = ARRIVAL - timedelta(days=rng.randint(-5, 40) if k != 1 else 9)
            amount = rng.randint(20, 700) * (100 if currency == "JPY" else 1)
            text = str(amount) if currency == "JPY" else f"{amount}.00"
            invoices.append(f"N{who}{k},{who},{due - timedelta(days=30)},{due},{text},{currency}")
    payment = f"date,customer,amount,currency,invoice\n{ARRIVAL},W03,10.00,EUR,NW030\n"
    for kind, lines in ((CsvKind.CUSTOMERS, customers), (CsvKind.INVOICES, invoices)):
        import_ledger_csv(store, kind, write(tmp_path / f"new-{kind.value}.csv", "\n".join(lines)))
    import_ledger_csv(store, CsvKind.PAYMENTS, write(tmp_path / "new-payment.csv", payment))


def both_paths(store: Store, day) -> tuple[int, int]:
    """How many customers of the day's decision came from their totals, and how many the
    engine read in full because of their history."""
    with store.begin() as conn:
        known = daily_run._read_known(conn, day, None, False)
        history = run_selection.with_history(conn, known.actions, known.inputs)
        first = first_steps.first_steps(
            first_steps.NewCustomers(conn, day), day, None, known.policies, history
        )
        whole, _ = daily_run.decide_as_of(conn, day)
    new = {p.action.customer_ref for p in first.proposals}
    # Each first step is the one the full path proposes for that customer.
    assert [p for p in whole.proposals if p.action.customer_ref in new] == first.proposals
    return len(new), len({p.action.customer_ref for p in whole.proposals} - new)


@pytest.mark.parametrize("seed", [3])
def test_new_customers_decided_from_their_totals_get_the_engines_steps(store, tmp_path, seed):
    rng, _ = ledger(store, tmp_path, seed)
    from_totals = in_full = 0
    for day in DAYS[:14]:
        if day == DAYS[2]:
            pauses_of_the_story(store)
        if day == ARRIVAL:
            newcomers(store, tmp_path, rng)
        same_decision(store, day)
        if day >= ARRIVAL:
            new, old = both_paths(store, day)
            from_totals, in_full = from_totals + new, in_full + old
        carry_out(store, rng, day, daily_run.run_dunning(store, day, actor="test"))
    # Both paths had customers to decide after the arrival: the comparison says something.
    assert from_totals >= 5 and in_full >= 5, (from_totals, in_full)
