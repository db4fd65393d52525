"""Importing the files users already have: FEC, e-invoices, bank statements, and lettrage.

Real files written by others are read where they lie (shared/samples, skipped when absent);
small generated statements cover what the samples do not (our RF references, overpayments).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import write
from tests.ledger_snapshot import load_ledger, load_payments
from tests.services.two_customers_ledger import CUSTOMERS, INVOICES

from relance.adapters.formats import bank_csv, camt, mt940, ofx
from relance.adapters.formats.detect import Format
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_open_invoices as ro
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.database import Store
from relance.core.bank import MatchState
from relance.core.ledger import open_balance, unapplied_credit
from relance.core.money import Money
from relance.core.reference import creditor_reference
from relance.services import daily_run, dunning, law, lettrage, matching, sending
from relance.services.demo import DEMO_CREDITOR
from relance.services.file_import import (
    import_bank_statements,
    import_einvoices,
    import_fec,
)
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

UBL = Path(__file__).resolve().parents[1] / "data" / "formats" / "ubl"
TODAY = date(2026, 4, 15)


def rows(store: Store, table: object) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def everything(store: Store) -> dict[str, int]:
    return {
        name: rows(store, table)
        for name, table in (
            ("customers", t.customers),
            ("invoices", t.invoices),
            ("credit_notes", t.credit_notes),
            ("payments", t.payments),
            ("allocations", t.allocations),
            ("imports", t.imports),
            ("events", t.events),
            ("transactions", tb.bank_transactions),
            ("suggestions", tb.bank_suggestions),
        )
    }


# -- FEC -------------------------------------------------------------------------------------


def test_a_real_fec_becomes_customers_invoices_payments_and_lettered_allocations(
    store: Store, samples: Path
) -> None:
    fec = samples / "fec" / "111111111FEC20221231.TXT"  # pipe, ISO-8859-15, lettered 411s
    (report,) = import_fec(store, [fec])

    assert report.format == "fec" and report.read == 934
    assert report.created == {
        "customers": 34,
        "invoices": 100,
        "credit_notes": 3,
        "payments": 48,
        "allocations": 71,
    }
    with store.begin() as conn:
        ledger = load_ledger(conn)
    # The first sale of the year, VE 0123 of 74,70 to customer 41101590, was lettered with
    # the CIC transfer of 9 February 2023: paid in full.
    sale = next(i for i in ledger.invoices if i.number == "VE 0123")
    assert (sale.customer_ref, sale.amount) == ("41101590", Money.of("74.70", "EUR"))
    assert open_balance(ledger, sale, date(2023, 12, 31)) == Money.zero("EUR")
    assert open_balance(ledger, sale, date(2023, 2, 8)) == Money.of("74.70", "EUR")
    # No invoice is ever allocated more than it is worth.
    for invoice in ledger.invoices:
        assert not open_balance(ledger, invoice, date(2099, 1, 1)).is_negative

    before = everything(store)
    (again,) = import_fec(store, [fec])
    assert again.skipped == "already imported"
    assert everything(store) == before


def test_a_fec_read_as_of_an_earlier_date_leaves_later_lettering_open_then_catches_up(
    store: Store, samples: Path
) -> None:
    fec = samples / "fec" / "111111111FEC20221231.TXT"
    (early,) = import_fec(store, [fec], as_of=date(2023, 2, 1))
    assert early.created["invoices"] < 100
    (full,) = import_fec(store, [fec])
    # The second import adds only what came after 1 February: nothing twice.
    assert early.created["invoices"] + full.created["invoices"] == 100
    assert rows(store, t.allocations) == 71


def test_a_fec_with_a_bad_line_writes_nothing_and_names_the_line(
    store: Store, tmp_path: Path
) -> None:
    header = (
        "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
        "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
        "ValidDate\tMontantdevise\tIdevise\n"
    )
    good = "VE\tVentes\t1\t20260105\t411ACME\tClients\t\t\tF1\t20260105\tVente\t120,00\t0,00\t\t\t20260105\t\t\n"
    bad = "VE\tVentes\t2\t20260231\t411ACME\tClients\t\t\tF2\t20260105\tVente\t10,00\t0,00\t\t\t20260105\t\t\n"
    path = write(tmp_path / "fec.txt", header + good + bad)

    with pytest.raises(FormatError) as error:
        import_fec(store, [path])
    assert "fec.txt:3:" in str(error.value)
    assert everything(store)["invoices"] == 0 and everything(store)["imports"] == 0


# -- e-invoices ------------------------------------------------------------------------------


def test_a_factur_x_pdf_becomes_an_invoice_that_keeps_its_pdf_for_letters(
    store: Store, samples: Path
) -> None:
    pdf = samples / "facturx" / "akretion_invoice_EN16931.pdf"
    (report,) = import_einvoices(store, [pdf])

    assert report.format == "facturx"
    assert report.created == {"customers": 1, "invoices": 1}
    with store.begin() as conn:
        (invoice,) = repo.load_invoices(conn)
        (buyer,) = repo.load_customers(conn)
    assert (invoice.number, invoice.amount) == ("F20260023", Money.of("104.90", "EUR"))
    assert Path(invoice.pdf_path) == pdf.resolve() and Path(invoice.pdf_path).is_file()
    assert (buyer.ref, buyer.name) == ("987654321", "LE CLIENT")

    (again,) = import_einvoices(store, [pdf])
    assert again.skipped == "already imported" and rows(store, t.invoices) == 1


def test_a_folder_of_one_invoice_in_every_profile_adds_it_once_and_keeps_the_pdf(
    store: Store, samples: Path, tmp_path: Path
) -> None:
    # akretion's samples are one invoice, F20260023, in the MINIMUM, BASIC, EN16931 and
    # EXTENDED profiles and as a PDF: a folder of them holds one invoice, and a licence.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for found in (samples / "facturx").glob("*akretion*"):
        shutil.copy(found, inbox / found.name)

    reports = import_einvoices(store, [inbox])

    assert [Path(r.file).name for r in reports if r.skipped] == [
        "LICENSE.akretion-factur-x.BSD.txt"
    ]
    assert sum(r.created.get("invoices", 0) for r in reports) == 1
    assert sum(r.unchanged for r in reports) == 3
    # The XML files come first (sorted names); the PDF then gives the invoice its file.
    assert reports[-1].created == {"pdf_paths": 1}
    with store.begin() as conn:
        (invoice,) = repo.load_invoices(conn)
    assert invoice.pdf_path == str((inbox / "akretion_invoice_EN16931.pdf").resolve())


def test_an_invoice_number_already_used_with_other_data_is_refused_naming_the_file(
    store: Store, samples: Path
) -> None:
    # drafthorse's ZUGFeRD samples all number their invoice 471102, with other amounts.
    folder = samples / "facturx"
    import_einvoices(store, [folder / "drafthorse_zugferd_2p3_EN16931_Einfach.xml"])
    before = everything(store)
    with pytest.raises(FormatError) as error:
        import_einvoices(store, [folder / "drafthorse_zugferd_2p3_BASIC_Einfach.xml"])
    assert "drafthorse_zugferd_2p3_BASIC_Einfach.xml:BT-1" in str(error.value)
    assert "471102 is already in the ledger" in str(error.value)
    assert everything(store) == before


def test_a_ubl_credit_note_settles_part_of_its_ubl_invoice(store: Store) -> None:
    import_einvoices(store, [UBL / "invoice-2026-0042.xml", UBL / "creditnote-2026-0050.xml"])
    with store.begin() as conn:
        ledger = load_ledger(conn)
    (invoice,) = ledger.invoices
    # 1 230,00 invoiced, 90,00 credited: 1 140,00 still owed.
    assert open_balance(ledger, invoice, TODAY) == Money.of("1140.00", "EUR")


def test_a_bank_statement_given_as_an_invoice_is_refused(store: Store, samples: Path) -> None:
    with pytest.raises(FormatError, match="not a einvoice file"):
        import_einvoices(store, [samples / "camt" / "genkgo_camt053.v2.minimal.xml"])


# -- bank statements -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "reader"),
    [
        ("camt", "genkgo_camt053.v2.multi.statement.xml", camt.extract),
        ("camt", "genkgo_camt053.v8.xml", camt.extract),
        ("ofx", "ofxparse_checking.ofx", ofx.extract),
        ("mt940", "mt940_betterplace_sepa_mt9401.sta", mt940.extract),
        ("mt940", "mt940_jejik_ing.sta", mt940.extract),
    ],
)
def test_real_statements_are_stored_line_by_line_and_credits_become_payments(
    store: Store, samples: Path, folder: str, name: str, reader: object
) -> None:
    path = samples / folder / name
    expected = reader(path)  # type: ignore[operator]
    credits = [tx for tx in expected if tx.is_credit and not tx.reversal]

    (report,) = import_bank_statements(store, [path], as_of=TODAY)

    assert report.read == len(expected)
    assert report.created.get("transactions", 0) == len(expected)
    assert report.created.get("payments", 0) == len(credits)
    assert report.ignored == len(expected) - len(credits)
    # No invoice in the ledger: every credit waits in the queue, payer unknown.
    assert report.unmatched == len(credits) and report.matched == 0
    with store.begin() as conn:
        unknown = conn.execute(
            select(func.count()).select_from(t.payments).where(t.payments.c.customer_id.is_(None))
        ).scalar_one()
    assert unknown == len(credits)
    assert len(lettrage.unmatched(store)) == len(credits)

    before = everything(store)
    (again,) = import_bank_statements(store, [path], as_of=TODAY)
    assert again.skipped == "already imported" and everything(store) == before


def test_the_same_transaction_in_two_statement_files_is_added_once(
    store: Store, samples: Path, tmp_path: Path
) -> None:
    original = samples / "mt940" / "mt940_jejik_ing.sta"
    copy = tmp_path / "ing-again.sta"
    shutil.copy(original, copy)
    with copy.open("ab") as extra:
        extra.write(b"\r\n")  # another file (another hash), the same bank lines

    (first,) = import_bank_statements(store, [original], as_of=TODAY)
    (second,) = import_bank_statements(store, [copy], as_of=TODAY)

    assert second.skipped == "" and second.created == {}
    assert second.unchanged == first.read == rows(store, tb.bank_transactions)


def test_a_malformed_statement_writes_nothing_and_names_the_file_and_element(
    store: Store, samples: Path
) -> None:
    wrong = samples / "camt" / "genkgo_camt053.v2.wrong.xml"
    with pytest.raises(FormatError) as error:
        import_bank_statements(store, [wrong], as_of=TODAY)
    assert "genkgo_camt053.v2.wrong.xml" in str(error.value) and "Stmt" in str(error.value)
    bad_amount = samples / "ofx" / "ofxparse_fail_nice_decimal_error.ofx"
    with pytest.raises(FormatError, match="STMTTRN #1"):
        import_bank_statements(store, [bad_amount], as_of=TODAY)
    assert everything(store) == dict.fromkeys(everything(store), 0)


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(store: Store, samples: Path) -> None:
    path = samples / "mt940" / "mt940_cmxl_mt940.sta"
    (report,) = import_bank_statements(store, [path], as_of=TODAY, dry_run=True)
    assert report.dry_run and report.created["transactions"] == report.read > 0
    assert everything(store) == dict.fromkeys(everything(store), 0)
    (fec,) = import_fec(store, [samples / "fec" / "111111111FEC20221231.TXT"], dry_run=True)
    assert fec.created["invoices"] == 100 and rows(store, t.invoices) == 0


# -- lettrage through the import -------------------------------------------------------------

STATEMENT = "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"


def ledger_of_martin(store: Store) -> None:
    """Boulangerie Martin's UBL invoice F-2026-0042 (1 230,00) and its credit note (90,00)."""
    import_einvoices(store, [UBL / "invoice-2026-0042.xml", UBL / "creditnote-2026-0050.xml"])


