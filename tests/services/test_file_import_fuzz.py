"""Damaged files through the import service: either imported or refused with a FormatError,
never another exception, and a refused file leaves the database exactly as it was."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.ledger_snapshot import load_ledger

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.core.ledger import open_balance
from relance.core.money import Money
from relance.core.reference import creditor_reference
from relance.services.file_import import FileReport, import_bank_statements, import_fec
from relance.services.ledger_import import import_ledger_csv

STATEMENT = (
    "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
    "02/04/2026;VIR SEPA FACTURE F-1;1 150,00;BOULANGERIE MARTIN;;RF18539007547034;T1\n"
    "03/04/2026;PRLV EDF;-80,00;EDF;;;T2\n"
    "04/04/2026;VIR DUPONT;55,5;J DUPONT;FR7630006000011234567890189;;T3\n"
).encode()
FEC = (
    b"JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    b"CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    b"ValidDate\tMontantdevise\tIdevise\n"
    b"VE\tVentes\t1\t20260105\t411ACME\tClients\t\t\tF1\t20260105\tVente\t120,00\t0,00\tA\t"
    b"20260120\t20260105\t\t\n"
    b"VE\tVentes\t1\t20260105\t706000\tVentes\t\t\tF1\t20260105\tVente\t0,00\t100,00\t\t\t"
    b"20260105\t\t\n"
    b"VE\tVentes\t1\t20260105\t445710\tTVA\t\t\tF1\t20260105\tVente\t0,00\t20,00\t\t\t"
    b"20260105\t\t\n"
    b"BQ\tBanque\t2\t20260120\t411ACME\tClients\t\t\tV1\t20260120\tVir\t0,00\t120,00\tA\t"
    b"20260120\t20260120\t\t\n"
)

TABLES = (t.customers, t.invoices, t.payments, t.allocations, t.imports, t.events)


def counts(store: Store) -> tuple[int, ...]:
    with store.begin() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (*TABLES, tb.bank_transactions, tb.bank_suggestions)
        )


def damaged(original: bytes) -> st.SearchStrategy[bytes]:
    """The file cut short, a byte replaced, or a slice repeated: how files get damaged."""
    size = len(original)
    cut = st.integers(0, size).map(lambda n: original[:n])
    flip = st.tuples(st.integers(0, size - 1), st.integers(0, 255)).map(
        lambda p: original[: p[0]] + bytes([p[1]]) + original[p[0] + 1 :]
    )
    repeat = st.tuples(st.integers(0, size), st.integers(1, 40)).map(
        lambda p: original[: p[0]] + original[p[0] : p[0] + p[1]] * 2 + original[p[0] + p[1] :]
    )
    return st.one_of(cut, flip, repeat)


def check(data: bytes, name: str, importer: Callable[[Store, Path], list[FileReport]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "fuzz.sqlite"), create=True)
        try:
            path = Path(folder) / name
            path.write_bytes(data)
            before = counts(store)
            try:
                importer(store, path)
            except FormatError as error:
                assert name in str(error)
                assert counts(store) == before
        finally:
            store.engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(STATEMENT))
def test_a_damaged_bank_statement_is_imported_or_refused_whole(data: bytes) -> None:
    check(
        data,
        "releve.csv",
        lambda store, path: import_bank_statements(store, [path], as_of=date(2026, 4, 30)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(FEC))
def test_a_damaged_fec_is_imported_or_refused_whole(data: bytes) -> None:
    check(data, "fec.txt", lambda store, path: import_fec(store, [path]))


INVOICE_CSV = "number,customer,issue_date,due_date,currency,amount,tax,subject\n"
CUSTOMER_CSV = "ref,name,kind,country,language,email,phone,address,postal_code,city,iban\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    amounts=st.lists(st.integers(100, 50_000), min_size=1, max_size=6),
    payments=st.lists(
        st.tuples(
            st.integers(0, 7),
            st.integers(1, 60_000),
            st.sampled_from(("rf", "text", "iban", "none")),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_matching_through_the_database_never_over_allocates_or_loses_money(
    amounts: list[int], payments: list[tuple[int, int, str]]
) -> None:
    iban = "FR7630006000011234567890189"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = open_store(str(root / "p.sqlite"), create=True)
        try:
            (root / "c.csv").write_text(
                CUSTOMER_CSV + f"ACME,Acme SARL,business,FR,fr,,,,,,{iban}\n", encoding="utf-8"
            )
            numbers = [f"FA-{n:04d}" for n in range(len(amounts))]
            (root / "i.csv").write_text(
                INVOICE_CSV
                + "".join(
                    f"{number},ACME,2026-01-0{1 + n % 9},2026-02-0{1 + n % 9},EUR,"
                    f"{cents // 100}.{cents % 100:02d},0,x\n"
                    for n, (number, cents) in enumerate(zip(numbers, amounts, strict=True))
                ),
                encoding="utf-8",
            )
            import_ledger_csv(store, CsvKind.CUSTOMERS, root / "c.csv")
            import_ledger_csv(store, CsvKind.INVOICES, root / "i.csv")
            lines = []
            for k, (target, cents, how) in enumerate(payments):
                number = numbers[target % len(numbers)]
                amount = f"{cents // 100},{cents % 100:02d}"
                rf = creditor_reference(number) if how == "rf" else ""
                text = f"FACTURE {number}" if how == "text" else "VIREMENT"
                payer_iban = iban if how == "iban" else ""
                lines.append(f"10/03/2026;{text};{amount};ACME;{payer_iban};{rf};P{k}\n")
            statement = root / "s.csv"
            statement.write_text(
                "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n" + "".join(lines),
                encoding="utf-8",
            )
            (report,) = import_bank_statements(store, [statement], as_of=date(2026, 4, 1))
            assert report.matched + report.unmatched == len(payments)
            with store.begin() as conn:
                ledger = load_ledger(conn)
            assert ledger.customers[0].ibans == (iban,)  # the IBAN rule has what it needs
            # No invoice is paid beyond its amount.
            for invoice in ledger.invoices:
                assert not open_balance(ledger, invoice, date(2026, 4, 1)).is_negative
            # No payment gives more than it is worth; its allocations plus what stays
            # unapplied are the payment.
            for payment in ledger.payments:
                given_out = sum(
                    (a.amount for a in ledger.allocations if a.source == payment.key),
                    Money.zero("EUR"),
                )
                assert given_out <= payment.amount
                if payment.customer_ref is None:
                    assert not given_out  # queued payments settle nothing
        finally:
            store.engine.dispose()
