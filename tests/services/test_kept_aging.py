"""The aged balance kept between reports equals the one summed over the whole ledger,
after every kind of write and as the date moves, on SQLite and PostgreSQL.

Each check ages the ledger three ways: the kept rows (`aging_report`, default buckets),
the scan of every invoice (`repository_aging.aging_rows`) and the pure core over the
whole ledger read back (`core.aging.aging`), and checks that the kept rows were used.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from tests.conftest import write
from tests.ledger_snapshot import load_ledger

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository_aging
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_aging as ta
from relance.adapters.storage.database import Store, make_engine, upgrade
from relance.adapters.storage.driver import insert_many
from relance.bootstrap import open_store
from relance.core.aging import Buckets, aging, assemble
from relance.core.model import Creditor
from relance.core.writeoff import WriteOffReason
from relance.services import law, lettrage
from relance.services.file_import import import_bank_statements, import_einvoices, import_fec
from relance.services.imports import undo_import
from relance.services.ledger_import import import_ledger_csv
from relance.services.record_import import import_records
from relance.services.reports import aging_report
from relance.services.setup import init_creditor

UBL = Path(__file__).resolve().parents[1] / "data" / "formats" / "ubl"
DAY = date(2026, 4, 15)
STATEMENT = "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"


def fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def due_on(days_before: int) -> date:
    return DAY - timedelta(days=days_before)


# Invoices due on each floor of the default buckets (they change bucket the next day), one
# long overdue, one not yet due, one in dollars, one issued after DAY.
INVOICES = "numero;client;date;echeance;devise;montant\n" + "".join(
    f"{number};{customer};{fr(issued)};{fr(due)};{currency};{amount}\n"
    for number, customer, issued, due, currency, amount in (
        ("F-0", "DUP", due_on(30), due_on(0), "EUR", "100,00"),
        ("F-30", "DUP", due_on(60), due_on(30), "EUR", "130,00"),
        ("F-60", "MAR", due_on(90), due_on(60), "EUR", "160,00"),
        ("F-90", "MAR", due_on(120), due_on(90), "EUR", "190,00"),
        ("F-120", "LEB", due_on(150), due_on(120), "EUR", "220,00"),
        ("F-OLD", "LEB", due_on(900), due_on(870), "EUR", "50,00"),
        ("F-NEXT", "DUP", due_on(5), DAY + timedelta(days=25), "EUR", "75,00"),
        ("F-USD", "DUP", due_on(40), due_on(10), "USD", "310,00"),
        ("F-LATER", "MAR", DAY + timedelta(days=1), DAY + timedelta(days=31), "EUR", "40,00"),
    )
)
CUSTOMERS = "ref;nom\nDUP;Dupont SA\nMAR;Martin SARL\nLEB;Leblanc EURL\n"
PAYMENTS = (
    "date;client;montant;facture\n"
    f"{fr(due_on(2))};DUP;30,00;F-30\n"
    f"{fr(DAY + timedelta(days=1))};MAR;60,00;F-60\n"  # dated after DAY: counts from DAY + 1
    f"{fr(DAY + timedelta(days=45))};LEB;220,00;F-120\n"
)


def kept_date(store: Store) -> date | None:
    with store.begin() as conn:
        found: date | None = conn.execute(select(ta.aging_kept_date.c.as_of)).scalar()
        return found


def ages_as_the_whole_ledger(store: Store, day: date = DAY) -> None:
    """The kept report as of `day` is the scan's and the pure core's, and came from the
    kept rows (their date is `day` afterwards)."""
    kept = aging_report(store, day)
    with store.begin() as conn:
        ledger = load_ledger(conn)
        scanned = assemble(repository_aging.aging_rows(conn, day, Buckets()), day, Buckets())
    assert kept == scanned
    assert kept == aging(ledger, day)
    assert kept_date(store) == day


def test_the_kept_report_follows_every_write_and_every_date(store: Store, tmp_path: Path):
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    ages_as_the_whole_ledger(store)  # an empty ledger
    imported = {}
    for kind, content in (("customers", CUSTOMERS), ("invoices", INVOICES)):
        report = import_ledger_csv(store, CsvKind(kind), write(tmp_path / f"{kind}.csv", content))
        imported[kind] = report.import_id
        ages_as_the_whole_ledger(store)
    report = import_ledger_csv(store, CsvKind.PAYMENTS, write(tmp_path / "p.csv", PAYMENTS))
    imported["payments"] = report.import_id
    ages_as_the_whole_ledger(store)

    notes = f"numero;client;date;devise;montant;facture\nAV-1;MAR;{fr(due_on(3))};EUR;90,00;F-90\n"
    import_ledger_csv(store, CsvKind.CREDIT_NOTES, write(tmp_path / "avoirs.csv", notes))
    ages_as_the_whole_ledger(store)

    # an e-invoice (1 230,00, due 1 April 2026), paid by a statement line naming it
    import_einvoices(store, [UBL / "invoice-2026-0042.xml"])
    ages_as_the_whole_ledger(store)
    law.set_invoice_discount(store, "F-2026-0042", "2/10 net 30")
    statement = write(
        tmp_path / "mars.csv",
        STATEMENT + "10/03/2026;FACTURE F-2026-0042;1 205,40;BOULANGERIE MARTIN;;;D1\n"
        "12/04/2026;VIR SEPA;100,00;X INCONNU;;;T9\n",
    )
    (bank,) = import_bank_statements(store, [statement], as_of=DAY)
    assert (bank.matched, bank.unmatched) == (1, 1)  # by rule, with the early-payment discount
    ages_as_the_whole_ledger(store)
    (matched,) = lettrage.lettrage(store, [lettrage.MatchState.AUTOMATIC])
    lettrage.unmatch(store, matched.transaction.key, as_of=DAY)  # the discount goes too
    ages_as_the_whole_ledger(store)
    (waiting, *_) = lettrage.unmatched(store)
    lettrage.match(store, waiting.transaction.key, ["F-2026-0042"])  # by hand
    ages_as_the_whole_ledger(store)

    law.write_off(store, "F-OLD", WriteOffReason.UNECONOMIC, DAY)
    ages_as_the_whole_ledger(store)

    # a later file changes an invoice (dates and amount), then is undone
    changed = write(
        tmp_path / "f2.csv",
        f"numero;client;date;echeance;devise;montant\nF-NEXT;DUP;{fr(due_on(60))};"
        f"{fr(due_on(45))};EUR;80,00\n",
    )
    correcting = import_ledger_csv(store, CsvKind.INVOICES, changed, allow_changes=True)
    assert correcting.updated == 1
    ages_as_the_whole_ledger(store)
    assert correcting.import_id is not None
    undo_import(store, correcting.import_id)
    ages_as_the_whole_ledger(store)

    # the API's import of records
    api = {"number": "F-API", "customer": "LEB", "issue_date": due_on(70).isoformat(),
           "due_date": due_on(40).isoformat(), "amount": "12.34"}  # fmt: skip
    import_records(store, CsvKind.INVOICES, [api], source="api", actor="api")
    ages_as_the_whole_ledger(store)

    undo_import(store, imported["payments"])  # a bulk delete of allocations
    ages_as_the_whole_ledger(store)

    bulk_writes_that_bypass_sqlalchemy(store)
    ages_as_the_whole_ledger(store)

    # the date moves on with no write, then back (aged by the scan), then on again
    for day in (DAY + timedelta(days=1), DAY + timedelta(days=31), DAY + timedelta(days=431)):
        ages_as_the_whole_ledger(store, day)
    earlier = DAY - timedelta(days=20)
    with store.begin() as conn:
        ledger = load_ledger(conn)
    assert aging_report(store, earlier) == aging(ledger, earlier)
    assert kept_date(store) == DAY + timedelta(days=431)  # the kept rows stay where they were
    ages_as_the_whole_ledger(store, DAY + timedelta(days=432))


def bulk_writes_that_bypass_sqlalchemy(store: Store) -> None:
    """Rows written through the driver's executemany (COPY on PostgreSQL) and changed and
    removed by plain SQL statements."""
    with store.begin() as conn:
        customers = dict(conn.execute(select(t.customers.c.ref, t.customers.c.id)).all())
        rows = [
            (f"B-{n}", customers["MAR"], due_on(n), due_on(n - 20), "EUR", 1000 + n, 0, "", "")
            for n in range(0, 200, 7)
        ]
        columns = ("number", "customer_id", "issue_date", "due_date", "currency",
                   "amount_minor", "tax_minor", "subject", "pdf_path")  # fmt: skip
        insert_many(conn, t.invoices, columns, rows)
        moved = {"due": due_on(100), "who": customers["DUP"]}
        conn.execute(
            text("UPDATE invoices SET due_date = :due, customer_id = :who WHERE number = 'B-7'"),
            moved,
        )
        conn.execute(text("DELETE FROM invoices WHERE number IN ('B-14', 'B-21')"))
        conn.execute(text("UPDATE allocations SET amount_minor = amount_minor - 1"))


def test_a_fec_import_and_its_undo_keep_the_report_right(store: Store, samples: Path):
    fec = samples / "fec" / "111111111FEC20221231.TXT"
    day = date(2023, 1, 31)
    ages_as_the_whole_ledger(store, day)
    (report,) = import_fec(store, [fec], as_of=date(2022, 12, 31))
    ages_as_the_whole_ledger(store, day)
    (_caught_up,) = import_fec(store, [fec])  # the lettering dated later
    ages_as_the_whole_ledger(store, day + timedelta(days=1))
    assert report.import_id is not None
    undo_import(store, report.import_id, cascade=True)
    ages_as_the_whole_ledger(store, day + timedelta(days=1))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_ledger_written_before_the_kept_report_is_carried_over(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
):
    url = (
        f"sqlite:///{tmp_path / 'old.sqlite'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    engine = make_engine(url)
    upgrade(engine, "0015")
    with engine.begin() as conn:  # written before the triggers existed
        conn.execute(insert(t.customers).values(id=1, ref="OLD", name="Old", kind="business",
                                                country="FR", language="fr"))  # fmt: skip
        conn.execute(
            insert(t.invoices),
            [
                {"number": f"O-{n}", "customer_id": 1, "issue_date": due_on(n + 30),
                 "due_date": due_on(n), "currency": "EUR", "amount_minor": 100 * n,
                 "tax_minor": 0}
                for n in range(1, 300, 11)
            ],
        )  # fmt: skip
    engine.dispose()
    store = open_store(url)
    try:
        ages_as_the_whole_ledger(store)
    finally:
        store.engine.dispose()


def test_a_report_while_a_writer_writes_ages_by_the_scan_and_keeps_nothing(
    store: Store, tmp_path: Path
):
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    for kind, content in (("customers", CUSTOMERS), ("invoices", INVOICES)):
        import_ledger_csv(store, CsvKind(kind), write(tmp_path / f"{kind}.csv", content))
    ages_as_the_whole_ledger(store)
    with store.begin() as conn:
        before = load_ledger(conn)
    with store.engine.connect() as writer:  # an import still writing: its invoice unseen
        if writer.dialect.name == "sqlite":
            writer.exec_driver_sql("BEGIN IMMEDIATE")
        writer.execute(
            insert(t.invoices).values(number="F-W", customer_id=1, issue_date=due_on(9),
                                      due_date=due_on(8), currency="EUR", amount_minor=999,
                                      tax_minor=0)
        )  # fmt: skip
        later = DAY + timedelta(days=2)
        assert aging_report(store, later) == aging(before, later)
        assert kept_date(store) == DAY  # not brought to `later` meanwhile
        writer.commit()
    ages_as_the_whole_ledger(store, DAY + timedelta(days=2))


def test_every_write_to_invoices_and_allocations_has_its_trigger(store: Store):
    # A migration that rebuilds either table on SQLite drops its triggers with it.
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if store.engine.dialect.name == "sqlite"
        else "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
    )
    with store.begin() as conn:
        found = {name for (name,) in conn.exec_driver_sql(query) if name.startswith("aging_")}
    assert found == {
        f"aging_stale_{table}_{event}"
        for table in ("invoices", "allocations")
        for event in ("insert", "update", "delete")
    }
