"""UBL 2.1 Invoice and CreditNote reader (the Peppol / EN 16931 UBL syntax).

lxml parses the file safely, the `factur-x` library checks it against the UBL 2.1 XSD and
maps it to EN 16931 business terms, and `einvoice.read_einvoice` makes the records.
"""

from __future__ import annotations

from pathlib import Path

from relance.adapters.formats.einvoice import EInvoice, read_einvoice, safe_xml
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.xmlroot import root_of, split_tag

_NAMESPACES = (
    b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)


def identify(path: Path, head: bytes) -> bool:
    """True when the head of the file declares a UBL 2 Invoice or CreditNote."""
    if any(namespace in head for namespace in _NAMESPACES):
        return True
    return root_of(path, head)[0].encode() in _NAMESPACES


def extract(path: Path, *, payment_terms_days: int = 30) -> EInvoice:
    """The invoice or credit note in the UBL 2.1 file at `path` (FormatError when invalid)."""
    file = Path(path)
    root = safe_xml(file.read_bytes(), file)
    if split_tag(root.tag)[1] not in ("Invoice", "CreditNote"):
        raise FormatError(file, split_tag(root.tag)[1], "", "not a UBL Invoice or CreditNote")
    return read_einvoice(root, file, payment_terms_days=payment_terms_days)
