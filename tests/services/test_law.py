"""The law of late payment on a stored ledger, on SQLite and PostgreSQL alike.

Atelier Durand (Lyon, a French company) has three customers: Dupont SA, a French business;
Julie Martin, a French consumer; Smith Ltd, an English company whose contract puts it under
the UK Late Payment Act. Figures are worked out in each test.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from tests.conftest import write
from tests.unit_of_work import within

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.core.charges import ChargeKind
from relance.core.limitation import InterruptionKind
from relance.core.model import (
    Allocation,
    AllocationKind,
    Creditor,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceStatus,
)
from relance.core.money import Money
from relance.core.rates import UnconfirmedRates
from relance.core.terms import TermVerdict, parse_discount_terms
from relance.core.writeoff import HandoffStatus, NothingToWriteOff, WriteOffReason, handoff_status
from relance.services import (
    contracts,
    daily_run,
    dunning,
    interest_reports,
    law,
    letter_charges,
    letters,
    limitation,
    rates,
    rule_sets,
    sending,
)
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.reports import invoice_lines
from relance.services.setup import init_creditor

CREDITOR = Creditor("Atelier Durand SARL", country="FR", currency="EUR")
CUSTOMERS = (
    Customer("DUP", "Dupont SA", CustomerKind.BUSINESS, "FR"),
    Customer("MARTIN", "Julie Martin", CustomerKind.CONSUMER, "FR"),
    Customer("SMITH", "Smith Ltd", CustomerKind.BUSINESS, "GB", language="en"),
)


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def day(text: str) -> date:
    return date.fromisoformat(text)


def add_invoice(
    store: Store, number: str, ref: str, issued: str, due: str, amount: str, tax: str = "0",
    currency: str = "EUR",
) -> Invoice:  # fmt: skip
    invoice = Invoice(
        number, ref, day(issued), day(due), Money.of(amount, currency), Money.of(tax, currency)
    )
    with store.begin() as conn:
        ids = repo.customer_ids(conn)
        conn.execute(insert(t.invoices).values(**repo.invoice_values(invoice, ids[ref])))
    return invoice


def pay(store: Store, number: str, amount: str, on: str, key: str, currency: str = "EUR") -> None:
    with store.begin() as conn:
        invoice_id = repo.invoice_ids(conn, [number])[number]
        money = Money.of(amount, currency)
        repo.add_allocation(
            conn, Allocation(AllocationKind.PAYMENT, key, number, money, day(on)), invoice_id
        )


@pytest.fixture
def ledger(store: Store) -> Store:
    with store.begin() as conn:
        repo.save_creditor(conn, CREDITOR)
        conn.execute(insert(t.customers), [repo.customer_values(c) for c in CUSTOMERS])
    contracts.set_contract(store, "SMITH", {"rule_set": "uk_b2b"}, reason="English law contract")
    return store


def events(store: Store, kind: str) -> list[dict[str, object]]:
    with store.begin() as conn:
        rows = conn.execute(select(t.events).where(t.events.c.kind == kind)).mappings()
        return [dict(row) for row in rows]


# -- limitation ---------------------------------------------------------------


def test_a_business_debt_is_time_barred_the_day_after_its_fifth_anniversary(ledger: Store) -> None:
    # Issued 14 February 2020 (no delivery date known: the claim starts at the issue date,
    # docs/law.md "Limitation"); 5 years between businesses (C. com. L110-4): last day to
    # act is 14 February 2025, time-barred from 15 February 2025 (not from 16 March 2025,
    # as counting from the due date of 15 March 2020 gave).
    add_invoice(ledger, "F-OLD", "DUP", "2020-02-14", "2020-03-15", "1200.00")
    # Issued 2 May 2023 to a consumer: 2 years (C. conso. L218-2), barred from 3 May 2025.
    add_invoice(ledger, "F-CONSO", "MARTIN", "2023-05-02", "2023-06-01", "240.00")
    add_invoice(ledger, "F-NEW", "DUP", "2025-01-01", "2025-01-31", "500.00")

    with ledger.begin() as conn:
        assert limitation.time_barred_invoices(conn, day("2025-02-14")) == frozenset()
        assert limitation.time_barred_invoices(conn, day("2025-02-15")) == {"F-OLD"}
        assert limitation.time_barred_invoices(conn, day("2025-05-03")) == {"F-OLD", "F-CONSO"}


def test_a_delivery_date_moves_the_start_of_limitation(ledger: Store) -> None:
    # Delivered 20 December 2019, invoiced 14 February 2020: Cass. com. 26 Feb 2020
    # n° 18-25.036 starts the 5 years at delivery: last day 20 December 2024.
    invoice = Invoice(
        "F-DLV", "DUP", day("2020-02-14"), day("2020-03-15"), eur("1200.00"), eur("0"),
        delivery_date=day("2019-12-20"),
    )  # fmt: skip
    with ledger.begin() as conn:
        ids = repo.customer_ids(conn)
        conn.execute(insert(t.invoices).values(**repo.invoice_values(invoice, ids["DUP"])))
        assert limitation.time_barred_invoices(conn, day("2024-12-20")) == frozenset()
        assert limitation.time_barred_invoices(conn, day("2024-12-21")) == {"F-DLV"}
    (line,) = limitation.limitation_report(ledger, day("2024-10-01"), timedelta(days=90))
    assert (line.status.runs_from, line.days_left) == (day("2019-12-20"), 80)


def test_an_acknowledgement_restarts_a_full_period_and_is_logged(ledger: Store) -> None:
    add_invoice(ledger, "F-OLD", "DUP", "2020-02-14", "2020-03-15", "1200.00")
    recorded = limitation.record_interruption(
        ledger, "DUP", InterruptionKind.ACKNOWLEDGEMENT, day("2024-11-02"), "signed letter"
    )
    assert [r.invoice_number for r in recorded] == ["F-OLD"]
    # A new 5-year period runs from 2 November 2024 (C. civ. 2231, 2240): last day 2029-11-02.
    with ledger.begin() as conn:
        assert limitation.time_barred_invoices(conn, day("2025-03-16")) == frozenset()
        assert limitation.time_barred_invoices(conn, day("2029-11-03")) == {"F-OLD"}
    (event,) = events(ledger, "limitation_interruption")
    assert event["data"]["invoices"] == ["F-OLD"]  # type: ignore[index]
    assert event["reason"] == "signed letter"


def test_a_partial_payment_restarts_the_period(ledger: Store) -> None:
    add_invoice(ledger, "F-OLD", "DUP", "2020-02-14", "2020-03-15", "1200.00")
    pay(ledger, "F-OLD", "200.00", "2022-05-10", "BANK-7")
    with ledger.begin() as conn:
        # 10 May 2022 + 5 years = 10 May 2027 is the last day
        assert limitation.time_barred_invoices(conn, day("2027-05-10")) == frozenset()
        assert limitation.time_barred_invoices(conn, day("2027-05-11")) == {"F-OLD"}


def test_the_limitation_report_lists_debts_expiring_within_90_days_and_those_expired(
    ledger: Store,
) -> None:
    add_invoice(ledger, "F-SOON", "DUP", "2020-05-31", "2020-06-30", "800.00")
    add_invoice(ledger, "F-GONE", "MARTIN", "2022-12-31", "2023-01-30", "90.00")
    add_invoice(ledger, "F-LATER", "DUP", "2021-05-31", "2021-06-30", "300.00")
    add_invoice(ledger, "F-PAID", "DUP", "2020-04-01", "2020-04-30", "100.00")
    pay(ledger, "F-PAID", "100.00", "2020-04-30", "BANK-1")

    lines = limitation.limitation_report(ledger, day("2025-04-01"), timedelta(days=90))

    # Each claim starts at its issue date (no delivery date known):
    # F-GONE: consumer, issued 31 Dec 2022, last day 31 Dec 2024: expired 91 days ago.
    # F-SOON: business, issued 31 May 2020, last day 31 May 2025: 60 days left.
    # F-LATER ends 31 May 2026 (beyond 90 days); F-PAID owes nothing.
    assert [(x.invoice.number, x.time_barred, x.days_left) for x in lines] == [
        ("F-GONE", True, -91),
        ("F-SOON", False, 60),
    ]
    assert lines[1].open_balance == eur("800.00")


# -- interest -----------------------------------------------------------------


def test_a_10000_eur_b2b_invoice_paid_45_days_late_across_a_half_year(ledger: Store) -> None:
    add_invoice(ledger, "F-10K", "DUP", "2025-05-16", "2025-06-15", "10000.00", "1666.67")
    pay(ledger, "F-10K", "10000.00", "2025-07-30", "BANK-10K")

    report = interest_reports.interest_report(ledger, "F-10K", day("2025-09-01"))

    # Late 16 June - 30 July 2025 = 15 + 30 = 45 days.
    #   H1 2025, ECB on 1 Jan 2025 3.15 % + 10 = 13.15 %: 10 000 × 13.15 % × 15 / 365 = 54.04
    #   H2 2025, ECB on 1 Jul 2025 2.15 % + 10 = 12.15 %: 10 000 × 12.15 % × 30 / 365 = 99.86
    # Interest 153.90, plus the 40 EUR indemnity (D441-5): the invoice was paid late.
    (claim,) = report.claims
    assert report.rule_set.code == "fr_b2b"
    assert claim.interest is not None
    assert [(line.days, line.amount) for line in claim.interest.lines] == [
        (15, eur("54.04")),
        (30, eur("99.86")),
    ]
    assert [(c.kind, c.amount) for c in claim.items] == [
        (ChargeKind.INTEREST, eur("153.90")),
        (ChargeKind.INDEMNITY, eur("40.00")),
    ]
    assert report.totals() == {"EUR": eur("193.90")}


def test_a_consumer_owes_interest_only_from_the_recorded_formal_notice(ledger: Store) -> None:
    add_invoice(ledger, "F-C1", "MARTIN", "2025-03-01", "2025-03-31", "1200.00", "200.00")

    before = interest_reports.interest_report(ledger, "MARTIN", day("2025-08-19"))
    assert before.claims[0].items == ()  # no notice yet: nothing, and no 40 EUR ever
    assert "formal notice" in before.claims[0].problems[0]

    within(ledger, contracts.record_formal_notice, "MARTIN", day("2025-05-20"), note="LRAR 1A 234")
    after = interest_reports.interest_report(ledger, "MARTIN", day("2025-08-19"))

    # From 21 May at the legal rate for company creditors:
    #   21 May - 30 Jun, 41 days at 3.71 %: 1 200 × 3.71 % × 41 / 365 = 5.00
    #   1 Jul - 19 Aug, 50 days at 2.76 %:  1 200 × 2.76 % × 50 / 365 = 4.54
    (claim,) = after.claims
    assert [(c.kind, c.amount) for c in claim.items] == [(ChargeKind.INTEREST, eur("9.54"))]
    assert after.rule_set.code == "fr_b2c"
    assert len(events(ledger, "formal_notice")) == 1


def test_a_formal_notice_for_one_invoice_starts_interest_on_that_invoice_only(
    ledger: Store,
) -> None:
    add_invoice(ledger, "F-C1", "MARTIN", "2025-03-01", "2025-03-31", "1200.00")
    add_invoice(ledger, "F-C2", "MARTIN", "2025-03-01", "2025-03-31", "1200.00")
    within(
        ledger, contracts.record_formal_notice, "MARTIN", day("2025-05-20"), invoice_number="F-C2"
    )
    report = interest_reports.interest_report(ledger, "MARTIN", day("2025-08-19"))
    assert [c.total for c in report.claims] == [eur("0"), eur("9.54")]


def test_a_uk_debt_of_5000_gbp_under_the_late_payment_act(ledger: Store) -> None:
    add_invoice(ledger, "INV-UK", "SMITH", "2025-05-01", "2025-05-31", "5000.00", currency="GBP")

    report = interest_reports.interest_report(ledger, "SMITH", day("2025-09-30"))

    # Interest runs from 1 June 2025: base rate on 31 Dec 2024 4.75 % + 8 = 12.75 % for the
    # whole debt (1998 Act s.4(2); docs/law.md): 5 000 × 12.75 % × 122 / 365 = 213.08
    # Fixed sum for a debt from 1 000 to 9 999.99 GBP: 70 GBP (1998 Act s.5A).
    (claim,) = report.claims
    assert report.rule_set.code == "uk_b2b"
    assert [(c.kind, c.amount) for c in claim.items] == [
        (ChargeKind.INTEREST, Money.of("213.08", "GBP")),
        (ChargeKind.INDEMNITY, Money.of("70.00", "GBP")),
    ]


def test_a_partial_payment_in_the_middle_lowers_the_base_from_the_next_day(ledger: Store) -> None:
    add_invoice(ledger, "F-P", "DUP", "2025-08-31", "2025-09-30", "10000.00")
    pay(ledger, "F-P", "4000.00", "2025-10-31", "BANK-P")

    report = interest_reports.interest_report(ledger, "F-P", day("2025-11-30"))

    #   1-31 Oct, 31 days on 10 000 at 12.15 %: 10 000 × 12.15 % × 31 / 365 = 103.19
    #   1-30 Nov, 30 days on  6 000 at 12.15 %:  6 000 × 12.15 % × 30 / 365 =  59.92
    (claim,) = report.claims
    assert claim.interest is not None
    assert [(line.base, line.amount) for line in claim.interest.lines] == [
        (eur("10000"), eur("103.19")),
        (eur("6000"), eur("59.92")),
    ]
    assert claim.interest.total == eur("163.11")


def test_a_contractual_rate_replaces_the_statutory_one(ledger: Store) -> None:
    add_invoice(ledger, "F-K", "DUP", "2025-08-31", "2025-09-30", "10000.00")
    contracts.set_contract(ledger, "DUP", {"rate": Decimal("15")})
    report = interest_reports.interest_report(ledger, "F-K", day("2025-10-30"))
    # 10 000 × 15 % × 30 / 365 = 45 000 / 365 = 123.287… → 123.29 (above 3 × 2.76 = 8.28 %)
    assert report.claims[0].items[0].amount == eur("123.29")
    assert contracts.contract_of(ledger, "DUP").rate == Decimal("15")


def test_an_unknown_target_or_rule_set_is_a_lookup_error(ledger: Store) -> None:
    with pytest.raises(LookupError, match="NOBODY"):
        interest_reports.interest_report(ledger, "NOBODY", day("2025-10-30"))
    with pytest.raises(LookupError, match="fr_b2b"):
        contracts.set_contract(ledger, "DUP", {"rule_set": "atlantis"})


def test_letter_rows_explain_each_line_and_the_indemnity_in_the_customers_language(
    ledger: Store,
) -> None:
    add_invoice(ledger, "F-10K", "DUP", "2025-05-16", "2025-06-15", "10000.00")
    claim = within(ledger, letter_charges.letter_claim, "DUP", ["F-10K"], day("2025-07-30"))
    assert claim.blocking == ()
    rows = claim.rows
    assert [(row.label, row.amount) for row in rows] == [
        ("Pénalités de retard, facture F-10K, du 16/06/2025 au 30/06/2025", eur("54.04")),
        ("Pénalités de retard, facture F-10K, du 01/07/2025 au 30/07/2025", eur("99.86")),
        ("Indemnité forfaitaire pour frais de recouvrement, facture F-10K", eur("40.00")),
    ]
    assert rows[0].explanation.startswith("10\u202f000,00\xa0€ × 13,15 % × 15 / 365 jours")
    assert "D441-5" in rows[2].explanation


# -- discounts, payment terms -------------------------------------------------


def test_a_discounted_payment_within_the_window_settles_the_invoice(ledger: Store) -> None:
    invoice = add_invoice(ledger, "F-D", "DUP", "2026-03-01", "2026-03-31", "1000.00")
    contracts.set_contract(ledger, "DUP", {"discount": parse_discount_terms("2/10 net 30")})
    # 2 % of 1 000 = 20; paying 980 by 11 March (1 March + 10 days) settles the invoice.
    payment = Allocation(AllocationKind.PAYMENT, "BANK-D", "F-D", eur("980.00"), day("2026-03-11"))
    with ledger.begin() as conn:
        invoice_id = repo.invoice_ids(conn, ["F-D"])["F-D"]
        repo.add_allocation(conn, payment, invoice_id)
        granted = law.grant_early_payment_discount(conn, invoice, invoice_id, payment)
    assert granted is not None and granted.amount == eur("20.00")
    (line,) = invoice_lines(ledger, day("2026-03-12"), "DUP")
    assert line.status is InvoiceStatus.PAID and line.open_balance == eur("0")


def test_a_discounted_payment_after_the_window_leaves_the_rest_owed(ledger: Store) -> None:
    invoice = add_invoice(ledger, "F-D", "DUP", "2026-03-01", "2026-03-31", "1000.00")
    law.set_invoice_discount(ledger, "F-D", "2/10 net 30")
    payment = Allocation(AllocationKind.PAYMENT, "BANK-D", "F-D", eur("980.00"), day("2026-03-12"))
    with ledger.begin() as conn:
        invoice_id = repo.invoice_ids(conn, ["F-D"])["F-D"]
        repo.add_allocation(conn, payment, invoice_id)
        assert law.grant_early_payment_discount(conn, invoice, invoice_id, payment) is None
    with ledger.begin() as conn:
        balances = repo.open_invoice_balances(conn, day("2026-03-12"), "DUP")
    assert [(i.number, owed) for i, owed in balances] == [("F-D", eur("20.00"))]


def test_terms_beyond_60_days_are_flagged(ledger: Store) -> None:
    add_invoice(ledger, "F-60", "DUP", "2026-01-31", "2026-04-01", "100.00")  # 60 days: fine
    add_invoice(ledger, "F-EOM", "DUP", "2026-01-10", "2026-03-17", "100.00")  # 66 days
    add_invoice(ledger, "F-90", "DUP", "2026-01-10", "2026-04-10", "100.00")  # 90 days
    add_invoice(ledger, "F-C", "MARTIN", "2026-01-10", "2026-06-10", "100.00")  # no B2C cap
    warnings = law.payment_term_warnings(ledger)
    # F-EOM: over 60 days (10 Jan + 60 = 11 Mar), but "45 days end of month" read as end
    # of January + 45 days gives 17 March: lawful only with an end-of-month clause.
    # F-90: beyond 11 March and beyond both end-of-month readings (28 Feb, 17 Mar).
    assert [(w.invoice.number, w.check.verdict) for w in warnings] == [
        ("F-90", TermVerdict.EXCEEDS),
        ("F-EOM", TermVerdict.NEEDS_END_OF_MONTH_CLAUSE),
    ]


# -- write-off ----------------------------------------------------------------


def test_a_write_off_closes_the_invoice_and_exports_654_44571_411(
    ledger: Store, tmp_path: Path
) -> None:
    add_invoice(ledger, "F-W", "DUP", "2025-01-10", "2025-02-09", "1200.00", "200.00")
    pay(ledger, "F-W", "600.00", "2025-03-01", "BANK-W")

    decision = law.write_off(
        ledger, "F-W", WriteOffReason.INSOLVENCY, day("2026-01-15"), note="liquidation closed"
    )

    # Open 600.00 incl. VAT; the invoice's VAT share is 200 / 1 200, so 100.00 of VAT is
    # recovered (44571) and 500.00 is the loss (654); 411 is credited 600.00.
    assert (decision.amount, decision.vat, decision.loss) == (eur("600"), eur("100"), eur("500"))
    (line,) = invoice_lines(ledger, day("2026-01-15"), "DUP")
    assert line.status is InvoiceStatus.WRITTEN_OFF
    assert len(events(ledger, "write_off")) == 1
    with pytest.raises(NothingToWriteOff):
        law.write_off(ledger, "F-W", WriteOffReason.OTHER, day("2026-01-16"))

    path = tmp_path / "writeoffs.txt"
    export = law.export_write_offs(ledger, path)
    assert export.problems == ()
    text = path.read_bytes().decode("iso-8859-15")
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    assert [(r[4], r[11], r[12]) for r in rows] == [
        ("654", "500,00", "0,00"),
        ("44571", "100,00", "0,00"),
        ("411", "0,00", "600,00"),
    ]


def test_an_agency_handoff_is_recorded_with_its_status(ledger: Store) -> None:
    add_invoice(ledger, "F-A", "DUP", "2025-01-10", "2025-02-09", "1200.00")
    law.record_handoff(ledger, "F-A", "Recouvra SAS", HandoffStatus.WITH_AGENCY, day("2025-06-01"))
    with ledger.begin() as conn:
        handoffs = tuple(law_repo.load_handoffs(conn, ["F-A"]))
    assert handoff_status("F-A", handoffs, day("2025-05-31")) is HandoffStatus.IN_HOUSE
    assert handoff_status("F-A", handoffs, day("2025-06-01")) is HandoffStatus.WITH_AGENCY


# -- review fixes: notices, credit notes, consumers, missing rates, limitation setting ---


def test_a_customer_wide_notice_does_not_reach_an_invoice_due_after_it(ledger: Store) -> None:
    # The reviewer's case, in 2025: a notice recorded for the whole customer on 20 May
    # covers F-C1 (due 31 March) but not F-C3, due 15 June, after the notice.
    add_invoice(ledger, "F-C1", "MARTIN", "2025-03-01", "2025-03-31", "1200.00")
    add_invoice(ledger, "F-C3", "MARTIN", "2025-05-16", "2025-06-15", "1200.00")
    within(ledger, contracts.record_formal_notice, "MARTIN", day("2025-05-20"))

    report = interest_reports.interest_report(ledger, "MARTIN", day("2025-08-19"))

    # F-C1: 1 200 × 3.71 % × 41 / 365 = 5.00 (21 May - 30 June)
    #     + 1 200 × 2.76 % × 50 / 365 = 4.54 (1 July - 19 August) = 9.54
    # F-C3: nothing, since no notice covers it (before the fix: interest from 16 June).
    assert [(c.invoice_number, c.total) for c in report.claims] == [
        ("F-C1", eur("9.54")),
        ("F-C3", eur("0")),
    ]
    assert "none is recorded" in report.claims[1].problems[0]


def test_a_notice_naming_an_invoice_before_its_due_date_starts_nothing(ledger: Store) -> None:
    add_invoice(ledger, "F-C3", "MARTIN", "2025-05-16", "2025-06-15", "1200.00")
    within(
        ledger, contracts.record_formal_notice, "MARTIN", day("2025-06-01"), invoice_number="F-C3"
    )
    report = interest_reports.interest_report(ledger, "F-C3", day("2025-08-19"))
    (claim,) = report.claims
    assert claim.items == ()
    assert "on or before the due date 2025-06-15" in claim.problems[0]


def test_a_consumer_cannot_be_put_under_a_business_rule_set(ledger: Store) -> None:
    with pytest.raises(ValueError, match=r"'fr_b2b'.*'MARTIN' is a consumer"):
        contracts.set_contract(ledger, "MARTIN", {"rule_set": "fr_b2b"})
    assert contracts.contract_of(ledger, "MARTIN").rule_set is None  # nothing was stored
    contracts.set_contract(ledger, "MARTIN", {"rule_set": "fr_b2c"})  # its own rules: fine


def test_a_missing_rate_gives_the_interest_up_to_the_gap_and_still_the_indemnity(
    ledger: Store,
) -> None:
    # The ECB table ends on 31 December 2026: the rate in force on 1 January 2027 (the
    # H1 2027 reference, C. com. L441-10 II) is unknown.
    add_invoice(ledger, "F-GAP", "DUP", "2026-11-15", "2026-12-15", "1000.00")

    report = interest_reports.interest_report(ledger, "DUP", day("2027-01-15"))

    # 16-31 December 2026 = 16 days at 2.40 % (ECB on 1 July 2026) + 10 = 12.40 %:
    #   1 000 × 12.40 % × 16 / 365 = 1 984 / 365 = 5.435… → 5.44; and 40 EUR (D441-5)
    (claim,) = report.claims
    assert [(c.kind, c.amount) for c in claim.items] == [
        (ChargeKind.INTEREST, eur("5.44")),
        (ChargeKind.INDEMNITY, eur("40.00")),
    ]
    (blocking,) = claim.blocking
    assert "'ecb_mro'" in blocking and "2027-01-01" in blocking
    # A letter never states a partial figure, nor 0,00: by default it leaves the interest
    # out and says it will be claimed separately (docs/law.md, "Rates")...
    claim = within(ledger, letter_charges.letter_claim, "DUP", ["F-GAP"], day("2027-01-15"))
    assert claim.blocking == ()
    assert [(row.label, row.amount) for row in claim.rows] == [
        ("Intérêts de retard, facture F-GAP", None),
        ("Indemnité forfaitaire pour frais de recouvrement, facture F-GAP", eur("40.00")),
    ]
    assert "réclamés séparément" in claim.rows[0].explanation
    assert any("ecb_mro" in warning for warning in claim.warnings)
    # ...or, by the creditor's setting, the letter is blocked.
    rates.set_law_settings(ledger, unconfirmed=UnconfirmedRates.BLOCK)
    # (the H2 2026 ECB rate it does know is itself single-source: said too)
    stopped = within(
        ledger, letter_charges.letter_claim, "DUP", ["F-GAP"], day("2027-01-15")
    ).blocking
    assert stopped[0] == blocking and "unconfirmed" in stopped[1]


def test_an_invoice_credited_after_its_due_date_is_not_charged(ledger: Store) -> None:
    add_invoice(ledger, "F-CR", "DUP", "2025-05-16", "2025-06-15", "10000.00")
    with ledger.begin() as conn:
        invoice_id = repo.invoice_ids(conn, ["F-CR"])["F-CR"]
        note = Allocation(
            AllocationKind.CREDIT_NOTE, "AV-1", "F-CR", eur("10000"), day("2025-07-30")
        )
        repo.add_allocation(conn, note, invoice_id)
    report = interest_reports.interest_report(ledger, "DUP", day("2025-09-01"))
    assert report.claims == ()  # before the fix: 40.00 and interest up to the credit note


def _payment_acknowledges(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    jurisdictions, rates = rule_sets.rules()
    changed = dataclasses.replace(
        jurisdictions,
        rule_sets=tuple(
            dataclasses.replace(r, payments_acknowledge=on) for r in jurisdictions.rule_sets
        ),
    )
    monkeypatch.setattr(rule_sets, "rules", lambda: (changed, rates))


@pytest.mark.parametrize("acknowledges", [True, False])
def test_whether_a_payment_restarts_limitation_is_the_creditors_setting(
    ledger: Store, monkeypatch: pytest.MonkeyPatch, acknowledges: bool
) -> None:
    _payment_acknowledges(monkeypatch, acknowledges)
    add_invoice(ledger, "F-OLD", "DUP", "2020-02-14", "2020-03-15", "1200.00")
    pay(ledger, "F-OLD", "200.00", "2022-05-10", "BANK-7")
    with ledger.begin() as conn:
        barred = limitation.time_barred_invoices(conn, day("2025-03-16"))
    # On (the default): a new 5-year period from the payment, 10 May 2022 → 10 May 2027.
    # Off: the period runs from the due date, 15 March 2020 → barred from 16 March 2025.
    assert barred == (frozenset() if acknowledges else {"F-OLD"})


def test_write_off_entries_are_numbered_without_gaps_after_non_euro_ones(ledger: Store) -> None:
    add_invoice(ledger, "INV-UK", "SMITH", "2025-01-01", "2025-01-31", "300.00", currency="GBP")
    add_invoice(ledger, "F-W", "DUP", "2025-01-10", "2025-02-09", "1200.00", "200.00")
    law.write_off(ledger, "INV-UK", WriteOffReason.INSOLVENCY, day("2026-01-10"))
    law.write_off(ledger, "F-W", WriteOffReason.INSOLVENCY, day("2026-01-15"))
    entries, problems = law.write_off_entries(ledger)
    assert [e.number for e in entries] == ["PP000001"]  # not PP000002
    assert len(problems) == 1 and "GBP" in problems[0]


# -- the letters: notices recorded per invoice, no letter on partial charges -----------

DUNNING_CUSTOMERS = """ref,name,kind,country,language,email,phone,address,postal_code,city
BOULMART,Boulangerie Martin,business,FR,fr,compta@boulangerie-martin.fr,,4 place Bellecour,69002,Lyon
"""
DUNNING_INVOICES = """number,customer,issue_date,due_date,currency,amount,tax,subject
F-001,BOULMART,2017-12-01,2018-01-01,EUR,1200.00,200.00,Maintenance annuelle
F-002,BOULMART,2018-03-01,2018-05-01,EUR,300.00,50.00,Réparation
"""


def _dunning_story(store: Store, tmp_path: Path, days: tuple[str, ...]) -> None:
    """Boulangerie Martin owes F-001 (due 1 January 2018) and F-002 (due 1 May 2018);
    relance runs on each of `days` and every step is carried out by hand."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    customers = write(tmp_path / "c.csv", DUNNING_CUSTOMERS)
    import_ledger_csv(store, CsvKind.CUSTOMERS, customers, actor="t")
    import_ledger_csv(
        store, CsvKind.INVOICES, write(tmp_path / "i.csv", DUNNING_INVOICES), actor="t"
    )
    for each in days:
        daily_run.run_dunning(store, day(each))
        for action_id in dunning.approve(store, every=True):
            dunning.mark_done(store, action_id, day(each))


