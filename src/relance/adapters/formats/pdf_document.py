"""An invoice PDF read for relance's document store, checked before it is kept.

The file is read once, at import: it must be a PDF that pypdf can open, with pages, not
encrypted (a letter appends its pages) and of a sane size; a Factur-X invoice must also
carry its XML as an embedded file. Anything else is a FormatError naming the file that
referred to it, the line or element, and the field.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from relance.adapters.formats.errors import FormatError

MAX_PDF_BYTES = 20 * 1024 * 1024
# the names the Factur-X, ZUGFeRD and XRechnung specifications give the embedded XML
FACTURX_NAMES = frozenset(
    {"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "ZUGFeRD-invoice.xml"}
)


def read_pdf(pdf: Path, *, source: str | Path, location: str, field: str) -> bytes:
    """The bytes of `pdf`, checked to be a PDF letters can append (FormatError otherwise,
    naming `source`, the file that referred to it, at `location`)."""

    def refuse(reason: str) -> FormatError:
        return FormatError(source, location, field, f"{pdf}: {reason}")

    if not pdf.is_file():
        raise refuse("no such file")
    if pdf.stat().st_size > MAX_PDF_BYTES:
        raise refuse(f"larger than {MAX_PDF_BYTES // (1024 * 1024)} MiB")
    data = pdf.read_bytes()
    if b"%PDF-" not in data[:1024]:
        raise refuse("not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise refuse("the PDF is encrypted; letters cannot append it")
        if not reader.pages:
            raise refuse("the PDF has no page")
    except (PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise refuse(f"not a readable PDF ({exc})") from exc
    return data


def embedded_facturx_xml(data: bytes) -> bytes | None:
    """The Factur-X / ZUGFeRD / XRechnung XML file a PDF embeds, as stored, or None."""
    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        for name in FACTURX_NAMES & set(attachments):
            return bytes(attachments[name][0])
    except (PdfReadError, PyPdfError, ValueError, KeyError, IndexError):
        return None
    return None


def has_facturx_xml(data: bytes) -> bool:
    """True when a PDF embeds a Factur-X / ZUGFeRD / XRechnung XML file."""
    return embedded_facturx_xml(data) is not None
