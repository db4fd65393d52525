"""Every import can be listed and undone, and a re-import never rewrites a dunned invoice
in silence: stories on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from tests.conftest import write
from tests.ledger_snapshot import load_ledger

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage.database import Store
from relance.core.ledger import open_balance
from relance.core.model import Creditor
from relance.core.money import Money
from relance.services import customer_history, lettrage
from relance.services.file_import import import_bank_statements, import_einvoices
from relance.services.imports import AlreadyUndone, UndoRefused, list_imports, undo_import
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

UBL = Path(__file__).resolve().parents[1] / "data" / "formats" / "ubl"
CUSTOMERS = "ref;nom\nDUP;Dupont SA\nMAR;Martin SARL\n"
INVOICES = (
    "numero;client;date;echeance;montant\n"
    "F-1;DUP;01/09/2026;01/10/2026;1 200,00\n"
    "F-2;MAR;01/09/2026;01/10/2026;300,00\n"
)
PAYMENTS = "date;client;montant;facture\n20/10/2026;DUP;1 200,00;F-1\n"
DAY = date(2026, 11, 2)


def count(store: Store, table: object) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def owed(store: Store, number: str) -> Money:
    with store.begin() as conn:
        ledger = load_ledger(conn)
    (invoice,) = [i for i in ledger.invoices if i.number == number]
    return open_balance(ledger, invoice, DAY)


@pytest.fixture
def ledger(store: Store, tmp_path: Path) -> dict[str, int]:
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    ids = {}
    for kind, text in (("customers", CUSTOMERS), ("invoices", INVOICES), ("payments", PAYMENTS)):
        report = import_ledger_csv(store, CsvKind(kind), write(tmp_path / f"{kind}.csv", text))
        assert report.import_id is not None
        ids[kind] = report.import_id
    return ids


def send_letter(store: Store, customer: str, numbers: list[str], on: date) -> None:
    """A reminder recorded as sent for these invoices (what `relance send` leaves)."""
    with store.begin() as conn:
        conn.execute(
            insert(td.dunning_actions).values(
                key=f"{customer}-{on}", customer_ref=customer, policy="business", level=1,
                level_name="first reminder", channels=["email"], invoice_numbers=numbers,
                proposed_on=on, status="done", done_on=on, outcome="sent", details={},
            )
        )  # fmt: skip


def test_imports_are_listed_with_file_hash_kind_and_rows(store: Store, ledger):
    listed = list_imports(store)
    assert [(i.id, i.file_name, i.kind, i.rows) for i in listed] == [
        (ledger["customers"], "customers.csv", "customers", 2),
        (ledger["invoices"], "invoices.csv", "invoices", 2),
        (ledger["payments"], "payments.csv", "payments", 1),
    ]
    assert all(len(i.sha256) == 64 and i.undone_at is None for i in listed)


def test_a_wrong_payments_file_is_undone_and_the_invoice_is_owed_again(store: Store, ledger):
    # The payments file was last year's: the user takes it back out.
    assert owed(store, "F-1") == Money.zero("EUR")
    done = undo_import(store, ledger["payments"])
    assert done.removed == {"payments": 1, "allocations": 1}
    assert owed(store, "F-1") == Money.of("1200", "EUR")
    assert count(store, t.payments) == 0
    (again,) = [i for i in list_imports(store) if i.id == ledger["payments"]]
    assert again.undone_at is not None
    kinds = [e.kind for e in customer_history.history(store, "DUP")]
    assert kinds[-1] == "import_undone"
    with pytest.raises(AlreadyUndone, match="already undone on"):
        undo_import(store, ledger["payments"])
    with pytest.raises(LookupError, match="no import #999"):
        undo_import(store, 999)


def test_undoing_invoices_that_later_records_depend_on_is_refused_unless_cascade(
    store: Store, ledger
):
    send_letter(store, "MAR", ["F-2"], date(2026, 10, 15))
    with pytest.raises(UndoRefused) as refused:
        undo_import(store, ledger["invoices"])
    reasons = " | ".join(refused.value.reasons)
    assert (
        "csv:" in reasons and f"applied to invoice F-1 by import #{ledger['payments']}" in reasons
    )
    assert "first reminder sent to MAR on 2026-10-15 for invoice F-2" in reasons
    assert count(store, t.invoices) == 2  # nothing removed
    done = undo_import(store, ledger["invoices"], cascade=True)
    assert done.removed == {"invoices": 2, "later allocations": 1}
    assert count(store, t.invoices) == 0 and count(store, t.allocations) == 0
    assert count(store, t.payments) == 1  # the payment stays, now unapplied credit
    # the customers were created by another import: untouched
    assert count(store, t.customers) == 2


def test_a_customers_import_still_named_by_invoices_keeps_them(store: Store, ledger):
    undo_import(store, ledger["payments"])
    done = undo_import(store, ledger["customers"])
    assert done.removed == {} and sorted(done.kept_customers) == ["DUP", "MAR"]
    assert count(store, t.customers) == 2


def test_a_bank_statement_is_undone_with_its_matches_but_not_a_later_match(
    store: Store, tmp_path: Path
):
    import_einvoices(store, [UBL / "invoice-2026-0042.xml"])
    statement = write(
        tmp_path / "avril.csv",
        "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        "05/04/2026;VIR SEPA;500,00;B MARTIN;FR7610107001011234567890129;;T9\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=date(2026, 4, 15))
    assert report.unmatched == 1 and report.import_id is not None
    (waiting,) = lettrage.unmatched(store)
    lettrage.match(store, waiting.transaction.key, ["F-2026-0042"])
    with pytest.raises(UndoRefused, match="by a later match"):
        undo_import(store, report.import_id)
    lettrage.unmatch(store, waiting.transaction.key, as_of=date(2026, 4, 15))
    done = undo_import(store, report.import_id)
    assert done.removed == {"payments": 1, "bank_transactions": 1}
    assert count(store, tb.bank_transactions) == 0 and count(store, t.payments) == 0
    # the same statement can be imported again once undone
    (again,) = import_bank_statements(store, [statement], as_of=date(2026, 4, 15))
    assert again.skipped == "" and again.created["transactions"] == 1


def test_an_e_invoice_import_is_undone_with_the_customer_it_created(store: Store):
    (report,) = import_einvoices(store, [UBL / "invoice-2026-0042.xml"])
    assert report.import_id is not None
    done = undo_import(store, report.import_id)
    assert done.removed == {"customers": 1, "invoices": 1}
    assert count(store, t.customers) == 0


# -- a re-import that changes an invoice ------------------------------------------------------


def test_a_dunned_invoice_keeps_its_figures_unless_the_change_is_allowed(
    store: Store, ledger, tmp_path: Path
):
    send_letter(store, "MAR", ["F-2"], date(2026, 10, 15))
    corrected = write(
        tmp_path / "factures-v2.csv",
        "numero;client;date;echeance;montant\nF-2;MAR;01/09/2026;30/11/2026;350,00\n",
    )
    # before: "1 updated", and the formal notice's figures changed under the debtor
    with pytest.raises(FormatError) as refused:
        import_ledger_csv(store, CsvKind.INVOICES, corrected)
    message = str(refused.value)
    assert "factures-v2.csv:2: number: invoice F-2 would change" in message
    assert "due_date 2026-10-01 → 2026-11-30" in message and "300.00 EUR → 350.00 EUR" in message
    assert "it was dunned (first reminder of 2026-10-15)" in message
    assert "--allow-changes" in message
    assert owed(store, "F-2") == Money.of("300", "EUR")

    report = import_ledger_csv(store, CsvKind.INVOICES, corrected, allow_changes=True)
    assert report.updated == 1 and owed(store, "F-2") == Money.of("350", "EUR")
    (change,) = [e for e in customer_history.history(store, "MAR") if e.kind == "invoice_changed"]
    assert change.subject == "F-2"
    assert change.data["old"] == {"due_date": "2026-10-01", "amount": "300.00 EUR"}
    assert change.data["new"] == {"due_date": "2026-11-30", "amount": "350.00 EUR"}
    assert "allowed although it was dunned" in change.reason

    # undoing the correcting import puts the old figures back
    assert report.import_id is not None
    done = undo_import(store, report.import_id)
    assert done.restored == ("F-2",) and owed(store, "F-2") == Money.of("300", "EUR")


def test_a_partly_paid_invoice_cannot_change_in_silence(store: Store, ledger, tmp_path: Path):
    payment = write(tmp_path / "p2.csv", "date;client;montant;facture\n20/10/2026;MAR;100,00;F-2\n")
    import_ledger_csv(store, CsvKind.PAYMENTS, payment)
    later = write(
        tmp_path / "f3.csv",
        "numero;client;date;echeance;montant\nF-2;MAR;01/09/2026;15/10/2026;300,00\n",
    )
    with pytest.raises(FormatError, match=r"100.00 EUR was already applied to it"):
        import_ledger_csv(store, CsvKind.INVOICES, later)


def test_an_invoice_nobody_was_told_about_is_corrected_with_a_trace(
    store: Store, ledger, tmp_path: Path
):
    corrected = write(
        tmp_path / "f4.csv",
        "numero;client;date;echeance;montant\nF-2;MAR;01/09/2026;01/10/2026;310,00\n",
    )
    assert import_ledger_csv(store, CsvKind.INVOICES, corrected).updated == 1
    (change,) = [e for e in customer_history.history(store, "MAR") if e.kind == "invoice_changed"]
    assert change.reason == "amount 300.00 EUR → 310.00 EUR"
