"""What an EN 16931 e-invoice (Factur-X/ZUGFeRD CII or UBL 2.1) says, as ledger records.

The `factur-x` library reads both syntaxes into one dictionary keyed by the EN 16931
business terms (BT-1 invoice number, BT-2 issue date, BT-3 type code, BT-5 currency, BT-9
due date, BT-83 remittance information, BT-110 VAT total, BT-112 total with VAT, BT-113 paid
amount, BG-7 buyer...). This module turns that dictionary into an `Invoice` or a
`CreditNote` and the buyer as a `Customer`; `facturx.py` and `ubl.py` only find the XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import facturx as facturx_library
from lxml import etree

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import plain_decimal
from relance.adapters.formats.xmlroot import refuse_doctype, split_tag
from relance.core.iso_codes import check_currency
from relance.core.model import Address, CreditNote, Customer, Invoice
from relance.core.money import Money

# UNTDID 1001 document types that credit the buyer (EN 16931 allows these for BT-3).
CREDIT_NOTE_TYPES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


@dataclass(frozen=True, slots=True)
class EInvoice:
    """One e-invoice read: the buyer and either an invoice or a credit note."""

    customer: Customer
    invoice: Invoice | None
    credit_note: CreditNote | None
    payment_reference: str  # BT-83, what the buyer is asked to quote when paying
    payee_iban: str  # BT-84, the account the invoice asks to be paid to
    prepaid: Money  # BT-113, already paid when the invoice was issued
    type_code: str  # BT-3 (380 invoice, 381 credit note...)
    profile: str  # BT-24, the specification identifier (Factur-X level, CIUS)
    source_file: str


def safe_xml(raw: bytes, file: Path) -> etree._Element:
    """Parse XML without entities, DTDs or network access (e-invoices come from outside);
    a file declaring a DOCTYPE is refused, saying so (`xmlroot.refuse_doctype`)."""
    refuse_doctype(raw[:65536], file)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(file, str(exc.lineno), "", f"not well-formed XML: {exc.msg}") from exc
    if root is None:
        raise FormatError(file, "line 1", "", "empty XML document")
    return root


def _money(data: dict[str, Any], term: str, currency: str, file: Path, required: bool) -> Money:
    raw = data.get(term)
    if raw in (None, ""):
        if required:
            raise FormatError(file, term, term, "amount missing")
        return Money.zero(currency)
    try:
        value = plain_decimal(str(raw))
    except ValueError as exc:
        raise FormatError(file, term, term, f"not an amount: {raw!r}") from exc
    return Money(value, currency)


def _date(data: dict[str, Any], term: str, file: Path) -> date | None:
    raw = data.get(term)
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError as exc:
        raise FormatError(file, term, term, f"not a date: {raw!r}") from exc


def _subject(data: dict[str, Any]) -> str:
    """The first invoice note without a subject code (BG-1/BT-22), as the invoice's subject."""
    notes = data.get("BG-1")
    for note in notes if isinstance(notes, list) else []:
        if isinstance(note, dict) and note.get("BT-22") and not note.get("BT-21"):
            return " ".join(str(note["BT-22"]).split())[:200]
    return ""


def _buyer(data: dict[str, Any]) -> Customer:
    buyer = data.get("BG-7") or {}
    if not isinstance(buyer, dict):
        buyer = {}
    identifiers = buyer.get("identifiers") or {}
    ids = [str(v) for v in identifiers.values()] if isinstance(identifiers, dict) else []
    name = str(buyer.get("name") or "")
    # The buyer's legal id (SIREN...) is the most stable key, then VAT number, then any id.
    ref = str(
        buyer.get("legal_identifier")
        or (ids[0] if ids else "")
        or buyer.get("vat_identifier")
        or name
    )
    contacts = buyer.get("contacts")
    contact = contacts[0] if isinstance(contacts, list) and contacts else {}
    email = contact.get("email") if isinstance(contact, dict) else ""
    lines = tuple(str(buyer[k]) for k in ("addr_l1", "addr_l2", "addr_l3") if buyer.get(k))
    return Customer(
        ref=ref,
        name=name or ref,
        country=str(buyer.get("country_code") or "FR"),
        address=Address(
            lines=lines,
            postal_code=str(buyer.get("postcode") or ""),
            city=str(buyer.get("city") or ""),
            country=str(buyer.get("country_code") or ""),
        ),
        email=str(email or ""),
        registration_id=str(buyer.get("legal_identifier") or ""),
        vat_number=str(buyer.get("vat_identifier") or ""),
    )


def _business_terms(root: etree._Element, file: Path) -> dict[str, Any]:
    """The invoice's business terms by number (BT-1...), checked against its XSD."""
    try:
        data = facturx_library.parse_ubl_cii_xml(root, check_xsd=True)
    except Exception as exc:  # the library raises plain Exceptions for every kind of fault
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise FormatError(
            file, split_tag(root.tag)[1], "", f"not a valid e-invoice: {reason}"
        ) from exc
    if not isinstance(data, dict):
        raise FormatError(file, "", "", "not a valid e-invoice")
    return data


def _settled_invoice(data: dict[str, Any]) -> str | None:
    """The invoice a credit note settles: the first preceding invoice it names (BG-3)."""
    preceding = data.get("BG-3")
    first = preceding[0] if isinstance(preceding, list) and preceding else preceding
    return str(first.get("BT-25")) if isinstance(first, dict) and first.get("BT-25") else None


def read_einvoice(
    root: etree._Element,
    file: Path,
    *,
    pdf_path: str = "",
    payment_terms_days: int = 30,
) -> EInvoice:
    """The records an EN 16931 invoice or credit note (CII or UBL tree) describes.

    The XML is checked against its XSD by the factur-x library first; any failure is a
    FormatError naming the file, the business term and the reason.
    """
    data = _business_terms(root, file)
    number = str(data.get("BT-1") or "").strip()
    if not number:
        raise FormatError(file, "BT-1", "BT-1", "invoice number missing")
    try:
        currency = check_currency(str(data.get("BT-5") or ""))
    except ValueError as exc:
        raise FormatError(file, "BT-5", "BT-5", str(exc)) from exc
    issued = _date(data, "BT-2", file)
    if issued is None:
        raise FormatError(file, "BT-2", "BT-2", "issue date missing")
    total = _money(data, "BT-112", currency, file, required=True)
    tax = _money(data, "BT-110", currency, file, required=False)
    customer = _buyer(data)
    type_code = str(data.get("BT-3") or "380")
    invoice = credit_note = None
    if type_code in CREDIT_NOTE_TYPES or total.is_negative:
        credit_note = CreditNote(
            number=number,
            customer_ref=customer.ref,
            date=issued,
            amount=Money(abs(total.amount), currency),
            invoice_number=_settled_invoice(data),
        )
    else:
        due = _date(data, "BT-9", file) or issued + timedelta(days=payment_terms_days)
        invoice = Invoice(
            number=number,
            customer_ref=customer.ref,
            issue_date=issued,
            due_date=due,
            amount=total,
            tax=tax,
            subject=_subject(data),
            pdf_path=pdf_path,
            delivery_date=_date(data, "BT-72", file),  # actual delivery date, if given
        )
    return EInvoice(
        customer=customer,
        invoice=invoice,
        credit_note=credit_note,
        payment_reference=str(data.get("BT-83") or ""),
        payee_iban=str(data.get("BT-84") or "").replace(" ", ""),
        prepaid=_money(data, "BT-113", currency, file, required=False),
        type_code=type_code,
        profile=str(data.get("BT-24") or ""),
        source_file=file.name,
    )
