"""A plumbing business imports one month of statements from eight French banks' exports.

None of the exports has a payer column of its own, except Qonto's: the payer is in the
label, in each bank's shorthand ("VIR SEPA RECU /DE ... /MOTIF FACT N 77", "VIREMENT EN
VOTRE FAVEUR", "VIR INST RE ... DE:", "ECHEANCE 1/3"...). Before relance read labels, only
the credits quoting a full invoice number or coming from a known IBAN were matched; the
rest waited for a person. The labelled set in `tests/data/bank_labels/` says which
customer and invoices each credit pays (or that a person must decide); this story counts
the credits matched automatically and checks that none of them is wrong.

Run with `-s` to see the figures (recorded in benchmarks/RESULTS.md and docs/imports.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.ledger_snapshot import load_ledger

from relance.adapters.formats import bank_csv
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.bank import MatchState
from relance.services import customer_history, lettrage, pauses
from relance.services.file_import import import_bank_statements
from relance.services.ledger_import import import_ledger_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "bank_labels"
STATEMENTS = (
    "credit_agricole.csv",
    "bnp_paribas.csv",
    "societe_generale.csv",
    "lcl.csv",
    "caisse_epargne.csv",
    "banque_postale.csv",
    "qonto.csv",
    "shine.csv",
)
AS_OF = date(2026, 11, 30)
# The share of credits matched automatically must not fall below this (measured: see
# benchmarks/RESULTS.md); every automatic match must be right.
AUTOMATIC_SHARE_FLOOR = 0.85


@dataclass(frozen=True)
class Outcome:
    """What happened to one credit of the set, beside what should have."""

    where: str
    expected: tuple[str, tuple[str, ...]]  # ("", ()) when a person must decide
    automatic: bool
    got: tuple[str, tuple[str, ...]]
    reason: str


def the_business(store: Store) -> None:
    """Customers (four with a known IBAN), 50 open invoices, two payment plans."""
    import_ledger_csv(store, CsvKind.CUSTOMERS, DATA / "customers.csv")
    import_ledger_csv(store, CsvKind.INVOICES, DATA / "invoices.csv")
    with (DATA / "plans.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            pauses.plan(
                store,
                row["customer"],
                row["invoices"].split(),
                int(row["instalments"]),
                date.fromisoformat(row["first"]),
                row["every"],
                date.fromisoformat(row["agreed_on"]),
            )


def outcomes(store: Store) -> list[Outcome]:
    """Import the eight statements, then compare each credit with the labelled set."""
    import_bank_statements(store, [DATA / name for name in STATEMENTS], as_of=AS_OF)
    lines = {line.transaction.key: line for line in lettrage.lettrage(store)}
    with store.begin() as conn:
        ledger = load_ledger(conn)
    paid: dict[str, set[str]] = {}
    for allocation in ledger.allocations:
        paid.setdefault(allocation.source, set()).add(allocation.invoice_number)
    # The history says why each credit was matched.
    reasons = {
        event.subject: event.reason
        for customer in {line.customer_ref for line in lines.values() if line.customer_ref}
        for event in customer_history.history(store, customer)
        if event.kind == "payment.matched"
    }
    found = []
    with (DATA / "expected.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            keys = [tx.key for tx in bank_csv.extract(DATA / row["file"])]
            line = lines[keys[int(row["row"]) - 1]]
            key = line.transaction.key
            found.append(
                Outcome(
                    where=f"{row['file']}:{row['row']}",
                    expected=(row["customer"], tuple(sorted(row["invoices"].split()))),
                    automatic=line.state is MatchState.AUTOMATIC,
                    got=(line.customer_ref or "", tuple(sorted(paid.get(key, ())))),
                    reason=reasons.get(key, line.rule or ""),
                )
            )
    return found


def test_french_bank_labels_are_matched_automatically_and_never_wrongly(store: Store) -> None:
    the_business(store)

    found = outcomes(store)

    credits = len(found)
    automatic = [o for o in found if o.automatic]
    wrong = [o for o in automatic if o.got != o.expected]
    should_match = [o for o in found if o.expected[0]]
    share = len(automatic) / credits
    precision = (len(automatic) - len(wrong)) / len(automatic)
    print(
        f"\n{credits} credits, {len(should_match)} with a customer to find: "
        f"{len(automatic)} matched automatically ({share:.0%}), precision {precision:.0%}; "
        f"{credits - len(automatic)} wait for a person"
    )
    for o in found:
        if not o.automatic and o.expected[0]:
            print(f"  waiting although it pays {o.expected}: {o.where}")
        if o.automatic and o.got != o.expected:
            print(f"  WRONG {o.where}: {o.got} instead of {o.expected} ({o.reason})")
    assert wrong == [], "every automatic match is the right one"
    assert share >= AUTOMATIC_SHARE_FLOOR
    # The credits a person must decide (cheques, a refund, unknown payers, a partial payment
    # without a reference) all wait in the queue.
    assert all(not o.automatic for o in found if not o.expected[0])
    # Each automatic match says why, in words, in the customer's history.
    assert all(o.reason for o in automatic)
