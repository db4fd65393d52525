"""Importing CSV files into the ledger, on SQLite and PostgreSQL alike."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from tests.conftest import write
from tests.ledger_snapshot import load_ledger

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.core.aging import Buckets, aging
from relance.core.model import Creditor, InvoiceStatus
from relance.core.money import Money
from relance.services.ledger_import import import_ledger_csv
from relance.services.reports import aging_report, invoice_lines
from relance.services.setup import init_creditor

CUSTOMERS = """reference;nom;type;pays;langue;email
DUP;Dupont SA;entreprise;FR;fr;compta@dupont.fr
SMITH;Smith Ltd;business;GB;en;ap@smith.co.uk
MARTIN;Julie Martin;particulier;FR;fr;
"""
INVOICES = """numero;client;date;echeance;devise;montant;tva;objet
F-2026-001;DUP;01/09/2026;01/10/2026;EUR;1 200,00;200,00;Maintenance
F-2026-002;DUP;15/10/2026;14/11/2026;EUR;600,00;100,00;Pièces
12345;SMITH;2017-12-02;2018-01-01;USD;100,00;0;Consulting
F-2026-003;MARTIN;01/11/2026;01/12/2026;EUR;90,00;15,00;Réparation
"""
PAYMENTS = """date,customer,amount,currency,method,reference,invoice
2026-10-20,DUP,"1,000.00",EUR,transfer,VIR DUPONT,F-2026-001
2026-11-02,DUP,150.00,EUR,cheque,CHQ 881,
"""


@pytest.fixture
def ledger_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "customers": write(tmp_path / "clients.csv", CUSTOMERS),
        "invoices": write(tmp_path / "factures.csv", INVOICES),
        "payments": write(tmp_path / "payments.csv", PAYMENTS),
    }


def load(store: Store, files: dict[str, Path]) -> None:
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    import_ledger_csv(store, CsvKind.CUSTOMERS, files["customers"])
    import_ledger_csv(store, CsvKind.INVOICES, files["invoices"])
    import_ledger_csv(store, CsvKind.PAYMENTS, files["payments"])


def count(store: Store, table) -> int:
    with store.begin() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_ledger_imported_from_csv(store: Store, ledger_files):
    load(store, ledger_files)
    lines = {line.invoice.number: line for line in invoice_lines(store, date(2026, 11, 23))}
    assert lines["F-2026-001"].open_balance == Money.of("200", "EUR")
    assert lines["F-2026-001"].status is InvoiceStatus.PARTIALLY_PAID
    assert lines["F-2026-002"].status is InvoiceStatus.OPEN
    assert lines["12345"].days_overdue == 3248
    assert lines["12345"].open_balance == Money.of("100", "USD")
    # the cheque names no invoice: it stays unapplied credit on the customer
    with store.begin() as conn:
        ledger = load_ledger(conn)
    from relance.core.ledger import unapplied_credit

    assert unapplied_credit(ledger, "DUP", "EUR", date(2026, 11, 23)) == Money.of("150", "EUR")


def test_reimporting_the_same_files_adds_nothing(store: Store, ledger_files):
    load(store, ledger_files)
    before = [count(store, table) for table in (t.customers, t.invoices, t.payments, t.allocations)]
    again = import_ledger_csv(store, CsvKind.INVOICES, ledger_files["invoices"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    payments = import_ledger_csv(store, CsvKind.PAYMENTS, ledger_files["payments"])
    assert (payments.created, payments.unchanged, payments.allocations) == (0, 2, 0)
    import_ledger_csv(store, CsvKind.CUSTOMERS, ledger_files["customers"])
    after = [count(store, table) for table in (t.customers, t.invoices, t.payments, t.allocations)]
    assert after == before


def test_a_corrected_invoice_is_updated(store: Store, ledger_files, tmp_path):
    load(store, ledger_files)
    fixed = write(
        tmp_path / "fixed.csv", INVOICES.replace("600,00;100,00;Pièces", "660,00;110,00;Pièces")
    )
    report = import_ledger_csv(store, CsvKind.INVOICES, fixed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    with store.begin() as conn:
        (invoice,) = repo.load_invoices(conn, numbers=["F-2026-002"])
    assert invoice.amount == Money.of("660", "EUR")


def test_an_invoice_cannot_shrink_below_what_was_paid(store: Store, ledger_files, tmp_path):
    load(store, ledger_files)
    shrunk = write(tmp_path / "shrunk.csv", INVOICES.replace("1 200,00;200,00", "900,00;150,00"))
    with pytest.raises(FormatError, match=r"already has 1000\.00 EUR applied"):
        import_ledger_csv(store, CsvKind.INVOICES, shrunk)


def test_a_bad_row_aborts_the_whole_file(store: Store, ledger_files, tmp_path):
    load(store, ledger_files)
    before = count(store, t.invoices)
    rows = "".join(f"N-{i};DUP;01/09/2026;01/10/2026;EUR;10,00;0;x\n" for i in range(6000))
    bad = write(tmp_path / "bad.csv", "numero;client;date;echeance;devise;montant;tva;objet\n"
                + rows + "N-BAD;NOBODY;01/09/2026;01/10/2026;EUR;10,00;0;x\n")  # fmt: skip
    with pytest.raises(FormatError) as caught:
        import_ledger_csv(store, CsvKind.INVOICES, bad)
    assert (caught.value.location, caught.value.field) == ("6002", "customer")
    assert "unknown customer 'NOBODY'" in str(caught.value)
    assert count(store, t.invoices) == before  # the 6,000 good rows before it were not kept


def test_a_number_twice_in_one_file_with_different_data_is_an_error(store, ledger_files, tmp_path):
    load(store, ledger_files)
    twice = write(
        tmp_path / "twice.csv",
        INVOICES + "F-2026-002;DUP;15/10/2026;14/11/2026;EUR;601,00;100,00;Pièces\n",
    )
    with pytest.raises(FormatError, match="also on line 3 with different data") as caught:
        import_ledger_csv(store, CsvKind.INVOICES, twice)
    assert caught.value.location == "6"


def test_a_number_repeated_in_a_later_chunk_is_compared_with_the_row_written(
    store, ledger_files, tmp_path
):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    import_ledger_csv(store, CsvKind.CUSTOMERS, ledger_files["customers"])
    header, first, *rest = INVOICES.splitlines(keepends=True)
    filler = "".join(f"N-{i};DUP;01/09/2026;01/10/2026;EUR;10,00;0;x\n" for i in range(6000))
    again = write(tmp_path / "again.csv", header + first + filler + first)
    report = import_ledger_csv(store, CsvKind.INVOICES, again)
    assert report.created == 6001
    assert report.warnings == ["line 6003: invoice F-2026-001 repeated, ignored"]
    other = write(
        tmp_path / "other.csv",
        header + "".join(rest) + filler.replace("N-", "M-") + rest[0].replace("600,00", "601,00"),
    )
    with pytest.raises(FormatError, match="also on line 2 with different data") as caught:
        import_ledger_csv(store, CsvKind.INVOICES, other)
    assert (caught.value.location, caught.value.field) == ("6005", "number")
    assert count(store, t.invoices) == 6001  # nothing of the refused file was kept


def test_the_same_row_twice_is_imported_once_with_a_warning(store, ledger_files, tmp_path):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    import_ledger_csv(store, CsvKind.CUSTOMERS, ledger_files["customers"])
    lines = INVOICES.splitlines()
    repeated = write(tmp_path / "r.csv", "\n".join([*lines, lines[1]]) + "\n")
    report = import_ledger_csv(store, CsvKind.INVOICES, repeated)
    assert report.created == 4
    assert any("repeated" in w for w in report.warnings)


def test_a_dry_run_reports_and_writes_nothing(store: Store, ledger_files):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    import_ledger_csv(store, CsvKind.CUSTOMERS, ledger_files["customers"])
    report = import_ledger_csv(store, CsvKind.INVOICES, ledger_files["invoices"], dry_run=True)
    assert (report.created, report.dry_run) == (4, True)
    assert count(store, t.invoices) == 0
    assert count(store, t.imports) == 1  # the customers file only


def test_a_payment_larger_than_the_invoice_leaves_the_rest_unapplied(store, ledger_files, tmp_path):
    load(store, ledger_files)
    over = write(
        tmp_path / "over.csv",
        'date,client,montant,facture\n2026-11-10,MARTIN,"100,00",F-2026-003\n',
    )
    import_ledger_csv(store, CsvKind.PAYMENTS, over)
    with store.begin() as conn:
        (allocation,) = repo.load_allocations(conn, ["F-2026-003"])
    assert allocation.amount == Money.of("90", "EUR")


def test_a_credit_note_settles_its_invoice(store, ledger_files, tmp_path):
    load(store, ledger_files)
    notes = write(
        tmp_path / "avoirs.csv",
        "numero;client;date;devise;montant;facture\nAV-1;DUP;20/11/2026;EUR;600,00;F-2026-002\n",
    )
    report = import_ledger_csv(store, CsvKind.CREDIT_NOTES, notes)
    assert (report.created, report.allocations) == (1, 1)
    lines = {x.invoice.number: x for x in invoice_lines(store, date(2026, 11, 23))}
    assert lines["F-2026-002"].status is InvoiceStatus.PAID
    assert import_ledger_csv(store, CsvKind.CREDIT_NOTES, notes).allocations == 0


def test_a_payment_for_another_customers_invoice_is_refused(store, ledger_files, tmp_path):
    load(store, ledger_files)
    wrong = write(
        tmp_path / "w.csv", "date,customer,amount,invoice\n2026-11-10,MARTIN,10,F-2026-001\n"
    )
    with pytest.raises(FormatError, match="is 'DUP''s, not 'MARTIN''s"):
        import_ledger_csv(store, CsvKind.PAYMENTS, wrong)


def test_the_database_ages_exactly_as_the_pure_core(store: Store, ledger_files):
    load(store, ledger_files)
    with store.begin() as conn:
        ledger = load_ledger(conn)
    for day in (date(2018, 2, 19), date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 23)):
        for buckets in (Buckets(), Buckets((15, 45))):
            assert aging_report(store, day, buckets) == aging(ledger, day, buckets)
    report = aging_report(store, date(2026, 11, 23))
    eur = next(table for table in report.tables if table.currency == "EUR")
    dup = next(row for row in eur.rows if row.customer_ref == "DUP")
    # F-2026-001: 200 left, 53 days late; F-2026-002: 600, 9 days late
    assert [a.amount for a in dup.amounts] == [0, Decimal("600"), Decimal("200"), 0, 0, 0]


def test_identifiers_of_the_creditor_are_checked(store: Store):
    from relance.services.setup import SetupError

    with pytest.raises(SetupError, match="iban"):
        init_creditor(store, Creditor("X", "FR", "EUR", iban="FR76 3000 6000 0112 3456 7890 188"))
    with pytest.raises(SetupError, match="registration_id"):
        init_creditor(store, Creditor("X", "FR", "EUR", registration_id="732829321"))
    saved = init_creditor(
        store,
        Creditor(
            "X",
            "fr",
            "eur",
            iban="fr76 3000 6000 0112 3456 7890 189",
            registration_id="732 829 320",
        ),
    )
    assert (saved.iban, saved.registration_id, saved.currency) == (
        "FR7630006000011234567890189",
        "732829320",
        "EUR",
    )


def test_a_payment_exported_again_with_its_invoice_is_the_same_payment(
    store, ledger_files, tmp_path
):
    load(store, ledger_files)
    # The cheque of 2 November named no invoice; the next export names it and relabels it.
    again = write(
        tmp_path / "again.csv",
        "date,customer,amount,currency,method,reference,invoice\n"
        "2026-11-02,DUP,150.00,EUR,cheque,CHQ 881 (F-2026-002),F-2026-002\n",
    )
    report = import_ledger_csv(store, CsvKind.PAYMENTS, again)
    assert (report.created, report.unchanged, report.allocations) == (0, 1, 1)
    assert count(store, t.payments) == 2
    lines = {x.invoice.number: x for x in invoice_lines(store, date(2026, 11, 23))}
    assert lines["F-2026-002"].open_balance == Money.of("450", "EUR")  # 600 - 150
    # naming another invoice later never spends the cheque twice
    other = write(
        tmp_path / "other.csv", "date,customer,amount,invoice\n2026-11-02,DUP,150.00,F-2026-001\n"
    )
    assert import_ledger_csv(store, CsvKind.PAYMENTS, other).allocations == 0
    lines = {x.invoice.number: x for x in invoice_lines(store, date(2026, 11, 23))}
    assert lines["F-2026-001"].open_balance == Money.of("200", "EUR")


def test_a_customer_twice_in_a_long_file_with_different_data_is_an_error(store, tmp_path):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    rows = "".join(f"C{i},Client {i}\n" for i in range(6000))
    twice = write(tmp_path / "c.csv", "ref,name\nDUP,Dupont SA\n" + rows + "DUP,Dupont SARL\n")
    with pytest.raises(FormatError, match="also on line 2 with different data"):
        import_ledger_csv(store, CsvKind.CUSTOMERS, twice)
    assert count(store, t.customers) == 0


def test_a_customer_repeated_in_a_later_chunk_of_a_first_file_is_written_once(store, tmp_path):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    rows = "".join(f"C{i},Client {i}\n" for i in range(6000))
    twice = write(tmp_path / "c.csv", "ref,name\nDUP,Dupont SA\n" + rows + "DUP,Dupont SA\n")
    report = import_ledger_csv(store, CsvKind.CUSTOMERS, twice)
    assert (report.created, report.unchanged) == (6001, 1)
    assert count(store, t.customers) == 6001


def test_a_credit_note_sent_again_with_another_date_is_an_error(store, ledger_files, tmp_path):
    load(store, ledger_files)
    header = "numero;client;date;devise;montant;facture\n"
    import_ledger_csv(
        store,
        CsvKind.CREDIT_NOTES,
        write(tmp_path / "a.csv", header + "AV-1;DUP;20/11/2026;EUR;60,00;F-2026-002\n"),
    )
    moved = write(tmp_path / "b.csv", header + "AV-1;DUP;21/11/2026;EUR;60,00;F-2026-002\n")
    with pytest.raises(FormatError, match="already in the ledger with other data"):
        import_ledger_csv(store, CsvKind.CREDIT_NOTES, moved)


def _indexes(store: Store) -> dict[str, list[tuple[str, list[str]]]]:
    with store.begin() as conn:
        found = inspect(conn)
        return {
            table: sorted(
                (i["name"] or "", list(i["column_names"])) for i in found.get_indexes(table)
            )
            for table in ("customers", "invoices")
        }


def test_a_first_import_into_an_empty_ledger_leaves_its_indexes_as_they_were(
    store, ledger_files, tmp_path
):
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"))
    before = _indexes(store)
    assert ("ix_invoices_aging", ["customer_id", "currency", "due_date", "issue_date",
            "amount_minor"]) in before["invoices"]  # fmt: skip
    import_ledger_csv(store, CsvKind.CUSTOMERS, ledger_files["customers"])
    rows = "".join(f"N-{i};DUP;01/09/2026;01/10/2026;EUR;10,00;0;x\n" for i in range(6000))
    bad = write(tmp_path / "bad.csv", "numero;client;date;echeance;devise;montant;tva;objet\n"
                + rows + "N-BAD;DUP;01/09/2026;01/10/2026;EUR;dix;0;x\n")  # fmt: skip
    with pytest.raises(FormatError, match="amount"):
        import_ledger_csv(store, CsvKind.INVOICES, bad)
    assert _indexes(store) == before  # refused: rolled back with the file's rows
    assert count(store, t.invoices) == 0
    import_ledger_csv(store, CsvKind.INVOICES, ledger_files["invoices"], dry_run=True)
    assert _indexes(store) == before
    import_ledger_csv(store, CsvKind.INVOICES, ledger_files["invoices"])
    assert _indexes(store) == before
    assert count(store, t.invoices) == 4
