"""camt.05x, OFX and MT940 readers on the real sample statements others wrote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from relance.adapters.formats import camt, mt940, ofx
from relance.adapters.formats.errors import FormatError
from relance.core.money import Money

Sample = Callable[[str], Path]


# -- camt.05x ------------------------------------------------------------------------------


def test_camt053_v2_credit_with_debtor_iban_and_structured_reference(sample: Sample) -> None:
    (credit,) = camt.extract(sample("camt/genkgo_camt053.v2.minimal.xml"))
    assert credit.amount == Money.of("8.85", "EUR")
    assert (credit.booking_date, credit.value_date) == (date(2014, 12, 31), date(2015, 1, 2))
    assert credit.payer_name == "NAME NAME"
    assert credit.payer_iban == "NL56AGDH9619008421"
    assert credit.structured_reference == "4654654654654654"
    assert credit.account == "NL26VAYB8060476890"
    assert credit.key.startswith("sha256:")  # no bank reference in this file: a digest


def test_camt053_v4_and_v8_namespaces_read_the_same_entry(sample: Sample) -> None:
    (v4,) = camt.extract(sample("camt/genkgo_camt053.v4.xml"))
    (v8,) = camt.extract(sample("camt/genkgo_camt053.v8.xml"))
    for entry in (v4, v8):
        assert entry.amount == Money.of("8.85", "EUR")
        assert entry.payer_name == "NAME NAME"  # under Dbtr/Pty/Nm in version 08
        assert entry.key == "NL26VAYB8060476890:AAAASESS-FP-CN_98765/01"
    assert v8.end_to_end_id == "MUELL/FINP/RA12345"


def test_camt053_with_two_statements_gives_a_credit_and_a_debit(sample: Sample) -> None:
    credit, debit = camt.extract(sample("camt/genkgo_camt053.v2.multi.statement.xml"))
    assert credit.amount == Money.of("8.85", "EUR")
    assert credit.remittance == "Transaction Description 1"
    assert debit.amount == Money.of("-7.00", "EUR")
    assert debit.payer_name == "Company Name 2"  # the other party of a debit: the creditor
    assert credit.key != debit.key


def test_camt052_and_camt054_are_read_too(sample: Sample) -> None:
    (report,) = camt.extract(sample("camt/genkgo_camt052.v2.xml"))
    assert report.amount == Money.of("-200000", "SEK")
    (notice,) = camt.extract(sample("camt/genkgo_camt054.v2.xml"))
    # Three details without their own amounts: one entry of 200 000, texts kept together.
    assert notice.amount == Money.of("-200000", "SEK")
    assert "V1" in notice.remittance and "V3 block 2" in notice.remittance


def test_camt_without_a_statement_is_refused(sample: Sample) -> None:
    with pytest.raises(FormatError) as caught:
        camt.extract(sample("camt/genkgo_camt053.v2.wrong.xml"))
    assert "genkgo_camt053.v2.wrong.xml" in str(caught.value)
    assert caught.value.field == "Stmt"


def test_camt_keys_are_stable_across_reads(sample: Sample) -> None:
    path = sample("camt/genkgo_camt053.v2.multi.statement.xml")
    assert [t.key for t in camt.extract(path)] == [t.key for t in camt.extract(path)]


CAMT_BATCH = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
<AcctSvcrRef>B-77</AcctSvcrRef><NtryDtls>
<TxDtls><Amt Ccy="EUR">100.00</Amt><RltdPties><Dbtr><Pty><Nm>ACME SARL</Nm></Pty></Dbtr>
<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Strd><CdtrRefInf><Ref>RF73INV20260042</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
<TxDtls><Amt Ccy="EUR">{second}</Amt><Refs><EndToEndId>E2E-2</EndToEndId></Refs>
<RmtInf><Ustrd>FACTURE F-2026-0007</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def test_camt_batch_booking_is_split_per_transaction(tmp_path: Path) -> None:
    path = tmp_path / "batch.xml"
    path.write_text(CAMT_BATCH.format(total="150.00", second="50.00"))
    first, second = camt.extract(path)
    assert (first.amount, second.amount) == (Money.of("100", "EUR"), Money.of("50", "EUR"))
    assert first.structured_reference == "RF73INV20260042"
    assert first.payer_iban == "DE89370400440532013000"
    assert second.remittance == "FACTURE F-2026-0007"
    assert second.end_to_end_id == "E2E-2"
    assert (first.key, second.key) == (
        "FR7630006000011234567890189:B-77/1",
        "FR7630006000011234567890189:B-77/2",
    )


def test_camt_bad_amount_names_the_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(CAMT_BATCH.format(total="150.00", second="5O.00"))
    with pytest.raises(FormatError) as caught:
        camt.extract(path)
    assert caught.value.field == "Amt"
    assert caught.value.location.startswith("Ntry #1")


def test_camt_truncated_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(CAMT_BATCH.format(total="150.00", second="50.00")[:400])
    with pytest.raises(FormatError, match="not well-formed XML") as caught:
        camt.extract(path)
    assert caught.value.location.isdigit()


# -- OFX -----------------------------------------------------------------------------------


def test_ofx_checking_statement_with_fitid_keys(sample: Sample) -> None:
    lines = ofx.extract(sample("ofx/ofxparse_checking.ofx"))
    assert len(lines) == 3
    dividend = lines[0]
    assert dividend.amount == Money.of("0.01", "USD")
    assert dividend.booking_date == date(2011, 3, 31)
    assert dividend.bank_reference == "0000486"
    assert dividend.key == "1452687~7:0000486"
    assert lines[1].amount == Money.of("-34.51", "USD")


@pytest.mark.parametrize(
    ("name", "count", "currency"),
    [
        ("ofxparse_anzcc.ofx", 1, "AUD"),  # credit card statement
        ("ofxparse_bank_medium.ofx", 3, "CAD"),
        ("ofxparse_suncorp.ofx", 1, "AUD"),
        ("ofxparse_multiple_accounts.ofx", 0, ""),
        ("ofxparse_bank_small.ofx", 0, ""),  # a sign-on answer without statement
    ],
)
def test_ofx_samples_read(sample: Sample, name: str, count: int, currency: str) -> None:
    lines = ofx.extract(sample(f"ofx/{name}"))
    assert len(lines) == count
    assert all(line.amount.currency == currency for line in lines)


def test_ofx_amount_with_a_dollar_sign_is_refused(sample: Sample) -> None:
    with pytest.raises(FormatError) as caught:
        ofx.extract(sample("ofx/ofxparse_fail_nice_decimal_error.ofx"))
    assert caught.value.field == "TRNAMT"
    assert "'$120'" in caught.value.reason
    assert "FITID 2000957249" in caught.value.location


def test_ofx_with_empty_tags_and_blank_lines_is_still_read(sample: Sample) -> None:
    # ofxparse 0.21 fails on this file; its one credit is perfectly readable.
    (line,) = ofx.extract(sample("ofx/ofxparse_ofx-v102-empty-tags.ofx"))
    assert line.amount == Money.of("12.34", "AUD")
    assert line.remittance == "CBA:Transfer"
    assert line.key.startswith("sha256:")  # empty FITID: a digest


def test_a_text_file_is_not_ofx(tmp_path: Path) -> None:
    path = tmp_path / "notes.ofx"
    path.write_text("hello")
    with pytest.raises(FormatError, match="not an OFX file"):
        ofx.extract(path)


# -- MT940 ---------------------------------------------------------------------------------


def test_mt940_german_sepa_fields_give_payer_iban_name_and_purpose(sample: Sample) -> None:
    lines = mt940.extract(sample("mt940/mt940_betterplace_sepa_snippet.sta"))
    assert len(lines) == 11
    first = lines[0]
    assert first.amount == Money.of("50990.05", "EUR")
    assert (first.booking_date, first.value_date) == (date(2007, 9, 4), date(2007, 9, 7))
    assert first.payer_name == "KARL KAUFMANN"
    assert first.payer_iban == "DE14508800500194785000"
    assert first.remittance == "Verw CTSc-01 BC-PPP TFNr 22 004"
    assert first.key == "50880050/0194791600888:0724710333343453"


def test_mt940_dutch_structured_86_gives_name_and_remittance(sample: Sample) -> None:
    lines = mt940.extract(sample("mt940/mt940_jejik_rabobank-iban.sta"))
    assert lines[1].payer_name == "JOHN DOE"
    assert lines[1].remittance == "Reference 201301234"
    assert lines[1].amount == Money.of("-10.00", "EUR")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("mt940_betterplace_sepa_mt9401.sta", 97),
        ("mt940_cmxl_mt940.sta", 16),
        ("mt940_jejik_abnamro.sta", 10),
        ("mt940_jejik_ing.sta", 7),
        ("mt940_jejik_postfinance.sta", 4),
        ("mt940_mBank_mt942.sta", 3),
    ],
)
def test_mt940_samples_read_with_unique_keys(sample: Sample, name: str, count: int) -> None:
    lines = mt940.extract(sample(f"mt940/{name}"))
    assert len(lines) == count
    assert len({line.key for line in lines}) == count  # repeated bank references suffixed


def test_mt940_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.sta"
    path.write_text(":20:REF\n:25:ACCOUNT\n:28C:1\n:60F:C260101EUR\n:61:garbage\n")
    with pytest.raises(FormatError):
        mt940.extract(path)


def test_a_long_camt_statement_streams_with_progress(tmp_path: Path) -> None:
    entry = (
        '<Ntry><Amt Ccy="EUR">{n}.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>R{n}</AcctSvcrRef></Ntry>"
    )
    body = "".join(entry.format(n=n) for n in range(1, 2501))
    path = tmp_path / "long.xml"
    path.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<Stmt><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>"
        f"{body}</Stmt></BkToCstmrStmt></Document>"
    )
    seen: list[int] = []
    lines = camt.extract(path, on_progress=seen.append)
    assert len(lines) == 2500
    # 1 + 2 + ... + 2500 = 2500 x 2501 / 2 = 3 126 250
    assert sum(line.amount.amount for line in lines) == 3_126_250
    assert seen[:2] == sorted(seen[:2]) and len(seen) >= 3
    assert seen[-1] == path.stat().st_size
