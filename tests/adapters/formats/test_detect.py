"""Format detection from content, never from the file's name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relance.adapters.formats.detect import (
    Format,
    Kind,
    detect,
    files_in,
    reader_for,
)
from relance.adapters.formats.errors import FormatError

Sample = Callable[[str], Path]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fec/111111111FEC20221231.TXT", Format.FEC),
        ("fec/000000000FEC20231231.txt", Format.FEC),
        ("camt/genkgo_camt053.v8.xml", Format.CAMT),
        ("camt/genkgo_camt054.v2.xml", Format.CAMT),
        ("facturx/akretion_invoice_EN16931.pdf", Format.FACTURX),
        ("facturx/akretion_factur-x-minimum.xml", Format.FACTURX),
        # A long comment pushes the namespace past the first bytes: the root element decides.
        ("facturx/drafthorse_zugferd_2p3_BASIC_Einfach.xml", Format.FACTURX),
        ("ofx/ofxparse_checking.ofx", Format.OFX),
        ("ofx/ofxparse_ofx-v102-empty-tags.ofx", Format.OFX),
        ("mt940/mt940_jejik_ing.sta", Format.MT940),
        ("mt940/mt940_mBank_mt942.sta", Format.MT940),
    ],
)
def test_each_sample_is_recognised(sample: Sample, name: str, expected: Format) -> None:
    reader = detect(sample(name))
    assert reader is not None
    assert reader.format is expected


def test_content_decides_not_the_name(sample: Sample, tmp_path: Path) -> None:
    disguised = tmp_path / "statement.csv"
    disguised.write_bytes(sample("mt940/mt940_jejik_ing.sta").read_bytes())
    assert reader_for(disguised, Kind.BANK).extract(disguised)[0].amount.currency == "EUR"


def test_ubl_and_csv_statements_are_recognised(tmp_path: Path) -> None:
    ubl = Path(__file__).resolve().parents[2] / "data" / "formats" / "ubl" / "invoice-2026-0042.xml"
    assert reader_for(ubl).format is Format.UBL
    csv = tmp_path / "export.txt"
    csv.write_text("Date;Montant;Libellé\n01/02/2026;10,00;x\n")
    assert reader_for(csv, Kind.BANK).format is Format.BANK_CSV


def test_unknown_or_unexpected_files_are_refused(sample: Sample, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("nothing to see")
    with pytest.raises(FormatError, match="not recognised"):
        reader_for(notes)
    with pytest.raises(FormatError, match="not a bank file"):
        reader_for(sample("fec/000000000FEC20231231.txt"), Kind.BANK)


def test_folders_are_walked_in_order_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.xml").write_text("x")
    (tmp_path / "1.sta").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    single = tmp_path / "single.ofx"
    found = list(files_in([tmp_path]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["1.sta", "b/2.xml"]
    assert list(files_in([single])) == [single]
