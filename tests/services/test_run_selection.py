"""The daily run reads in full only the customers the engine could act for today; the
decision is the one made over every customer (SQLite and PostgreSQL).

Maison Vidal's ledger of forty customers, run every day for forty days under quick
policies (a step every few days, so that customers go through every level, and businesses
get one letter per stage): businesses and consumers, invoices in euros, dollars and yen falling due over five months, partial
payments, credit notes, unapplied credit, a disputed invoice, a promise, a payment plan,
a hold, insolvency proceedings, a call that reached the customer, a payment arriving half
way, two customers moved to the other policy. After each run the steps are approved and most are carried out the same day, some
later, some never (they stay pending). Each day, before the run, the decision of the full
path (`decide_as_of`, every customer read) and of the run's own path (parts of seven
customers, chosen customers only) must be the same, proposal for proposal.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.core.model import Creditor
from relance.core.money import Money
from relance.core.proceedings import ProceedingKind
from relance.services import daily_run, dunning, pauses, policies, proceedings, run_selection
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

START = date(2026, 3, 2)
DAYS = [START + timedelta(days=n) for n in range(40)]
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "JPY")


def cash(units: int, currency: str) -> str:
    """An amount as a file writes it: yen have no decimals."""
    return str(units) if currency == "JPY" else f"{units}.00"


def ledger(store: Store, tmp_path: Path, seed: int) -> tuple[random.Random, list[str]]:
    """Forty customers and their invoices, payments and credit notes; returns the random
    source the rest of the story draws from, and the payment lines that will settle the
    untouched invoices of customers V10 to V25 half way."""
    rng = random.Random(seed)
    settle = []
    init_creditor(store, Creditor("Maison Vidal", "FR", "EUR"), actor="test")
    customers = ["ref,name,kind,country,language"]
    invoices = ["number,customer,issue_date,due_date,amount,currency"]
    payments = ["date,customer,amount,currency,invoice"]
    notes = ["number,customer,date,currency,amount,invoice"]
    for n in range(40):
        kind = "consumer" if n % 4 == 0 else "business"
        customers.append(f"V{n:02d},Client {n},{kind},FR,fr")
        for k in range(rng.randint(1, 4)):
            number, currency = f"F{n:02d}{k}", rng.choice(CURRENCIES)
            due = START + timedelta(days=rng.randint(-150, 30))
            units = rng.randint(50, 900) * (100 if currency == "JPY" else 1)
            amount = cash(units, currency)
            who = f"V{n:02d}"
            invoices.append(f"{number},{who},{due - timedelta(days=30)},{due},{amount},{currency}")
            fate = rng.random() if n >= 10 or k else 1.0  # the story's invoices stay open
            if fate < 0.15:  # paid in part before the first run
                payments.append(f"{due},{who},{cash(units // 3, currency)},{currency},{number}")
            elif fate < 0.22:  # settled by a credit note
                notes.append(f"A{number},{who},{due},{currency},{amount},{number}")
            elif fate < 0.27:  # a credit note for part of it
                half = cash(units // 2, currency)
                notes.append(f"A{number},{who},{due},{currency},{half},{number}")
            elif 10 <= n <= 25:
                settle.append(f"{{day}},{who},{amount},{currency},{number}")
    payments.append(f"{START - timedelta(days=5)},V07,40.00,EUR,")  # unapplied credit
    for kind, lines in (
        (CsvKind.CUSTOMERS, customers),
        (CsvKind.INVOICES, invoices),
        (CsvKind.PAYMENTS, payments),
        (CsvKind.CREDIT_NOTES, notes),
    ):
        import_ledger_csv(store, kind, write(tmp_path / f"{kind.value}.csv", "\n".join(lines)))
    quicken(store)
    return rng, settle


def quicken(store: Store) -> None:
    """Both policies a step every few days; businesses one step per stage."""
    for name, gap, delays, grouping in (
        ("consumer", 2, (1, 5, 3, 4, 3, 5), "customer"),
        ("business", 3, (2, 4, 4, 3, 5, 3), "stage"),
    ):
        levels: list[dict[str, int] | None] = [{"after_due_days": delays[0]}]
        levels.append({"after_due_days": delays[1]})
        levels.extend({"after_previous_days": days} for days in delays[2:])
        changes = {"min_gap_days": gap, "grouping": grouping}
        policies.edit_policy(store, name, changes, levels, actor="test")


def pauses_of_the_story(store: Store) -> None:
    """A dispute, a promise, a plan, a hold, proceedings and a call that reached."""
    on = START + timedelta(days=4)
    pauses.dispute(store, "F010", "goods returned", on, actor="test")
    pauses.promise(store, "V02", Money.of("30", "EUR"), on + timedelta(days=6), on, actor="test")
    pauses.plan(store, "V03", ["F030"], 3, on + timedelta(days=7), "1m", on, actor="test")
    pauses.hold(store, "V05", "the manager asked for time", on, actor="test")
    proceedings.open_proceeding(store, "V06", ProceedingKind.INSOLVENCY, on, actor="test")
    pauses.log_contact(
        store, "V09", ContactChannel.CALL, on, direction=Direction.INCOMING,
        outcome=CallOutcome.REACHED, actor="test",
    )  # fmt: skip


def carry_out(store: Store, rng: random.Random, day: date, report: daily_run.RunReport) -> None:
    """Approve the day's steps; carry most out that day, some three days later, leave
    some pending."""
    dunning.approve(store, every=True, actor="test")
    for item in report.proposed:
        fate = rng.random()
        if fate < 0.7:
            dunning.mark_done(store, item.id, day, outcome=CallOutcome.NO_ANSWER, actor="test")
        elif fate < 0.85:
            later = day + timedelta(days=rng.randint(1, 3))
            dunning.mark_done(store, item.id, later, outcome=CallOutcome.NO_ANSWER, actor="test")


def same_decision(store: Store, day: date) -> tuple[int, int, int, int]:
    """Assert that the run's path decides as the full path on `day`; returns how many
    proposals, cancellations and flags there were, and how many customers were skipped."""
    with store.begin() as conn:
        whole, ids = daily_run.decide_as_of(conn, day)
        parts = list(daily_run.decisions_in_parts(conn, day, 7))
        known = daily_run._read_known(conn, day, None, False)
        chosen = run_selection.customers_to_read(
            conn, day, known.actions, known.inputs, known.policies
        )
    assert all(known_ids == ids for _, known_ids in parts)
    assert tuple(p for d, _ in parts for p in d.proposals) == whole.proposals
    assert tuple(c for d, _ in parts for c in d.cancellations) == whole.cancellations
    assert tuple(f for d, _ in parts for f in d.flags) == whole.flags
    skipped = 40 - len(chosen)
    return len(whole.proposals), len(whole.cancellations), len(whole.flags), skipped


@pytest.mark.parametrize("seed", [1, 2])
def test_the_run_reads_fewer_customers_and_decides_the_same(store, tmp_path, seed):
    rng, settle = ledger(store, tmp_path, seed)
    totals = [0, 0, 0]
    skipped_days = 0
    for day in DAYS:
        if day == DAYS[2]:
            pauses_of_the_story(store)
        if day == DAYS[8]:  # customers pay in full half way, one more than it owes
            lines = ["date,customer,amount,currency,invoice", f"{day},V26,100000.00,EUR,"]
            lines.extend(line.format(day=day) for line in settle)
            payments = write(tmp_path / "late.csv", "\n".join(lines))
            import_ledger_csv(store, CsvKind.PAYMENTS, payments)
        if day == DAYS[12]:  # two customers change policy
            policies.assign_policy(store, "V30", "consumer", actor="test")
            policies.assign_policy(store, "V32", "business", actor="test")
        proposed, cancelled, flagged, skipped = same_decision(store, day)
        totals = [totals[0] + proposed, totals[1] + cancelled, totals[2] + flagged]
        skipped_days += skipped > 0
        carry_out(store, rng, day, daily_run.run_dunning(store, day, actor="test"))
    # The story decided something of every kind, and the run left customers out on most
    # days: the comparison says something.
    assert all(totals), totals
    assert skipped_days >= len(DAYS) // 2
