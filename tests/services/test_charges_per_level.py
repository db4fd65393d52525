"""Each level adds the charges it names, and only those (docs/law.md, "Fees").

Boulangerie Martin (a business) owes F-001, 1 200 EUR due 1 January 2018. Its creditor's
terms of sale provide a reminder fee, as a business contract may: 10 EUR per invoice at
the first letter, 15 % of the amount chased at the second (the way Tryton's dunning levels
charge), and its contract adds 5 EUR per letter. Each fee is charged once per invoice and
level, shown on the letter and kept as a receivable line of its own. A consumer is never
charged one (CPCE L111-8). A French creditor's 40 EUR indemnity is owed on a late invoice
in any currency (C. com. L441-10 II, D441-5), on its own line in euros.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from tests.conftest import write
from tests.unit_of_work import within

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables_rates as tr
from relance.adapters.storage.database import Store
from relance.core.fees import parse_fee
from relance.core.money import Money
from relance.services import (
    contracts,
    daily_run,
    dunning,
    interest_reports,
    letter_charges,
    policies,
    sending,
)
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor
from relance.services.stage_fees import LetterStep

POLICY = """name = "business"
description = "Reminders with the fees of our terms of sale"
min_gap_days = 7

[[levels]]
name = "letter1"
after_due_days = 14
channels = ["letter"]
charges = ["fee"]
fee = "10"
templates = { letter = "business/letter1" }

