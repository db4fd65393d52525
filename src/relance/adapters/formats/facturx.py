"""Factur-X / ZUGFeRD reader: a PDF/A-3 with its embedded CII XML, or the bare CII XML.

The `factur-x` library finds the embedded file (factur-x.xml, zugferd-invoice.xml,
ZUGFeRD-invoice.xml, xrechnung.xml) and reads it; `einvoice.read_einvoice` makes the records.
The invoice keeps the PDF's path, so letters can attach the very invoice the customer got.
"""

from __future__ import annotations

from pathlib import Path

import facturx as facturx_library

from relance.adapters.formats.einvoice import EInvoice, read_einvoice, safe_xml
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.pdf_document import embedded_facturx_xml
from relance.adapters.formats.xmlroot import root_of

_CII = b"CrossIndustryInvoice"


def identify(path: Path, head: bytes) -> bool:
    """True for a PDF (whose attachment is checked on extract) or a CII invoice XML."""
    if head.startswith(b"%PDF") or _CII in head:
        return True
    return root_of(path, head)[1] == "CrossIndustryInvoice"


def extract(path: Path, *, payment_terms_days: int = 30) -> EInvoice:
    """The invoice or credit note in the Factur-X PDF or CII XML at `path`.

    Raises FormatError when the PDF carries no e-invoice or the XML is not a valid one.
    """
    file = Path(path)
    raw = file.read_bytes()
    pdf_path = ""
    if raw.startswith(b"%PDF"):
        try:
            _name, xml = facturx_library.get_xml_from_pdf(raw, check_xsd=False)
        except Exception as exc:  # pypdf and factur-x raise many kinds on a broken PDF
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise FormatError(file, "PDF", "", f"not a readable PDF: {reason}") from exc
        # The library gives nothing back when it refuses the XML it found (a DOCTYPE, say):
        # the attachment is then read as it is, so the error says what was refused.
        xml = xml or embedded_facturx_xml(raw)
        if not xml:
            raise FormatError(file, "PDF", "attachment", "no Factur-X/ZUGFeRD XML embedded")
        raw, pdf_path = xml, str(file)
    root = safe_xml(raw, file)
    return read_einvoice(root, file, pdf_path=pdf_path, payment_terms_days=payment_terms_days)