def test_a_credit_quoting_the_rf_of_an_invoice_is_matched_and_the_overpayment_kept(
    store: Store, tmp_path: Path
) -> None:
    ledger_of_martin(store)
    rf = creditor_reference("F-2026-0042")
    statement = write(
        tmp_path / "avril.csv",
        STATEMENT + f"02/04/2026;VIR SEPA;1 150,00;BOULANGERIE MARTIN;;{rf};T1\n"
        "03/04/2026;PRLV EDF;-80,00;EDF;;;T2\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=TODAY)

    assert (report.matched, report.unmatched, report.ignored) == (1, 0, 1)
    with store.begin() as conn:
        ledger = load_ledger(conn)
    # 1 230,00 - 90,00 credited = 1 140,00 owed; 1 150,00 paid: 10,00 more kept as credit.
    assert open_balance(ledger, ledger.invoices[0], TODAY) == Money.zero("EUR")
    assert unapplied_credit(ledger, "732829320", "EUR", TODAY) == Money.of("10.00", "EUR")
    assert report.unapplied == {"732829320": Money.of("10.00", "EUR")}
    (line,) = lettrage.lettrage(store, [MatchState.AUTOMATIC])
    assert (line.rule, line.customer_ref, line.unapplied) == (
        "reference",
        "732829320",
        Money.of("10.00", "EUR"),
    )
    with store.begin() as conn:
        kinds = [k for (k,) in conn.execute(select(t.events.c.kind))]
    assert kinds.count("payment.matched") == 1


def test_unmatched_then_matched_by_hand_then_unmatched_again(store: Store, tmp_path: Path) -> None:
    ledger_of_martin(store)
    statement = write(
        tmp_path / "avril.csv",
        STATEMENT + "05/04/2026;VIR SEPA;500,00;B MARTIN;FR7610107001011234567890129;;T9\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=TODAY)
    assert report.unmatched == 1

    (waiting,) = lettrage.unmatched(store)
    assert waiting.state is MatchState.UNMATCHED and waiting.customer_ref is None

    decided = lettrage.match(store, waiting.transaction.key, ["F-2026-0042"], actor="claire")
    assert decided.allocations == (("payment", "F-2026-0042", Money.of("500.00", "EUR")),)
    assert lettrage.unmatched(store) == []
    with store.begin() as conn:
        ledger = load_ledger(conn)
        (martin,) = repo.load_customers(conn, ["732829320"])
    assert open_balance(ledger, ledger.invoices[0], TODAY) == Money.of("640.00", "EUR")
    # The person confirmed who paid: that IBAN is Martin's from now on.
    assert "FR7610107001011234567890129" in martin.ibans
    with pytest.raises(ValueError, match="already matched"):
        lettrage.match(store, waiting.transaction.key, ["F-2026-0042"])

    undone = lettrage.unmatch(store, waiting.transaction.key, as_of=TODAY, reason="wrong payer")
    assert undone.allocations == (("payment", "F-2026-0042", Money.of("500.00", "EUR")),)
    (back,) = lettrage.unmatched(store)
    assert back.transaction.key == waiting.transaction.key
    # Back in the queue with suggestions: the known IBAN now points to Martin's invoice.
    assert back.suggestions and back.suggestions[0].customer_ref == "732829320"
    with store.begin() as conn:
        ledger = load_ledger(conn)
        kinds = [k for (k,) in conn.execute(select(t.events.c.kind))]
    assert open_balance(ledger, ledger.invoices[0], TODAY) == Money.of("1140.00", "EUR")
    assert kinds.count("payment.matched") == 1 and kinds.count("payment.unmatched") == 1


def test_matching_refuses_an_unknown_invoice_and_a_debit(store: Store, tmp_path: Path) -> None:
    ledger_of_martin(store)
    statement = write(
        tmp_path / "s.csv",
        STATEMENT + "05/04/2026;VIR;50,00;X;;;A1\n06/04/2026;PRLV;-50,00;Y;;;A2\n",
    )
    import_bank_statements(store, [statement], as_of=TODAY)
    lines = {int(line.transaction.amount.amount): line for line in lettrage.lettrage(store)}
    with pytest.raises(LookupError, match="unknown invoice"):
        lettrage.match(store, lines[50].transaction.key, ["NOPE"])
    with pytest.raises(ValueError, match="not a customer payment"):
        lettrage.match(store, lines[-50].transaction.key, ["F-2026-0042"])
    with pytest.raises(ValueError, match="not matched"):
        lettrage.unmatch(store, lines[50].transaction.key, as_of=TODAY)


# -- end to end: the letter's RF reference comes back on the statement -----------------------


def test_a_payment_quoting_the_rf_of_our_letter_settles_it_and_the_next_run_leaves_the_payer_alone(
    store: Store, tmp_path: Path
) -> None:
    # 1. Two customers overdue since 1 January 2018; the informal step on 5 February is done
    #    by hand, the first letters of 19 February are sent by relance.
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS))
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES))
    daily_run.run_dunning(store, date(2018, 2, 5))
    for action_id in dunning.approve(store, every=True):
        dunning.mark_done(store, action_id, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    dunning.approve(store, every=True)
    now = datetime(2018, 2, 19, 9, 0, tzinfo=UTC)
    sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", None, now=now)
    with store.begin() as conn:
        (letter,) = [e for e in rl.load_evidence(conn) if e.customer_ref == "BOULMART"][:1]
    rf = letter.rf_reference
    assert rf.startswith("RF")

    # 2. Boulangerie Martin pays 1 200,00 quoting the letter's reference (not the invoice's).
    statement = write(
        tmp_path / "releve.csv",
        STATEMENT
        + f"23/02/2018;VIR SEPA BOULANGERIE MARTIN;1 200,00;BOULANGERIE MARTIN;;{rf};B1\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=date(2018, 2, 26))
    assert (report.matched, report.unmatched) == (1, 0)
    (line,) = lettrage.lettrage(store, [MatchState.AUTOMATIC])
    assert (line.rule, line.customer_ref) == ("reference", "BOULMART")

    # 3. The next run: nothing for Boulangerie Martin, proposed or cancelled; Smith & Co,
    #    who did not pay, goes on.
    run = daily_run.run_dunning(store, date(2018, 3, 5))
    assert "BOULMART" not in {item.action.customer_ref for item in run.proposed}
    assert "SMITHCO" in {item.action.customer_ref for item in run.proposed}
    with store.begin() as conn:
        ledger = load_ledger(conn)
    cancelled_ids = {action_id for action_id, _ in run.cancelled}
    assert all(
        item.action.customer_ref != "BOULMART"
        for item in dunning.queue(store, everything=True)
        if item.id in cancelled_ids
    )
    paid = next(i for i in ledger.invoices if i.number == "F-001")
    assert open_balance(ledger, paid, date(2018, 3, 5)) == Money.zero("EUR")


def test_the_fast_read_of_open_invoices_counts_every_settlement_recorded(
    store: Store, samples: Path
) -> None:
    import_fec(store, [samples / "fec" / "111111111FEC20221231.TXT"])
    with store.begin() as conn:
        ledger = load_ledger(conn)
        # After the last lettering it is the ledger's own view of what is open.
        late = date(2024, 12, 31)
        assert [(i.invoice, i.open_amount) for i in ro.open_items(conn, late)] == (
            repo.open_invoice_balances(conn, late)
        )
        # Earlier, only invoices issued by then, less every settlement recorded, even one
        # dated later: matching never pays twice what the accountant already lettered.
        early = date(2023, 2, 1)
        fast = {i.invoice.number: i.open_amount for i in ro.open_items(conn, early)}
        issued = [i for i in ledger.invoices if i.issue_date <= early]
        expected = {
            i.number: open_balance(ledger, i, late)
            for i in issued
            if open_balance(ledger, i, late).is_positive
        }
        assert fast == expected and len(fast) < len(issued)


def test_the_open_balances_matching_reads_are_the_open_invoices_column_by_column(
    store: Store, samples: Path
) -> None:
    import_fec(store, [samples / "fec" / "111111111FEC20221231.TXT"])
    with store.begin() as conn:
        for day in (date(2023, 2, 1), date(2024, 12, 31)):
            whole, few = ro.open_items(conn, day), ro.open_balances(conn, day)
            assert len(whole) > 0 and whole.whole and not few.whole
            for column in ("numbers", "customer_refs", "due_dates", "currencies", "owed"):
                assert getattr(few, column) == getattr(whole, column), column
        with pytest.raises(LookupError):
            few[0]  # what only the invoice's record holds was not read


def test_a_payment_that_came_before_its_invoice_is_matched_when_the_queue_is_rematched(
    store: Store, tmp_path: Path
) -> None:
    statement = write(
        tmp_path / "mars.csv",
        STATEMENT + "30/03/2026;VIR FACTURE F-2026-0042;1 140,00;BOULANGERIE MARTIN;;;M1\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=TODAY)
    assert report.unmatched == 1  # nothing to pay yet
    ledger_of_martin(store)  # the e-invoice and its credit note arrive afterwards

    dry = matching.rematch(store, as_of=TODAY, dry_run=True)
    assert (dry.looked_at, len(dry.matched)) == (1, 1) and len(lettrage.unmatched(store)) == 1
    done = matching.rematch(store, as_of=TODAY)

    assert (done.looked_at, len(done.matched), done.still_waiting) == (1, 1, 0)
    assert done.matched[0].rule.value == "invoice_number"
    assert lettrage.unmatched(store) == []
    with store.begin() as conn:
        ledger = load_ledger(conn)
    assert open_balance(ledger, ledger.invoices[0], TODAY) == Money.zero("EUR")


PAYMENTS = """date,customer,amount,currency,method,reference,invoice
2026-04-02,732829320,300.00,EUR,cheque,CHQ 881,
"""


def test_a_ledger_payment_without_invoice_is_matched_by_hand_and_unmatched(
    store: Store, tmp_path: Path
) -> None:
    ledger_of_martin(store)
    import_ledger_csv(store, CsvKind.PAYMENTS, write(tmp_path / "p.csv", PAYMENTS))
    with store.begin() as conn:
        (cheque,) = load_payments(conn)

    decided = lettrage.match(store, cheque.key, ["F-2026-0042"])
    assert decided.allocations == (("payment", "F-2026-0042", Money.of("300.00", "EUR")),)
    with pytest.raises(ValueError, match="already fully applied"):
        lettrage.match(store, cheque.key, ["F-2026-0042"])
    undone = lettrage.unmatch(store, cheque.key, as_of=TODAY)
    assert undone.allocations == decided.allocations
    with store.begin() as conn:
        ledger = load_ledger(conn)
    assert open_balance(ledger, ledger.invoices[0], TODAY) == Money.of("1140.00", "EUR")
    # The cheque stays the customer's: unapplied credit, not a payment from nobody.
    assert unapplied_credit(ledger, "732829320", "EUR", TODAY) == Money.of("300.00", "EUR")


def test_an_early_payment_less_the_discount_settles_the_invoice_and_unmatch_takes_both_back(
    store: Store, tmp_path: Path
) -> None:
    import_einvoices(store, [UBL / "invoice-2026-0042.xml"])  # 1 230,00 issued 2 March 2026
    law.set_invoice_discount(store, "F-2026-0042", "2/10 net 30")
    # 2 % for payment within 10 days: 1 230,00 - 24,60 = 1 205,40, paid on 10 March.
    statement = write(
        tmp_path / "mars.csv",
        STATEMENT + "10/03/2026;FACTURE F-2026-0042;1 205,40;BOULANGERIE MARTIN;;;D1\n",
    )
    (report,) = import_bank_statements(store, [statement], as_of=date(2026, 3, 31))

    assert report.matched == 1
    with store.begin() as conn:
        ledger = load_ledger(conn)
    kinds = sorted((a.kind.value, a.amount) for a in ledger.allocations)
    assert kinds == [
        ("discount", Money.of("24.60", "EUR")),
        ("payment", Money.of("1205.40", "EUR")),
    ]
    assert open_balance(ledger, ledger.invoices[0], date(2026, 3, 31)) == Money.zero("EUR")

    (line,) = lettrage.lettrage(store, [MatchState.AUTOMATIC])
    undone = lettrage.unmatch(store, line.transaction.key, as_of=date(2026, 3, 31))
    assert sorted(kind for kind, _, _ in undone.allocations) == ["discount", "payment"]
    assert rows(store, t.allocations) == 0


def test_a_folder_of_mixed_e_invoices_imported_as_ubl_skips_the_factur_x_ones(
    store: Store, samples: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(UBL / "invoice-2026-0042.xml", inbox / "a.xml")
    shutil.copy(samples / "facturx" / "akretion_invoice_EN16931.pdf", inbox / "b.pdf")
    reports = import_einvoices(store, [inbox], only=Format.UBL)
    assert [(Path(r.file).name, r.skipped) for r in reports] == [
        ("a.xml", ""),
        ("b.pdf", "a facturx file, not a ubl file"),
    ]
    with pytest.raises(FormatError, match="not a ubl file"):
        import_einvoices(store, [inbox / "b.pdf"], only=Format.UBL)


def test_a_payment_matched_to_a_customer_without_invoice_becomes_its_credit(
    store: Store, tmp_path: Path
) -> None:
    ledger_of_martin(store)
    statement = write(tmp_path / "s.csv", STATEMENT + "05/04/2026;ACOMPTE;500,00;MARTIN;;;AC1\n")
    import_bank_statements(store, [statement], as_of=TODAY)
    with pytest.raises(LookupError, match="unknown customer"):
        lettrage.match(store, "AC1", [], customer_ref="NOBODY")

    decided = lettrage.match(store, "AC1", [], customer_ref="732829320")

    assert decided.allocations == () and decided.unapplied == Money.of("500.00", "EUR")
    with store.begin() as conn:
        ledger = load_ledger(conn)
    assert unapplied_credit(ledger, "732829320", "EUR", TODAY) == Money.of("500.00", "EUR")


def test_one_payment_gets_the_same_suggestions_from_the_few_invoices_it_could_pay(
    store: Store, tmp_path: Path
) -> None:
    # Martin's invoice, and ACME's two invoices of which one owes the same 1 230,00.
    ledger_of_martin(store)
    import_ledger_csv(
        store,
        CsvKind.CUSTOMERS,
        write(tmp_path / "c.csv", "ref,name,iban\nACME,Acme SARL,FR7630006000011234567890189\n"),
    )
    import_ledger_csv(
        store,
        CsvKind.INVOICES,
        write(
            tmp_path / "i.csv",
            "number,customer,issue_date,due_date,currency,amount,tax\n"
            "A-1,ACME,2026-03-01,2026-03-31,EUR,1230.00,0\n"
            "A-2,ACME,2026-03-05,2026-04-04,EUR,99.00,0\n",
        ),
    )
    statement = write(
        tmp_path / "s.csv",
        STATEMENT + "05/04/2026;VIR;1 230,00;MARTIN;;;X1\n"
        "06/04/2026;FACTURE A-2 ET F-2026-0042;500,00;ACME;;;X2\n"
        "07/04/2026;VIREMENT;700,00;;FR76 3000 6000 0112 3456 7890 189;;X3\n"
        f"08/04/2026;VIR;10,00;X;;{creditor_reference('A-1')};X4\n",
    )
    txs = bank_csv.extract(statement)
    with store.begin() as conn:
        whole = matching.context(conn, TODAY)
        records = set(ro.open_items(conn, TODAY))  # the context holds only what rules read
        for tx in txs:
            few = matching.context_for(conn, TODAY, [tx])
            assert set(few.items) <= records
            expected = matching.run_matching(whole, [tx], auto_threshold=101)
            assert matching.run_matching(few, [tx], auto_threshold=101) == expected
            assert matching.suggestions_of(expected).get(tx.key)  # each has suggestions
        # The RF of A-1 for 10,00: A-1 is the only invoice that payment could be about.
        few = matching.context_for(conn, TODAY, [txs[-1]])
        assert [item.invoice.number for item in few.items] == ["A-1"]
