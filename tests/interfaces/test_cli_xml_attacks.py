"""Hostile XML in the files a user is sent: external entities (XXE) and entity expansion in
camt statements, UBL and CII invoices and the XML inside a Factur-X PDF are refused, each
with a message that says what was refused, and nothing is written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas as pdf_canvas

from relance.interfaces.cli.main import run

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
SECRET = "relance-secret-marker"
XXE = '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
LAUGHS = (
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
)
CAMT = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-04-02T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-04-02</Dt></BookgDt><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>
</RltdPties></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def _with(doctype: str, text: str, tag: str, entity: str) -> str:
    text = text.replace("?>\n", "?>\n" + doctype, 1)
    return re.sub(rf"(<{tag}>)(.*?)(</{tag}>)", rf"\g<1>{entity}\g<3>", text, count=1)


def _attack(kind: str, attack: str, tmp_path: Path, samples: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doctype = XXE.format(secret=secret) if attack == "xxe" else LAUGHS
    entity = "&xxe;" if attack == "xxe" else "&d;"
    if kind == "bank":
        path = tmp_path / "releve.xml"
        path.write_text(CAMT.format(doctype=doctype, name=entity))
        return path
    source = (DATA / "ubl" / "invoice-2026-0042.xml").read_text()
    xml = _with(doctype, source, "cbc:Name", entity)
    if kind == "ubl":
        path = tmp_path / "facture.xml"
        path.write_text(xml)
        return path
    sample = samples / "facturx" / "akretion_factur-x-en16931.xml"
    xml = _with(doctype, sample.read_text(encoding="utf-8-sig"), "ram:Name", entity)
    if kind == "cii":
        path = tmp_path / "facture-cii.xml"
        path.write_text(xml)
        return path
    page = io.BytesIO()
    canvas = pdf_canvas.Canvas(page)
    canvas.drawString(100, 700, "FACTURE")
    canvas.showPage()
    canvas.save()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(page.getvalue())))
    writer.add_attachment("factur-x.xml", xml.encode())
    path = tmp_path / "facture.pdf"
    writer.write(path)
    return path


@pytest.mark.parametrize("attack", ["xxe", "expansion"])
@pytest.mark.parametrize(
    ("kind", "command"),
    [("bank", "bank"), ("ubl", "ubl"), ("cii", "facturx"), ("pdf", "facturx")],
)
def test_hostile_xml_is_refused_saying_what_was_refused(
    tmp_path, capsys, samples, kind, command, attack
):
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Plomberie Durand"]) == 0
    path = _attack(kind, attack, tmp_path, samples)
    capsys.readouterr()
    assert run(["import", command, str(path), "--db", db]) == 3
    err = " ".join(capsys.readouterr().err.split())
    # before: "Internal error in XML Schema validation" or "no Factur-X XML embedded"
    assert "DOCTYPE: the XML declares entities in a DOCTYPE; relance refuses" in err
    assert SECRET not in err
    assert run(["imports", "--db", db, "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert run(["customers", "--db", db, "--json"]) == 0
    assert SECRET not in capsys.readouterr().out
