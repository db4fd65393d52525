"""What a declaration of claim (déclaration de créance) says: the claim as it stood on the
opening judgment's day, for the mandataire judiciaire (docs/prevention.md).

C. com. L622-25 asks for the amount due on the day of the judgment, the sums to fall due
stated apart with their due dates, and the documents that prove the claim (R622-23 asks
for their list). Interest stops running on the judgment's day (L622-28): it is counted to
that day, with the fixed indemnities of the late invoices. Only debts born before the
judgment are declared; a debt born after it is paid at its due date (L622-17) and stays
with ordinary collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from relance.core.insolvency import InsolvencyCase, declaration_deadline
from relance.core.model import Creditor, Customer, Invoice
from relance.core.money import Money, total


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One invoice of the claim: its open balance, due or to fall due on the judgment's
    day, and the interest and indemnity counted to that day."""

    invoice_number: str
    issue_date: date
    due_date: date
    subject: str
    principal: Money
    interest: Money
    indemnity: Money

    def falls_due_after(self, judgment: date) -> bool:
        """True when the invoice was not yet due on the judgment's day."""
        return self.due_date > judgment


@dataclass(frozen=True, slots=True)
class Declaration:
    """The declaration of one customer's claim, ready to be rendered and posted."""

    creditor: Creditor
    customer: Customer
    case: InsolvencyCase
    made_on: date
    deadline: date | None
    currency: str
    lines: tuple[ClaimLine, ...]
    documents: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what was left out of the claim, and why

    @property
    def due(self) -> tuple[ClaimLine, ...]:
        """The invoices due on the judgment's day."""
        return tuple(line for line in self.lines if not line.falls_due_after(self.case.opened))

    @property
    def to_fall_due(self) -> tuple[ClaimLine, ...]:
        """The invoices not yet due on the judgment's day (stated apart, with their dates)."""
        return tuple(line for line in self.lines if line.falls_due_after(self.case.opened))

    @property
    def due_principal(self) -> Money:
        """The principal due on the judgment's day."""
        return total((line.principal for line in self.due), self.currency)

    @property
    def to_fall_due_principal(self) -> Money:
        """The principal to fall due after it."""
        return total((line.principal for line in self.to_fall_due), self.currency)

    @property
    def interest(self) -> Money:
        """Interest counted to the judgment's day."""
        return total((line.interest for line in self.lines), self.currency)

    @property
    def indemnities(self) -> Money:
        """The fixed recovery indemnities of the invoices late on the judgment's day."""
        return total((line.indemnity for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        """The whole claim declared."""
        return self.due_principal + self.to_fall_due_principal + self.interest + self.indemnities


class NothingToDeclare(ValueError):
    """The customer owes nothing born before the opening judgment."""


def claim_lines(
    invoices: Iterable[tuple[Invoice, Money]],
    judgment: date,
    interest: Mapping[str, Money],
    indemnity: Mapping[str, Money],
) -> tuple[ClaimLine, ...]:
    """The lines of the claim: each invoice issued on or before the judgment's day with an
    open balance, with its interest and indemnity to that day (zero where none)."""
    lines = []
    for invoice, balance in sorted(invoices, key=lambda pair: (pair[0].due_date, pair[0].number)):
        if invoice.issue_date > judgment or not balance.is_positive:
            continue
        zero = Money.zero(invoice.currency)
        lines.append(
            ClaimLine(
                invoice.number, invoice.issue_date, invoice.due_date, invoice.subject, balance,
                interest.get(invoice.number, zero), indemnity.get(invoice.number, zero),
            )
        )  # fmt: skip
    return tuple(lines)


def supporting_documents(lines: Iterable[ClaimLine], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The list of documents sent with the declaration (bordereau des pièces, R622-23):
    a copy of each invoice, the statement of the account, and what else the user names."""
    found = [f"copie de la facture {line.invoice_number}" for line in lines]
    found.append("relevé de compte du débiteur à la date du jugement d'ouverture")
    found.extend(extra)
    return tuple(found)


def build_declaration(
    creditor: Creditor,
    customer: Customer,
    case: InsolvencyCase,
    made_on: date,
    lines: tuple[ClaimLine, ...],
    abroad: bool,
    extra_documents: Iterable[str] = (),
    notes: tuple[str, ...] = (),
) -> Declaration:
    """The declaration of `customer`'s claim in `case` made on `made_on`.

    Raises `NothingToDeclare` when no line is left, ValueError when the lines mix
    currencies (one declaration per currency would be needed)."""
    if not lines:
        raise NothingToDeclare(
            f"customer {customer.ref} owes nothing born before {case.opened.isoformat()}"
        )
    currencies = {line.principal.currency for line in lines}
    if len(currencies) > 1:
        raise ValueError(f"customer {customer.ref}: claim in several currencies {currencies}")
    deadline = None if case.published is None else declaration_deadline(case.published, abroad)
    return Declaration(
        creditor, customer, case, made_on, deadline, currencies.pop(), lines,
        supporting_documents(lines, extra_documents), notes,
    )  # fmt: skip
