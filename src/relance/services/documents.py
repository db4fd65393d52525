"""Invoice PDFs taken into relance's document store at import.

A path in a ledger file is trusted only once: at import, where the user is, the file is
read, checked (`relance.adapters.formats.pdf_document`) and copied into the store; from
then on letters attach the stored copy (`repository_documents.invoice_pdfs`), never a path.
A relative path in a CSV is read from the CSV's own folder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from relance.adapters.formats.errors import FormatError
from relance.adapters.storage.database import Connection
from relance.adapters.storage.repository_documents import store_document


def store_csv_pdf(conn: Connection, written: str, csv_file: Path, line: int) -> str:
    """Store the PDF an invoices CSV names on `line`; returns its SHA-256."""
    # pypdf is imported by the imports whose files name a PDF, not by every CSV import
    from relance.adapters.formats.pdf_document import read_pdf

    pdf = Path(written).expanduser()
    if not pdf.is_absolute():
        pdf = csv_file.parent / pdf
    data = read_pdf(pdf, source=csv_file, location=str(line), field="pdf")
    return store_document(
        conn, data, media_type="application/pdf", name=pdf.name, at=datetime.now(UTC)
    )


def store_facturx_pdf(conn: Connection, pdf: Path) -> str:
    """Store a Factur-X invoice's PDF, checked to be a PDF with its XML embedded."""
    from relance.adapters.formats.pdf_document import has_facturx_xml, read_pdf

    data = read_pdf(pdf, source=pdf, location="", field="pdf")
    if not has_facturx_xml(data):
        raise FormatError(pdf, "", "pdf", "no Factur-X / ZUGFeRD XML file embedded in the PDF")
    return store_document(
        conn, data, media_type="application/pdf", name=pdf.name, at=datetime.now(UTC)
    )
