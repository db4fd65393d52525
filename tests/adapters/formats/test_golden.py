"""Each real sample read, compared with the expected output written beside it
(tests/data/formats/golden/), so any change in what a reader makes of a file shows.

RELANCE_UPDATE_GOLDEN=1 rewrites the expected files after a deliberate change; review the
diff before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from relance.adapters.formats import camt, facturx, fec, mt940, ofx
from relance.core.money import Money

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "formats" / "golden"
Sample = Callable[[str], Path]


def plain(value: Any) -> Any:
    """Records as JSON values: money as "12.34 EUR", dates ISO, paths by file name."""
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | Enum):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def compare(name: str, actual: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("RELANCE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no expected output {path.name}: run with RELANCE_UPDATE_GOLDEN=1"
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8"))


def without_paths(records: Any) -> Any:
    found = plain(records)
    if isinstance(found, dict) and found.get("invoice"):
        found["invoice"]["pdf_path"] = Path(found["invoice"]["pdf_path"]).name
    return found


BANK = [
    ("camt", camt.extract, "genkgo_camt052.v2.xml"),
    ("camt", camt.extract, "genkgo_camt053.v2.minimal.xml"),
    ("camt", camt.extract, "genkgo_camt053.v2.multi.statement.xml"),
    ("camt", camt.extract, "genkgo_camt053.v2.with-party-ids.xml"),
    ("camt", camt.extract, "genkgo_camt053.v4.xml"),
    ("camt", camt.extract, "genkgo_camt053.v8.xml"),
    ("camt", camt.extract, "genkgo_camt054.v2.xml"),
    ("ofx", ofx.extract, "ofxparse_anzcc.ofx"),
    ("ofx", ofx.extract, "ofxparse_bank_medium.ofx"),
    ("ofx", ofx.extract, "ofxparse_checking.ofx"),
    ("ofx", ofx.extract, "ofxparse_suncorp.ofx"),
    ("ofx", ofx.extract, "ofxparse_ofx-v102-empty-tags.ofx"),
    ("mt940", mt940.extract, "mt940_betterplace_sepa_snippet.sta"),
    ("mt940", mt940.extract, "mt940_cmxl_mt940.sta"),
    ("mt940", mt940.extract, "mt940_jejik_abnamro.sta"),
    ("mt940", mt940.extract, "mt940_jejik_ing.sta"),
    ("mt940", mt940.extract, "mt940_jejik_postfinance.sta"),
    ("mt940", mt940.extract, "mt940_jejik_rabobank-iban.sta"),
    ("mt940", mt940.extract, "mt940_mBank_mt942.sta"),
]


@pytest.mark.parametrize(("folder", "reader", "name"), BANK, ids=[b[2] for b in BANK])
def test_bank_statement_matches_its_expected_output(
    sample: Sample, folder: str, reader: Callable[[Path], Any], name: str
) -> None:
    compare(f"{folder}/{name}", plain(reader(sample(f"{folder}/{name}"))))


EINVOICES = [
    "akretion_invoice_EN16931.pdf",
    "akretion_factur-x-minimum.xml",
    "drafthorse_zugferd_2p3_EN16931_Einfach.xml",
    "drafthorse_zugferd_2p3_EN16931_Gutschrift.xml",
]


@pytest.mark.parametrize("name", EINVOICES)
def test_einvoice_matches_its_expected_output(sample: Sample, name: str) -> None:
    compare(f"facturx/{name}", without_paths(facturx.extract(sample(f"facturx/{name}"))))


@pytest.mark.parametrize("name", ["111111111FEC20221231.TXT", "000000000FEC20231231.txt"])
def test_fec_per_customer_summary_matches_its_expected_output(sample: Sample, name: str) -> None:
    ledger = fec.extract(sample(f"fec/{name}"))
    summary: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"invoices": 0, "invoiced": "0.00", "paid": "0.00", "credited": "0.00"}
    )

    def add(ref: str, key: str, amount: Money) -> None:
        summary[ref][key] = str(Decimal(summary[ref][key]) + amount.amount)

    for invoice in ledger.invoices:
        summary[invoice.customer_ref]["invoices"] += 1
        add(invoice.customer_ref, "invoiced", invoice.amount)
    for payment in ledger.payments:
        add(payment.customer_ref or "", "paid", payment.amount)
    for note in ledger.credit_notes:
        add(note.customer_ref, "credited", note.amount)
    allocated = sum((a.amount.amount for a in ledger.allocations), Decimal(0))
    compare(
        f"fec/{name}",
        {
            "lines": ledger.lines_read,
            "customers": {c.ref: c.name for c in ledger.customers},
            "per_customer": dict(sorted(summary.items())),
            "allocations": len(ledger.allocations),
            "allocated": str(allocated),
        },
    )