def test_a_formal_notice_letter_records_a_notice_for_each_invoice_it_demands(
    store: Store, tmp_path: Path
) -> None:
    _dunning_story(store, tmp_path, ("2018-02-05", "2018-02-19", "2018-03-05", "2018-03-19"))
    daily_run.run_dunning(store, day("2018-04-02"))
    dunning.approve(store, every=True)
    report = sending.send_approved(store, day("2018-04-02"), tmp_path / "out", None)
    assert report.blocked == () and report.batch is not None and report.batch.registered == 1

    with store.begin() as conn:
        assert law_repo.formal_notices(conn, "BOULMART") == []  # counts from its receipt
    (action_id,) = [
        a.id
        for a in dunning.queue(store, everything=True)
        if a.action.customer_ref == "BOULMART" and a.step.formal_notice
    ]
    letters.registered(store, action_id, tracking="1A23", posted=day("2018-04-03"))
    letters.registered(store, action_id, received=day("2018-04-06"))
    with store.begin() as conn:
        notices = law_repo.formal_notices(conn, "BOULMART")
    # F-002, not due until 1 May, is not in the letter and gets no notice; none is
    # recorded for the customer as a whole (before the fix: one with no invoice).
    assert [(n.invoice_number, n.date) for n in notices] == [("F-001", day("2018-04-06"))]