[[levels]]
name = "letter2"
after_previous_days = 14
channels = ["letter"]
charges = ["fee", "interest"]
fee = "15 %"
templates = { letter = "business/letter2" }
"""
CUSTOMERS = """ref,name,kind,country,language,email,phone,address,postal_code,city
BOULMART,Boulangerie Martin,business,FR,fr,compta@boulangerie-martin.fr,,4 place Bellecour,69002,Lyon
JULIE,Julie Martin,consumer,FR,fr,julie@example.org,,3 rue Neuve,69001,Lyon
LONDON,London Bakers Ltd,business,GB,en,ap@londonbakers.example,,1 High Street,EC1A 1AA,London
"""
INVOICES = """number,customer,issue_date,due_date,currency,amount,tax,subject
F-001,BOULMART,2017-12-01,2018-01-01,EUR,1200.00,200.00,Maintenance annuelle
F-J1,JULIE,2017-12-01,2018-01-01,EUR,300.00,50.00,Dépannage
F-GB,LONDON,2025-05-01,2025-05-31,GBP,1000.00,0,Ovens
"""


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def ledger(store: Store, tmp_path: Path) -> None:
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS), actor="t")
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES), actor="t")


def stage_fees(store: Store) -> list[tuple[int, int, str]]:
    with store.begin() as conn:
        rows = conn.execute(
            select(
                tr.stage_fees.c.level, tr.stage_fees.c.amount_minor, tr.stage_fees.c.basis
            ).order_by(tr.stage_fees.c.level)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_fees_per_level_are_charged_once_shown_and_kept_and_nothing_else_is_added(
    store: Store, tmp_path: Path
) -> None:
    ledger(store, tmp_path)
    policies.import_policy(store, write(tmp_path / "business.toml", POLICY))
    contracts.set_contract(store, "BOULMART", {"fee_per_letter": eur("5")})

    # Letter 1, 15 January 2018: charges = ["fee"]: the level's 10 EUR and the contract's
    # 5 EUR per letter; no interest and no 40 EUR, which this level does not name.
    daily_run.run_dunning(store, date(2018, 1, 15))
    dunning.approve(store, every=True)
    claim = within(store, letter_charges.letter_claim, "BOULMART", ["F-001"], date(2018, 1, 15),
        LetterStep(("fee",), level=0, level_name="letter1", fee=parse_fee("10")),
    )  # fmt: skip
    assert [(row.label, row.amount) for row in claim.rows] == [
        ("Frais de relance (letter1), facture F-001", eur("10")),
        ("Frais de relance contractuels", eur("5")),
    ]
    report = sending.send_approved(store, date(2018, 1, 15), tmp_path / "out1", None)
    assert report.blocked == ()
    assert stage_fees(store) == [(0, 1000, "10")]  # level 0: the first of the policy

    # Sending the same level again charges nothing more (once per invoice and level).
    with store.begin() as conn:
        from relance.services.stage_fees import record_stage_fees

        assert record_stage_fees(conn, claim.new_fees, "BOULMART", date(2018, 1, 15)) == 0

    # Letter 2, 29 January 2018: 15 % of the 1 200 EUR chased = 180 EUR, the 10 EUR of
    # letter 1 still owed, 5 EUR for the letter, and the interest it names:
    #   ECB rate on 1 January 2018 0.00 % + 10 = 10 %, 2-29 January = 28 days:
    #   1 200 × 10 % × 28 / 365 = 3 360 / 365 = 9.205… → 9.21 EUR; still no 40 EUR.
    daily_run.run_dunning(store, date(2018, 1, 29))
    dunning.approve(store, every=True)
    step = LetterStep(("fee", "interest"), level=1, level_name="letter2", fee=parse_fee("15 %"))
    claim = within(
        store, letter_charges.letter_claim, "BOULMART", ["F-001"], date(2018, 1, 29), step
    )
    assert [(row.label, row.amount) for row in claim.rows] == [
        ("Pénalités de retard, facture F-001, du 02/01/2018 au 29/01/2018", eur("9.21")),
        ("Frais de relance (letter1), facture F-001", eur("10")),
        ("Frais de relance (letter2), facture F-001", eur("180")),
        ("Frais de relance contractuels", eur("5")),
    ]
    assert "15 % de 1 200,00 €" in claim.rows[2].explanation.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    report = sending.send_approved(store, date(2018, 1, 29), tmp_path / "out2", None)
    assert report.blocked == ()
    assert stage_fees(store) == [(0, 1000, "10"), (1, 18000, "15 % of 1200.00 EUR")]


def test_a_consumer_is_never_charged_a_fee_whatever_the_level_says(
    store: Store, tmp_path: Path
) -> None:
    ledger(store, tmp_path)
    step = LetterStep(("fee", "interest"), level=2, level_name="letter2", fee=parse_fee("10"))
    claim = within(store, letter_charges.letter_claim, "JULIE", ["F-J1"], date(2018, 1, 29), step)
    assert claim.rows == () and claim.new_fees == ()
    assert any("L111-8" in warning for warning in claim.warnings)


def test_the_40_eur_indemnity_is_owed_on_a_gbp_invoice_in_euros_on_its_own_line(
    store: Store, tmp_path: Path
) -> None:
    ledger(store, tmp_path)
    # London Bakers is a business customer of a French creditor: France B2B rules.
    report = interest_reports.interest_report(store, "F-GB", date(2025, 6, 30))
    assert report.rule_set.code == "fr_b2b"
    # ECB rate on 1 January 2025 3.15 % + 10 = 13.15 %, 1-30 June = 30 days:
    #   1 000 × 13.15 % × 30 / 365 = 3 945 / 365 = 10.808… → 10.81 GBP
    # and the fixed 40 EUR of C. com. D441-5, whatever the invoice's currency.
    assert report.totals() == {"GBP": Money.of("10.81", "GBP"), "EUR": eur("40")}
    claim = within(store, letter_charges.letter_claim, "LONDON", ["F-GB"], date(2025, 6, 30))
    indemnity = claim.rows[-1]
    assert indemnity.amount == eur("40")
    assert "due in EUR, in addition to the total" in indemnity.explanation


def test_a_consumers_legal_interest_runs_from_the_notices_receipt_and_is_named_so(
    store: Store, tmp_path: Path
) -> None:
    ledger(store, tmp_path)
    notice = LetterStep(("interest",), formal_notice=True, level=3, level_name="final")
    # The registered formal notice is composed on 2 April 2018: no figure yet, the
    # letter says interest runs from its receipt (C. civ. 1231-6, 1344-1).
    (row,) = within(
        store, letter_charges.letter_claim, "JULIE", ["F-J1"], date(2018, 4, 2), notice
    ).rows
    assert (row.label, row.amount) == ("Intérêts au taux légal (C. civ. 1231-6)", None)
    assert "à compter de la réception de la présente mise en demeure" in row.explanation
    # The acknowledgement of receipt says 6 April; a later letter, on 5 June 2018, states
    # the interest from 7 April at the legal rate (other cases) of H1 2018, 0.89 %:
    #   7 April - 5 June = 24 + 31 + 5 = 60 days: 300 × 0.89 % × 60 / 365 = 160.2 / 365
    #   = 0.438… → 0.44 EUR, named as the legal rate's interest, not as B2B penalties.
    within(store, contracts.record_formal_notice, "JULIE", date(2018, 4, 6), invoice_number="F-J1")
    (row,) = within(
        store,
        letter_charges.letter_claim,
        "JULIE",
        ["F-J1"],
        date(2018, 6, 5),
        LetterStep(("interest",)),
    ).rows
    assert (
        row.label
        == "Intérêts au taux légal (C. civ. 1231-6), facture F-J1, du 07/04/2018 au 05/06/2018"
    )
    assert row.amount == eur("0.44")
