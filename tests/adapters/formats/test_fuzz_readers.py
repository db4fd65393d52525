"""Fuzzing: on garbage or mutated real samples every reader returns records or raises
FormatError, nothing else (no crash, no half result: a reader returns all or raises)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.adapters.formats import bank_csv, camt, facturx, fec, mt940, ofx, ubl
from relance.adapters.formats.detect import detect
from relance.adapters.formats.errors import FormatError

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples")
UBL_DIR = Path(__file__).resolve().parents[2] / "data" / "formats" / "ubl"

READERS: dict[str, tuple[Callable[[Path], Any], Path | None]] = {
    "fec": (fec.extract, SAMPLES / "fec" / "111111111FEC20221231.TXT"),
    "camt": (camt.extract, SAMPLES / "camt" / "genkgo_camt053.v2.with-party-ids.xml"),
    "ofx": (ofx.extract, SAMPLES / "ofx" / "ofxparse_checking.ofx"),
    "mt940": (mt940.extract, SAMPLES / "mt940" / "mt940_betterplace_sepa_snippet.sta"),
    "facturx": (facturx.extract, SAMPLES / "facturx" / "akretion_factur-x-basic.xml"),
    "facturx_pdf": (facturx.extract, SAMPLES / "facturx" / "akretion_invoice_EN16931.pdf"),
    "ubl": (ubl.extract, UBL_DIR / "invoice-2026-0042.xml"),
    "bank_csv": (bank_csv.extract, None),
}
CSV_SAMPLE = (
    "Date;Montant;Libellé;Tiers;IBAN\n"
    "02/03/2026;1 234,56;FACTURE F-2026-0007;ACME;FR7630006000011234567890189\n"
    "03/03/2026;-12,50;FRAIS;;\n"
).encode()


def seed(name: str) -> bytes:
    path = READERS[name][1]
    if path is None:
        return CSV_SAMPLE
    if not path.is_file():
        pytest.skip(f"sample {path.name} absent: shared/samples is not beside the checkout")
    data = path.read_bytes()
    return data[:6000] if name == "fec" else data  # a few hundred FEC lines are enough


def run(name: str, data: bytes) -> None:
    reader = READERS[name][0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz.{name}"
        path.write_bytes(data)
        try:
            result = reader(path)
        except FormatError as error:
            assert str(error).startswith(str(path))
        else:
            assert result is not None
        detect(path)  # detection never fails either


STRANGE_NUMBERS = [b"9" * 40, b"1E+999999", b"NaN", b"Infinity", b"-", b",", b".", b"\x00", b"1e5"]


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """`original` with a few bytes changed, inserted or deleted, or cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut", "number"]))
        if action == "flip":
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        elif action == "cut":
            del data[at:]
        else:  # numbers are where parsers break: put a strange one where a digit was
            digits = [i for i, byte in enumerate(data) if 48 <= byte <= 57]
            if digits:
                at = digits[draw(st.integers(min_value=0, max_value=len(digits) - 1))]
                data[at : at + 1] = draw(st.sampled_from(STRANGE_NUMBERS))
    return bytes(data)


# RELANCE_FUZZ_EXAMPLES=2000 for a long run; the default keeps the suite quick.
SETTINGS = settings(
    max_examples=int(os.environ.get("RELANCE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", sorted(READERS))
@SETTINGS
@given(data=st.binary(max_size=2000))
def test_garbage_gives_a_format_error_or_nothing(name: str, data: bytes) -> None:
    run(name, data)


@pytest.mark.parametrize("name", sorted(READERS))
@SETTINGS
@given(data=st.data())
def test_mutated_samples_give_records_or_a_format_error(name: str, data: st.DataObject) -> None:
    run(name, data.draw(mutations(seed(name))))
