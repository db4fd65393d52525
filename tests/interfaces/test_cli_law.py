"""The law commands as a user types them, on SQLite and PostgreSQL.

Atelier Durand imports Dupont SA (a French business) and Julie Martin (a consumer), with
a 10 000 EUR invoice paid 45 days late, an old unpaid one, and a consumer's invoice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

CUSTOMERS = "ref;name;kind;country\nDUP;Dupont SA;business;FR\nMARTIN;Julie Martin;consumer;FR\n"
INVOICES = """number;customer;issue_date;due_date;currency;amount;tax;delivery_date
F-10K;DUP;2025-05-16;2025-06-15;EUR;10000.00;1666.67;
F-OLD;DUP;2020-05-01;2020-05-31;EUR;1200.00;200.00;2020-04-20
F-C1;MARTIN;2025-03-01;2025-03-31;EUR;1200.00;200.00;
F-LONG;DUP;2025-01-10;2025-04-10;EUR;500.00;0;
"""
PAYMENTS = "date;customer;amount;currency;invoice\n2025-07-30;DUP;10000.00;EUR;F-10K\n"


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Atelier Durand"]) == 0
    for kind, text in (("customers", CUSTOMERS), ("invoices", INVOICES), ("payments", PAYMENTS)):
        path = write(tmp_path / f"{kind}.csv", text)
        assert run(["import", kind, str(path), "--db", url]) == 0
    return url


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_interest_on_an_invoice_shows_each_period_and_the_indemnity(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out(capsys)
    assert run(["interest", "F-10K", "--db", db, "--as-of", "2025-09-01", "--json"]) == 0
    report = json.loads(out(capsys))
    (claim,) = report["invoices"]
    # 10 000 × 13.15 % × 15 / 365 = 54.04 (H1 2025); 10 000 × 12.15 % × 30 / 365 = 99.86
    assert [(x["from"], x["to"], x["days"], x["rate"], x["amount"]) for x in claim["interest"]] == [
        ("2025-06-16", "2025-06-30", 15, "13.15", "54.04"),
        ("2025-07-01", "2025-07-30", 30, "12.15", "99.86"),
    ]
    assert [(c["kind"], c["amount"]) for c in claim["charges"]] == [
        ("interest", "153.90"),
        ("indemnity", "40.00"),
    ]
    assert report["totals"] == {"EUR": "193.90"}

    assert run(["interest", "F-10K", "--db", db, "--as-of", "2025-09-01"]) == 0
    table = out(capsys)
    assert "Invoice F-10K" in table and "54,04" in table and "40,00" in table
    assert "193,90" in table
    assert "montant" in table and "taux" in table  # the columns in the ledger's language


def test_a_consumer_notice_starts_interest_from_the_day_after(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["notice", "MARTIN", "--db", db, "--date", "2025-05-20"]) == 0
    out(capsys)
    assert run(["interest", "MARTIN", "--db", db, "--as-of", "2025-08-19", "--json"]) == 0
    report = json.loads(out(capsys))
    # 1 200 × 3.71 % × 41 / 365 = 5.00 and 1 200 × 2.76 % × 50 / 365 = 4.54; no indemnity
    assert report["rule_set"] == "fr_b2c"
    assert report["totals"] == {"EUR": "9.54"}


def test_limitation_lists_the_debt_about_to_expire_and_an_acknowledgement_restarts_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out(capsys)
    # F-OLD was delivered on 20 April 2020 (the CSV's delivery_date column): its 5-year
    # period runs from delivery, not from the due date of 31 May 2020 (Cass. com. 26 Feb 2020
    # n° 18-25.036; docs/law.md), and ends on 20 April 2025, 19 days after 1 April.
    assert run(["limitation", "--db", db, "--as-of", "2025-04-01", "--within", "90d",
                "--json"]) == 0  # fmt: skip
    rows = json.loads(out(capsys))
    assert [(r["invoice"], r["runs_from"], r["last_day"], r["days_left"]) for r in rows] == [
        ("F-OLD", "2020-04-20", "2025-04-20", 19)
    ]
    assert run(["acknowledge", "F-OLD", "--db", db, "--date", "2025-04-15",
                "--note", "signed acknowledgement"]) == 0  # fmt: skip
    assert "Recorded acknowledgement for F-OLD" in out(capsys)
    assert run(["limitation", "--db", db, "--as-of", "2025-04-16", "--json"]) == 0
    assert json.loads(out(capsys)) == []


def test_contract_terms_are_shown_and_changed(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out(capsys)
    assert run(["contract", "DUP", "--db", db, "--rate", "15", "--discount", "2/10 net 30",
                "--fee-per-letter", "15", "--json"]) == 0  # fmt: skip
    shown = json.loads(out(capsys))
    assert (shown["rate"], shown["discount"], shown["fee_per_letter"]) == (
        "15",
        "2/10 net 30",
        "15.00 EUR",
    )
    assert run(["contract", "DUP", "--db", db, "--rules", "atlantis"]) == 4  # no such rule set
    assert "atlantis" in capsys.readouterr().err


def test_writeoff_then_export_as_fec(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out(capsys)
    assert run(["writeoff", "F-OLD", "--db", db, "--reason", "time_barred",
                "--date", "2025-12-31"]) == 0  # fmt: skip
    # 1 200.00 incl. 200.00 VAT: 1 000.00 to 654, 200.00 back on 44571, 1 200.00 off 411
    assert "1000.00 EUR loss, 200.00 EUR VAT recovered" in " ".join(out(capsys).split())
    fec = tmp_path / "writeoffs.txt"
    assert run(["writeoff", "export", str(fec), "--db", db]) == 0
    assert "Wrote 1 write-off entries" in out(capsys)
    lines = fec.read_bytes().decode("iso-8859-15").splitlines()
    assert [line.split("\t")[4] for line in lines[1:]] == ["654", "44571", "411"]
    assert run(["invoices", "--db", db, "--as-of", "2026-01-01", "--json"]) == 0
    statuses = {row["number"]: row["status"] for row in json.loads(out(capsys))}
    assert statuses["F-OLD"] == "written_off"


def test_terms_check_flags_the_90_day_invoice(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out(capsys)
    assert run(["terms", "check", "--db", db, "--json"]) == 0
    rows = json.loads(out(capsys))
    # F-LONG: 10 Jan to 10 Apr 2025 is 90 days, beyond 60 days and 45 days end of month
    assert [(r["invoice"], r["term_days"], r["verdict"]) for r in rows] == [
        ("F-LONG", 90, "exceeds")
    ]


def test_a_discounted_payment_imported_within_the_window_settles_the_invoice(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["contract", "DUP", "--db", db, "--discount", "2/10 net 30"]) == 0
    invoice = write(
        tmp_path / "i2.csv",
        "number;customer;issue_date;due_date;amount\nF-D;DUP;2026-03-01;2026-03-31;1000.00\n",
    )
    # 2 % of 1 000 = 20: 980 paid on 11 March (1 March + 10 days) settles the invoice
    payment = write(
        tmp_path / "p2.csv", "date;customer;amount;invoice\n2026-03-11;DUP;980.00;F-D\n"
    )
    assert run(["import", "invoices", str(invoice), "--db", db]) == 0
    assert run(["import", "payments", str(payment), "--db", db]) == 0
    out(capsys)
    assert run(["invoices", "--db", db, "--as-of", "2026-03-12", "--json"]) == 0
    rows = {row["number"]: row for row in json.loads(out(capsys))}
    assert rows["F-D"]["status"] == "paid"


def test_interest_after_the_legal_rate_table_ends_prints_what_is_missing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["notice", "MARTIN", "--db", db, "--date", "2026-04-15"]) == 0
    out(capsys)
    # The French legal rate is known up to 30 June 2026: interest stops there, and the
    # command says which table lacks which day instead of printing a partial total as final.
    assert run(["interest", "MARTIN", "--db", db, "--as-of", "2026-08-01"]) == 0
    text = " ".join(out(capsys).split())
    assert "fr_legal_other" in text and "2026-07-01" in text


def test_a_consumer_cannot_be_given_a_business_rule_set(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["contract", "MARTIN", "--db", db, "--rules", "fr_b2b"]) != 0
    captured = capsys.readouterr()
    text = " ".join((captured.out + captured.err).split())
    assert "MARTIN" in text and "fr_b2b" in text and "consumer" in text
