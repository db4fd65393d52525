"""The data of a request for a payment order (requête en injonction de payer, C. proc.
civ. art. 1405 to 1425), in the order the French forms ask it (docs/casefile.md).

Which court and form: a claim between two businesses goes to the president of the
tribunal de commerce (Cerfa n° 12946); any other (a consumer debtor) to the tribunal
judiciaire (Cerfa n° 12948). The court is the one of the place where the debtor lives
or has its seat (art. 1406); no contract clause changes it. The request states who asks
and against whom, the precise amount with the count of its parts and the basis of the
claim (art. 1407), and comes with the list of the supporting documents.

A payment order is for a claim that is certain, liquid and due (art. 1405): an invoice
the debtor disputes is not, so it is left out of the amount and named in a note for the
creditor to decide (a judge who sees a dispute rejects the request).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from relance.core.case_summary import ClaimSummary, InvoiceClaim
from relance.core.model import Creditor, Customer, CustomerKind
from relance.core.money import Money, total
from relance.core.pauses import Dispute

COMMERCIAL_FORM = ("12946", "tribunal de commerce", "Président du tribunal de commerce")
CIVIL_FORM = ("12948", "tribunal judiciaire", "Président du tribunal judiciaire")


@dataclass(frozen=True, slots=True)
class Party:
    """A party as the form names it."""

    name: str
    kind: str  # "business" or "consumer"
    registration_id: str
    address: tuple[str, ...]
    postal_code: str
    city: str
    country: str
    legal_form: str = ""
    vat_number: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class RequestDocument:
    """One supporting document, numbered as in the list sent with the request."""

    number: int
    description: str
    file: str  # its path in the case file


@dataclass(frozen=True, slots=True)
class PaymentOrderRequest:
    """What the request says, in the form's order."""

    form: str  # the Cerfa number
    court_kind: str
    addressed_to: str
    court_place: str  # the debtor's postal code and city: the court of that place
    creditor: Party
    debtor: Party
    basis: str
    invoices: tuple[InvoiceClaim, ...]
    principal: Money
    interest: Money
    interest_basis: str
    indemnity: Money
    costs: Money
    total: Money
    documents: tuple[RequestDocument, ...]
    as_of: date
    formal_notice: date | None  # the day the formal notice was received, if it was
    left_out: tuple[Dispute, ...] = ()  # disputed invoices, not in the amount


def party_of_creditor(creditor: Creditor) -> Party:
    """The creditor as the requesting party."""
    a = creditor.address
    return Party(
        creditor.name,
        "business",
        creditor.registration_id,
        a.lines,
        a.postal_code,
        a.city,
        creditor.country,
        creditor.legal_form,
        creditor.vat_number,
        creditor.email,
        creditor.phone,
    )


def party_of_debtor(customer: Customer) -> Party:
    """The debtor as the party the order is sought against."""
    a = customer.address
    return Party(
        customer.name,
        customer.kind.value,
        customer.registration_id,
        a.lines,
        a.postal_code,
        a.city,
        customer.country,
        "",
        customer.vat_number,
        customer.email,
        customer.phone,
    )


def disputed_on(disputes: Iterable[Dispute], as_of: date) -> dict[str, Dispute]:
    """The invoices under a dispute still open on `as_of`."""
    return {d.invoice_number: d for d in disputes if d.active(as_of)}


def payment_order_request(
    creditor: Creditor,
    customer: Customer,
    summary: ClaimSummary,
    disputes: Iterable[Dispute],
    documents: Sequence[tuple[str, str]],
    interest_basis: str,
    as_of: date,
    formal_notice: date | None = None,
) -> PaymentOrderRequest:
    """The request for the claim `summary` (one currency): the disputed invoices left out,
    `documents` (description, file) numbered in the given order, `formal_notice` the day
    the debtor received the formal notice (None when none is recorded)."""
    contested = disputed_on(disputes, as_of)
    kept = tuple(row for row in summary.invoices if row.number not in contested)
    currency = summary.currency

    def sum_of(field: str) -> Money:
        return total((getattr(row, field) for row in kept), currency)

    principal, interest = sum_of("open"), sum_of("interest")
    indemnity, costs = sum_of("indemnity"), sum_of("costs")
    form = COMMERCIAL_FORM if customer.kind is CustomerKind.BUSINESS else CIVIL_FORM
    left_out = tuple(
        d
        for number, d in sorted(contested.items())
        if any(row.number == number for row in summary.invoices)
    )
    numbers = ", ".join(row.number for row in kept)
    return PaymentOrderRequest(
        form[0],
        form[1],
        form[2],
        " ".join(p for p in (customer.address.postal_code, customer.address.city) if p),
        party_of_creditor(creditor),
        party_of_debtor(customer),
        f"unpaid invoices {numbers} for goods or services supplied" if kept else "",
        kept,
        principal,
        interest,
        interest_basis,
        indemnity,
        costs,
        principal + interest + indemnity + costs,
        tuple(RequestDocument(i, what, file) for i, (what, file) in enumerate(documents, 1)),
        as_of,
        formal_notice,
        left_out,
    )
