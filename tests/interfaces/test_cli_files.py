"""`relance import fec|facturx|ubl|bank`, `relance unmatched`, `match`, `unmatch`, as a user
types them, on SQLite and PostgreSQL, read back as the user sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import write

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

UBL = Path(__file__).resolve().parents[1] / "data" / "formats" / "ubl"
STATEMENT = "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"


@pytest.fixture
def db(store: Store) -> str:
    """The `store` fixture's database (SQLite file or PostgreSQL schema) as --db."""
    return str(store.engine.url.render_as_string(hide_password=False))


def count(store: Store, table: object) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_import_fec_as_json_then_again_skipped(
    store: Store, db: str, samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fec = samples / "fec" / "111111111FEC20221231.TXT"
    assert run(["import", "fec", str(fec), "--db", db, "--json"]) == 0
    (result,) = [r["result"] for r in json.loads(capsys.readouterr().out)]
    assert result["format"] == "fec" and result["created"]["invoices"] == 100
    assert result["created"]["allocations"] == 71
    assert run(["import", "fec", str(fec), "--db", db]) == 0
    assert "skipped (already imported)" in capsys.readouterr().out
    assert count(store, t.invoices) == 100


def test_import_facturx_pdf_and_ubl_files(
    store: Store, db: str, samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = samples / "facturx" / "akretion_invoice_EN16931.pdf"
    assert run(["import", "facturx", str(pdf), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "akretion_invoice_EN16931.pdf (facturx): 1 read, added 1 customers, 1 invoices" in out
    assert run(["import", "ubl", str(UBL), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "invoice-2026-0042.xml (ubl)" in out and "creditnote-2026-0050.xml (ubl)" in out
    assert count(store, t.invoices) == 2 and count(store, t.credit_notes) == 1
    # A UBL file given as Factur-X is refused, naming it.
    assert run(["import", "facturx", str(UBL / "invoice-2026-0042.xml"), "--db", db]) == 3
    assert "not a facturx file" in capsys.readouterr().err


def test_import_bank_statements_of_every_format_in_one_command(
    store: Store, db: str, samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        samples / "camt" / "genkgo_camt053.v2.with-party-ids.xml",
        samples / "ofx" / "ofxparse_bank_medium.ofx",
        samples / "mt940" / "mt940_jejik_abnamro.sta",
        write(tmp_path / "export.csv", STATEMENT + "05/04/2026;VIR;12,00;X;;;C1\n"),
    ]
    assert run(["import", "bank", *map(str, files), "--db", db, "--as-of", "2026-04-15"]) == 0
    out = capsys.readouterr().out
    for name, fmt in (
        ("with-party-ids", "camt"), ("bank_medium", "ofx"), ("abnamro", "mt940"),
        ("export.csv", "bank_csv"),
    ):  # fmt: skip
        assert name in out and f"({fmt})" in out
    assert "to match by hand" in out
    stored = count(store, tb.bank_transactions)
    assert stored > 0
    assert run(["import", "bank", *map(str, files), "--db", db, "--dry-run"]) == 0
    assert capsys.readouterr().out.count("skipped (already imported)") == 4
    assert count(store, tb.bank_transactions) == stored


def test_a_malformed_statement_exits_3_naming_the_file_and_writes_nothing(
    store: Store, db: str, samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = samples / "camt" / "genkgo_camt053.v2.wrong.xml"
    assert run(["import", "bank", str(wrong), "--db", db]) == 3
    err = capsys.readouterr().err.replace("\n", "")
    assert "genkgo_camt053.v2.wrong.xml" in err and "Traceback" not in err
    assert count(store, tb.bank_transactions) == 0 and count(store, t.imports) == 0


def test_unmatched_then_match_by_hand_then_unmatch(
    store: Store, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "ubl", str(UBL), "--db", db]) == 0
    statement = write(
        tmp_path / "avril.csv",
        STATEMENT + "05/04/2026;VIR SEPA MARTIN;1 200,00;B MARTIN;;;TX-APRIL-5\n",
    )
    assert run(["import", "bank", str(statement), "--db", db, "--as-of", "2026-04-15"]) == 0
    capsys.readouterr()

    assert run(["unmatched", "--db", db, "--json"]) == 0
    (waiting,) = json.loads(capsys.readouterr().out)
    assert (waiting["amount"], waiting["payer"]) == ("1200.00", "B MARTIN")
    key = waiting["key"]

    # 1 230,00 invoiced less the 90,00 credit note: 1 140,00 owed, 60,00 more kept as credit.
    assert run(["match", key, "F-2026-0042", "--db", db]) == 0
    out = capsys.readouterr().out.replace("\u202f", " ").replace("\xa0", " ")
    assert "1 140,00" in out and "F-2026-0042" in out and "60,00" in out
    assert run(["unmatched", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    assert run(["match", key, "F-2026-0042", "--db", db]) == 1
    assert "run unmatch first" in capsys.readouterr().err

    assert run(["unmatch", key, "--db", db, "--reason", "wrong customer"]) == 0
    assert "back in the queue" in capsys.readouterr().out
    assert run(["unmatched", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("key,date,amount") and len(lines) == 2
    with store.begin() as conn:
        kinds = [k for (k,) in conn.execute(select(t.events.c.kind))]
    assert kinds.count("payment.matched") == 1 and kinds.count("payment.unmatched") == 1


def test_match_of_an_unknown_payment_says_so(
    store: Store, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["match", "NOPE", "F1", "--db", db]) == 4  # no such payment
    assert "no bank transaction or payment 'NOPE'" in capsys.readouterr().err


def test_rematch_after_the_invoices_arrive(
    store: Store, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = write(
        tmp_path / "mars.csv",
        STATEMENT + "30/03/2026;VIR FACTURE F-2026-0042;1 140,00;BOULANGERIE MARTIN;;;M1\n",
    )
    assert run(["import", "bank", str(statement), "--db", db, "--as-of", "2026-04-15"]) == 0
    assert run(["import", "ubl", str(UBL), "--db", db]) == 0
    capsys.readouterr()
    assert run(["rematch", "--db", db, "--as-of", "2026-04-15", "--dry-run"]) == 0
    assert "1 queued payment(s): would match 1, 0 still to match by hand" in capsys.readouterr().out
    assert run(["rematch", "--db", db, "--as-of", "2026-04-15"]) == 0
    assert "matched 1" in capsys.readouterr().out
    assert run(["unmatched", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_bad_file_among_several_stops_there_saying_what_was_imported_before(
    store: Store, db: str, samples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = samples / "mt940" / "mt940_jejik_ing.sta"
    bad = samples / "ofx" / "ofxparse_fail_nice_decimal_error.ofx"
    later = samples / "mt940" / "mt940_jejik_abnamro.sta"
    assert run(["import", "bank", str(good), str(bad), str(later), "--db", db]) == 3
    captured = capsys.readouterr()
    assert "mt940_jejik_ing.sta (mt940)" in captured.out
    assert "ofxparse_fail_nice_decimal_error.ofx" in captured.err.replace("\n", "")
    assert "abnamro" not in captured.out
    with store.begin() as conn:
        files = {f for (f,) in conn.execute(select(tb.bank_transactions.c.source_file))}
    assert files == {"mt940_jejik_ing.sta"}


def test_ignore_takes_a_payment_out_of_the_queue_with_its_reason(
    store: Store, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = write(
        tmp_path / "s.csv", STATEMENT + "05/04/2026;REMBOURSEMENT EDF;42,00;EDF;;;R1\n"
    )
    assert run(["import", "bank", str(statement), "--db", db]) == 0
    assert run(["ignore", "R1", "--db", db, "--reason", "refund from a supplier"]) == 0
    assert "R1: ignored (refund from a supplier)" in capsys.readouterr().out
    assert run(["unmatched", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(["ignore", "R1", "--db", db, "--reason", "again"]) == 1
    assert "not waiting in the queue" in capsys.readouterr().err
    with store.begin() as conn:
        reasons = [
            r
            for (r,) in conn.execute(
                select(t.events.c.reason).where(t.events.c.kind == "payment.ignored")
            )
        ]
    assert reasons == ["refund from a supplier"]


def test_unmatched_as_csv_gives_the_suggestions_in_one_readable_cell(
    store: Store, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "ubl", str(UBL / "invoice-2026-0042.xml"), "--db", db]) == 0
    # The amount of the invoice, a name like the customer's, but not alike enough to be sure.
    statement = write(tmp_path / "s.csv", STATEMENT + "05/04/2026;VIR;1 230,00;B. MARTINEZ;;;N1\n")
    assert run(["import", "bank", str(statement), "--db", db, "--as-of", "2026-04-15"]) == 0
    capsys.readouterr()
    assert run(["unmatched", "--db", db, "--csv"]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header == "key,date,amount,currency,payer,remittance,suggestions"
    assert line.startswith("N1,2026-04-05,1230.00,EUR,B. MARTINEZ,VIR,")
    assert "732829320: F-2026-0042 (same amount" in line
