"""Specimen letters: a classic first reminder, for `relance template check`, previews, benchmarks.

The specimen chases invoice 12345 of 100 USD, due 1 January 2018, in a letter
dated 19 February 2018: 49 days late. A template is checked by rendering it for this
specimen, in its language, and running the compliance check on the result.
"""

from __future__ import annotations

from datetime import date

from relance.core.letter import ChargeLine, ComposeResult, PreviousLetter, Tone, compose_letter
from relance.core.model import Address, Creditor, Customer, CustomerKind, Invoice
from relance.core.money import Money

SPECIMEN_CREDITOR = Creditor(
    name="Atelier Durand SARL",
    country="FR",
    currency="EUR",
    language="fr",
    address=Address(lines=("12 rue des Tanneurs",), postal_code="69002", city="Lyon", country="FR"),
    legal_form="SARL",
    capital="10 000 €",
    registration_id="732829320",
    registration_city="Lyon",
    vat_number="FR44732829320",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPP",
    phone="+33 4 78 00 00 00",
    email="compta@atelier-durand.example",
    signatory_name="Claire Durand",
    signatory_title="Gérante",
)


def specimen_customer(kind: CustomerKind, language: str) -> Customer:
    """A debtor of the given kind who reads `language`: in Lyon in French; in English, in
    New York, like invoice 12345 in dollars (its letter then reads as American English)."""
    if language == "en":
        return Customer(
            ref="C042",
            name="Smith & Co" if kind is CustomerKind.BUSINESS else "Jane Smith",
            kind=kind,
            country="US",
            language=language,
            address=Address(("100 Main Street",), "10001", "New York", "US"),
            email="billing@smithco.example",
        )
    name = "Boulangerie Martin SAS" if kind is CustomerKind.BUSINESS else "Jeanne Lefèvre"
    return Customer(
        ref="C042",
        name=name,
        kind=kind,
        language=language,
        address=Address(
            lines=("Service comptabilité", "4 place Bellecour")
            if kind is CustomerKind.BUSINESS
            else ("4 place Bellecour",),
            postal_code="69002",
            city="Lyon",
            country="FR",
        ),
        email="compta@boulangerie-martin.example",
    )


def specimen_invoices(count: int = 1, currency: str = "USD") -> tuple[Invoice, ...]:
    """The specimen invoice 12345 (100 USD due 2018-01-01), then `count - 1` more like it."""
    first = Invoice(
        number="12345",
        customer_ref="C042",
        issue_date=date(2017, 12, 1),
        due_date=date(2018, 1, 1),
        amount=Money.of("100", currency),
        tax=Money.of("16.67", currency),
        subject="Website maintenance, December 2017",
    )
    more = tuple(
        Invoice(
            number=f"{12345 + n}",
            customer_ref="C042",
            issue_date=date(2017, 12, 1),
            due_date=date(2018, 1, 1 + n % 28),
            amount=Money.of(f"{100 + n}.50", currency),
            tax=Money.of("10", currency),
            subject=f"Supplies, batch {n}",
        )
        for n in range(1, count)
    )
    return (first, *more)


def specimen_letter(
    *,
    level: int = 1,
    tone: Tone = Tone.COURTEOUS,
    kind: CustomerKind = CustomerKind.BUSINESS,
    language: str = "en",
    invoice_count: int = 1,
    currency: str = "USD",
    template_key: str | None = None,
    reference: str = "A2018-0001",
    with_charges: bool = False,
) -> ComposeResult:
    """The specimen letter of 19 February 2018 at `level`, for a debtor of `kind`."""
    invoices = specimen_invoices(invoice_count, currency)
    charges = (
        (
            ChargeLine(
                "Fixed recovery indemnity" if language == "en" else "Indemnité forfaitaire",
                Money.of("40", currency),
                "C. com. L441-10, D441-5",
            ),
        )
        if with_charges
        else ()
    )
    kind_folder = kind.value
    key = template_key or (
        f"{kind_folder}/letter{level}" if level else f"{kind_folder}/informal_email"
    )
    return compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=specimen_customer(kind, language),
        invoices=invoices,
        balances={i.number: i.amount for i in invoices},
        as_of=date(2018, 2, 19),
        level=level,
        tone=tone,
        template_key=key,
        reference=reference,
        previous=(PreviousLetter(1, date(2018, 1, 15)), PreviousLetter(2, date(2018, 2, 1)))[
            : max(0, level - 1)
        ],
        charges=charges,
        registered=level >= 4,
        language=language,
    )
