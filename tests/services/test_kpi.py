"""The KPIs read from a stored ledger (SQLite and PostgreSQL) are those computed by hand on
the same ledger in memory (tests/core/test_kpi.py): the database sums the same bands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import insert
from tests import kpi_ledger as book

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_kpi as kpi_repo
from relance.adapters.storage import tables_agencies as ta
from relance.adapters.storage.database import Store
from relance.core.kpi_facts import ledger_facts
from relance.core.kpi_report import measures
from relance.services.kpi import kpi_report


def test_the_database_sums_the_ledger_into_the_same_bands_as_the_core(store: Store):
    book.write_ledger(store)
    for last in (date(2026, 9, 30), date(2026, 11, 15), date(2026, 11, 30)):
        with store.begin() as conn:
            stored = kpi_repo.ledger_facts(conn, last)
        expected = ledger_facts(book.ledger(), last)
        assert sorted(stored.invoices, key=repr) == sorted(expected.invoices, key=repr)
        assert sorted(stored.settled, key=repr) == sorted(expected.settled, key=repr)
        assert sorted(stored.credits, key=repr) == sorted(expected.credits, key=repr)


def test_every_kpi_of_october_and_november_from_the_stored_ledger(store: Store):
    book.write_ledger(store)
    report = kpi_report(
        store, date(2026, 10, 1), date(2026, 11, 30), as_of=book.AS_OF, by_month=True
    )
    found = {
        (m.period.label, m.kpi, m.stage): m.value for m in measures(report) if m.unit != "money"
    }
    # the figures computed by hand in tests/core/test_kpi.py
    assert found == {
        ("2026-10", "dso_countback", ""): Decimal("128.0"),
        ("2026-10", "dso", ""): Decimal("47.5"),
        ("2026-10", "best_possible_dso", ""): Decimal("31.0"),
        ("2026-10", "average_days_delinquent", ""): Decimal("16.5"),
        ("2026-10", "cei", ""): Decimal("23.8"),
        ("2026-10", "current_share", ""): Decimal("65.2"),
        ("2026-10", "stage_effectiveness", "letter1"): Decimal("33.3"),
        ("2026-11", "dso_countback", ""): Decimal("42.4"),
        ("2026-11", "dso", ""): Decimal("43.3"),
        ("2026-11", "best_possible_dso", ""): Decimal("30.0"),
        ("2026-11", "average_days_delinquent", ""): Decimal("13.3"),
        ("2026-11", "cei", ""): Decimal("73.9"),
        ("2026-11", "current_share", ""): Decimal("69.2"),
        ("2026-11", "stage_effectiveness", "letter1"): Decimal("75.0"),
        ("2026-11", "stage_effectiveness", "letter3"): Decimal("100.0"),
        ("2026-11", "promises_kept_by_count", ""): Decimal("50.0"),
        ("2026-11", "promises_kept_by_amount", ""): Decimal("66.7"),
        ("2026-11", "agency_recovery", ""): Decimal("25.0"),
        ("2026-11", "agency_net_recovery", ""): Decimal("25.0"),  # no fee recorded
    }
    (letter3,) = [s for s in report.stages if s.stage == "letter3"]
    assert letter3.waiting == 1  # A3 of 28 November: its 14 days are not over on 1 December


def test_a_later_day_asked_about_closes_the_windows_still_open(store: Store):
    # On 20 December the 14 days after A3 (28 Nov) are over: O1 owed 1,500 that day and
    # nothing was paid on it since, so letter3 chased 2,000 + 1,500 and collected 2,000.
    book.write_ledger(store)
    report = kpi_report(store, date(2026, 11, 1), date(2026, 11, 30), as_of=date(2026, 12, 20))
    (letter3,) = [s for s in report.stages if s.stage == "letter3"]
    assert (letter3.invoices, letter3.waiting) == (2, 0)
    assert (letter3.chased, letter3.paid) == (book.eur("3500"), book.eur("2000"))
    assert letter3.share == Decimal("57.1")
    # and the third promise's grace has run out unpaid: 1 kept of 3, 2,000 of 4,500
    (promised,) = report.promises
    assert (promised.share_by_count, promised.share_by_amount) == (
        Decimal("33.3"),
        Decimal("44.4"),
    )


def test_the_fees_an_agency_kept_come_off_its_recovery(store: Store):
    # Recouvre SA recorded the 300 of 20 November as its recovery, keeping 75 of it:
    # net 225 of the 1,200 handed over, 18.8 %.
    book.write_ledger(store)
    with store.begin() as conn:
        agency = conn.execute(
            insert(ta.agencies).values(
                name="Recouvre SA", siren="552100554", currency="EUR", fixed_fee_minor=0,
                minimum_fee_minor=0, address_lines="", postal_code="", city="", country="FR",
                contact="", email="", phone="", funds_iban="",
            )
        ).inserted_primary_key[0]  # fmt: skip
        invoice = repo.invoice_ids(conn, ["J1"])["J1"]
        conn.execute(
            insert(ta.agency_recoveries).values(
                agency_id=agency, invoice_id=invoice, date=date(2026, 11, 20),
                amount_minor=30000, currency="EUR", fee_minor=7500, reference="R-1",
                payment_key="PAY-4",
            )
        )  # fmt: skip
    report = kpi_report(store, date(2026, 11, 1), date(2026, 11, 30), as_of=book.AS_OF)
    (recovery,) = report.agencies
    assert (recovery.recovered, recovery.fees) == (book.eur("300"), book.eur("75"))
    assert (recovery.share, recovery.net_share) == (Decimal("25.0"), Decimal("18.8"))
