"""Invoice PDFs are taken into relance's document store at import, and letters attach only
what the store holds: a path in a spreadsheet can no longer crash `send` or slip another
file into a debtor's letter."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfgen import canvas as pdf_canvas
from sqlalchemy import update
from tests.conftest import write

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_documents import invoice_pdfs
from relance.core.model import Creditor
from relance.services.file_import import import_einvoices
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

HEADER = "numero;client;date;echeance;montant;pdf\n"


def a_pdf(path: Path, text: str) -> Path:
    canvas = pdf_canvas.Canvas(str(path))
    canvas.drawString(100, 700, text)
    canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def ledger(store: Store, tmp_path: Path) -> Store:
    init_creditor(store, Creditor("Plomberie Durand", "FR", "EUR"))
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", "ref;nom\nDUP;Dupont\n"))
    return store


def stored(store: Store, number: str) -> bytes | None:
    with store.begin() as conn:
        return invoice_pdfs(conn, [number]).get(number)


def test_a_pdf_column_naming_a_file_that_is_not_a_pdf_is_refused_at_import(
    ledger: Store, tmp_path: Path
):
    # before: imported, then `send` crashed on every run (rc 1, the whole batch stopped)
    write(tmp_path / "notes.txt", "not a pdf at all")
    path = write(tmp_path / "f.csv", HEADER + "F-1;DUP;01/09/2026;01/10/2026;100,00;notes.txt\n")
    with pytest.raises(FormatError) as refused:
        import_ledger_csv(ledger, CsvKind.INVOICES, path)
    assert str(refused.value) == f"{path}:2: pdf: {tmp_path / 'notes.txt'}: not a PDF file"
    missing = write(tmp_path / "g.csv", HEADER + "F-1;DUP;01/09/2026;01/10/2026;100,00;nope.pdf\n")
    with pytest.raises(FormatError, match=r"g.csv:2: pdf: .*nope.pdf: no such file"):
        import_ledger_csv(ledger, CsvKind.INVOICES, missing)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage that no reader can parse")
    bad = write(tmp_path / "h.csv", HEADER + "F-1;DUP;01/09/2026;01/10/2026;100,00;broken.pdf\n")
    with pytest.raises(FormatError, match=r"h.csv:2: pdf: .*broken.pdf: not a readable PDF"):
        import_ledger_csv(ledger, CsvKind.INVOICES, bad)


def test_the_letter_attaches_the_copy_taken_at_import_not_the_file_on_disk(
    ledger: Store, tmp_path: Path
):
    invoice = a_pdf(tmp_path / "F-1.pdf", "FACTURE F-1 Dupont")
    path = write(tmp_path / "f.csv", HEADER + "F-1;DUP;01/09/2026;01/10/2026;100,00;F-1.pdf\n")
    import_ledger_csv(ledger, CsvKind.INVOICES, path)
    kept = invoice.read_bytes()
    # the file on disk is replaced by another customer's invoice, then removed
    a_pdf(invoice, "FACTURE F-9 another customer")
    assert stored(ledger, "F-1") == kept
    invoice.unlink()
    assert stored(ledger, "F-1") == kept


def test_a_path_written_into_the_ledger_by_hand_is_never_attached(ledger: Store, tmp_path: Path):
    path = write(
        tmp_path / "f.csv", HEADER.replace(";pdf", "") + "F-1;DUP;01/09/2026;01/10/2026;100,00\n"
    )
    import_ledger_csv(ledger, CsvKind.INVOICES, path)
    secret = a_pdf(tmp_path / "payslip.pdf", "PAYSLIP")
    with ledger.begin() as conn:
        conn.execute(update(t.invoices).values(pdf_path=str(secret)))
    assert stored(ledger, "F-1") is None


def test_a_factur_x_pdf_is_kept_in_the_store(ledger: Store, samples: Path, tmp_path: Path):
    pdf = samples / "facturx" / "akretion_invoice_EN16931.pdf"
    if not pdf.is_file():
        pytest.skip("sample absent")
    (report,) = import_einvoices(ledger, [pdf])
    assert report.created["invoices"] == 1
    with ledger.begin() as conn:
        (row,) = conn.execute(t.invoices.select()).mappings().all()
        assert invoice_pdfs(conn, [row["number"]])[row["number"]] == pdf.read_bytes()
