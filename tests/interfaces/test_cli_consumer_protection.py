"""Consumers are protected by law, not by settings (docs/law.md, "Consumers").

Atelier Durand (a French company) bills Julie Martin, a consumer. Whatever her contract
says, no collection fee goes on her letters (CPCE L111-8: amicable collection costs stay
with the creditor) and her debts expire after two years (C. conso. L218-2), a period no
contract can lengthen (C. conso. L218-1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import cli_ledger

from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Store
from relance.core.jurisdiction import Contract
from relance.core.money import Money
from relance.interfaces.cli.main import run

CUSTOMERS = "ref;name;kind;country\nMARTIN;Julie Martin;consumer;FR\nDUP;Dupont SA;business;FR\n"
INVOICES = """number;customer;issue_date;due_date;currency;amount;tax
F-C1;MARTIN;2023-03-01;2023-03-31;EUR;1200.00;200.00
"""


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    return cli_ledger(store, tmp_path, CUSTOMERS, INVOICES)


def test_a_contract_cannot_put_collection_fees_on_a_consumer(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = run(["contract", "MARTIN", "--db", db, "--rules", "contractual",
                "--fee-per-invoice", "40"])  # fmt: skip
    assert code != 0
    said = capsys.readouterr()
    assert "consumer" in said.err and "L111-8" in said.err
    assert run(["contract", "MARTIN", "--db", db, "--fee-per-letter", "15"]) != 0
    # nothing was stored
    assert run(["contract", "MARTIN", "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["rule_set"] is None and shown["fee_per_invoice"] is None
    # a business customer may agree a fee
    assert run(["contract", "DUP", "--db", db, "--fee-per-invoice", "40"]) == 0


def test_a_contract_cannot_lengthen_a_consumers_two_years(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["contract", "MARTIN", "--db", db, "--limitation-years", "5"]) != 0
    assert "L218-1" in capsys.readouterr().err
    # a shorter period is the creditor's own choice
    assert run(["contract", "MARTIN", "--db", db, "--limitation-years", "1"]) == 0


def test_terms_stored_before_the_upgrade_do_not_switch_the_law_off(
    db: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    # A contract written by an older relance: contractual rules, a 40 EUR fee, 5 years.
    stale = Contract(rule_set="contractual", fee_per_invoice=Money.of(40, "EUR"),
                     limitation_years=5)  # fmt: skip
    with store.begin() as conn:
        law_repo.save_contract(conn, "MARTIN", stale)
    capsys.readouterr()
    assert run(["interest", "MARTIN", "--db", db, "--as-of", "2025-04-15", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (claim,) = report["invoices"]
    assert [c["kind"] for c in claim["charges"]] == []  # no "Frais contractuels 40,00 €"
    # Due 31 March 2023, issued 1 March 2023: two years at most (L218-2), whatever the
    # contract says; the claim is time-barred by 15 April 2025.
    assert run(["limitation", "--db", db, "--as-of", "2025-04-15", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(row["invoice"], row["status"]) for row in listed] == [("F-C1", "time-barred")]
