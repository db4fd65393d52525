"""The receivables ledger's records: creditor, customers, invoices, credit notes, payments
and the allocations that match them.

Every record is a frozen dataclass keyed by its business identifier (a customer's
reference, an invoice's number, a payment's key), never by a database id, so the core
can reason about a ledger without a database. What can be derived (an invoice's open
balance, its status) is never stored: see `relance.core.ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from relance.core.money import Money


class CustomerKind(StrEnum):
    """A business debtor owes penalties and the fixed indemnity; a consumer does not."""

    BUSINESS = "business"
    CONSUMER = "consumer"


class AllocationKind(StrEnum):
    """What reduces an invoice's open balance."""

    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    DISCOUNT = "discount"
    WRITE_OFF = "write_off"
    DEPOSIT = "deposit"  # a deposit invoice deducted on its final invoice (core/deposits.py)


class Civility(StrEnum):
    """How a person is addressed: "Madame" or "Monsieur" in French, the title in English."""

    MS = "ms"
    MRS = "mrs"
    MISS = "miss"
    MR = "mr"

    @property
    def feminine(self) -> bool:
        """True for the titles French renders as "Madame"."""
        return self is not Civility.MR


class WindowSide(StrEnum):
    """Which side of a DL window envelope the window is on, as the creditor's printer uses."""

    LEFT = "left"
    RIGHT = "right"


class InvoiceStatus(StrEnum):
    """Derived from an invoice's allocations, never stored."""

    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    WRITTEN_OFF = "written_off"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; `lines` are the street lines, the country an ISO 3166 alpha-2 code."""

    lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Creditor:
    """The user's company: who collects, and how it is to be paid."""

    name: str
    country: str
    currency: str
    language: str = "fr"
    address: Address = field(default_factory=Address)
    legal_form: str = ""
    capital: str = ""
    registration_id: str = ""  # SIREN/SIRET in France, company number elsewhere
    registration_city: str = ""  # RCS city in France
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    phone: str = ""
    email: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    logo_path: str = ""
    # The title in the other language (English for a French creditor), for letters in it.
    signatory_title_translated: str = ""
    # The envelope the letters are posted in; None: right in France (the usual French DL
    # envelope), left elsewhere (UK and US window envelopes).
    envelope_window: WindowSide | None = None

    @property
    def window_side(self) -> WindowSide:
        """The side every letter of a print batch puts the recipient's address on."""
        if self.envelope_window is not None:
            return self.envelope_window
        return WindowSide.RIGHT if self.country.upper() == "FR" else WindowSide.LEFT


@dataclass(frozen=True, slots=True)
class Customer:
    """A debtor of the creditor."""

    ref: str
    name: str
    kind: CustomerKind = CustomerKind.BUSINESS
    country: str = "FR"
    language: str = "fr"
    address: Address = field(default_factory=Address)
    email: str = ""
    phone: str = ""
    credit_limit: Money | None = None
    tags: tuple[str, ...] = ()
    registration_id: str = ""  # SIREN/SIRET or company number of a business customer
    vat_number: str = ""
    ibans: tuple[str, ...] = ()  # accounts the customer pays from, for matching
    policy: str | None = None  # a dunning policy assigned by name, else chosen by rule
    created: date | None = None
    # The person letters are addressed to: a consumer, or a business's contact, written as
    # on an envelope ("Jane Smith"); an English salutation uses its last word (the family
    # name: "Dear Ms Smith").
    contact_name: str = ""
    civility: Civility | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice; `amount` includes tax, `tax` is the tax part of it."""

    number: str
    customer_ref: str
    issue_date: date
    due_date: date
    amount: Money
    tax: Money
    subject: str = ""
    pdf_path: str = ""
    # delivery or completion of the goods or services, when known: limitation runs from it
    delivery_date: date | None = None

    @property
    def currency(self) -> str:
        """The invoice's currency."""
        return self.amount.currency


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A credit note (avoir); `invoice_number` names the invoice it settles, if any."""

    number: str
    customer_ref: str
    date: date
    amount: Money
    invoice_number: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received. `key` identifies it across imports (a bank transaction id or a
    digest of the imported row); `customer_ref` is None while the payer is unknown."""

    key: str
    date: date
    amount: Money
    customer_ref: str | None = None
    method: str = ""
    reference: str = ""
    payer: str = ""
    payer_iban: str = ""


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment, credit note, discount or write-off applied to one invoice.

    `source` is the payment's key or the credit note's number; for a discount or a
    write-off it names the decision that made it.
    """

    kind: AllocationKind
    source: str
    invoice_number: str
    amount: Money
    date: date