def test_a_letter_whose_charges_lack_a_rate_is_blocked_with_the_reason(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dunning_story(store, tmp_path, ("2018-02-05", "2018-02-19"))
    daily_run.run_dunning(store, day("2018-03-05"))  # the second letter states the charges
    assert dunning.approve(store, every=True)
    jurisdictions, shipped = rule_sets.rules()
    ecb = shipped["ecb_mro"]
    # The ECB table as if it stopped at the end of 2017: the rate in force on 1 January
    # 2018 (the H1 2018 reference, L441-10) is unknown.
    cut = dataclasses.replace(
        ecb, periods=tuple(p for p in ecb.periods if p.end < day("2018-01-01"))
    )
    monkeypatch.setattr(rule_sets, "rules", lambda: (jurisdictions, {**shipped, "ecb_mro": cut}))

    # The creditor's setting: a letter whose interest rests on a missing rate is blocked
    # (by default it would leave the interest out, saying it will be claimed separately).
    rates.set_law_settings(store, unconfirmed=UnconfirmedRates.BLOCK)
    report = sending.send_approved(store, day("2018-03-05"), tmp_path / "out", None)

    (blocked,) = report.blocked
    assert blocked.customer_ref == "BOULMART"
    assert any("'ecb_mro'" in p and "2018-01-01" in p for p in blocked.problems)
    assert report.batch is None and report.emails == ()
