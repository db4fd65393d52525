"""Claimable charges on a late invoice, kept apart from its principal.

What a creditor may add to an unpaid invoice: late interest (see `relance.core.interest`),
the fixed recovery indemnity (40 EUR in France and the EU; 40, 70 or 100 GBP in the UK by
debt size), and contractual fees per late invoice or per reminder letter. Each is a
`Charge` of its own kind, never added into the invoice's amount, so that a letter can list
principal, interest and indemnity separately (as CPCE R124-4 requires of an agency) and a
payment can be matched against each.

Against a consumer in France, amicable-collection costs stay with the creditor (CPCE
L111-8): rule sets with `fees_allowed` false refuse contractual fees, with a problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.interest import InterestBreakdown, interest_breakdown
from relance.core.jurisdiction import Contract, Jurisdictions, RuleSet
from relance.core.ledger import Ledger
from relance.core.model import Allocation, Creditor, Invoice
from relance.core.money import Money, total
from relance.core.rates import RateBook


class ChargeKind(StrEnum):
    """What a claimable item is, in the order a letter lists them."""

    INTEREST = "interest"
    INDEMNITY = "indemnity"  # fixed recovery compensation, per late invoice
    INVOICE_FEE = "invoice_fee"  # contractual fee per late invoice
    LETTER_FEE = "letter_fee"  # contractual fee per reminder letter


@dataclass(frozen=True, slots=True)
class Charge:
    """One claimable item; `invoice_number` is None for a fee that belongs to a letter."""

    kind: ChargeKind
    invoice_number: str | None
    amount: Money
    basis: str  # why it is owed, for the letter: the text and article, or the contract
    interest: InterestBreakdown | None = None  # the breakdown behind an interest charge


@dataclass(frozen=True, slots=True)
class Charges:
    """The charges claimable on one invoice as of a date, and what stopped any of them."""

    invoice_number: str
    currency: str
    as_of: date
    items: tuple[Charge, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def total(self) -> Money:
        """Sum of the charges (the invoice's principal is not in it)."""
        return total((c.amount for c in self.items), self.currency)

    def of_kind(self, kind: ChargeKind) -> tuple[Charge, ...]:
        """The items of one kind."""
        return tuple(c for c in self.items if c.kind is kind)

    @property
    def interest(self) -> InterestBreakdown | None:
        """The interest breakdown, when interest is claimed."""
        found = self.of_kind(ChargeKind.INTEREST)
        return found[0].interest if found else None


def was_paid_late(invoice: Invoice, allocations: Iterable[Allocation], as_of: date) -> bool:
    """True when something was still owed at the end of the due date and `as_of` is later.

    That is what makes an invoice "late" for the fixed indemnity: it stays owed once due,
    even if the invoice is paid afterwards (C. com. L441-10 II: per invoice paid late).
    """
    if as_of <= invoice.due_date:
        return False
    settled = total(
        (
            a.amount
            for a in allocations
            if a.invoice_number == invoice.number and a.date <= invoice.due_date
        ),
        invoice.currency,
    )
    return (invoice.amount - settled).is_positive


def claimable_charges(
    invoice: Invoice,
    allocations: Sequence[Allocation],
    rules: RuleSet,
    rates: RateBook,
    as_of: date,
    contract: Contract | None = None,
) -> Charges:
    """Interest, fixed indemnity and contractual per-invoice fee on `invoice` as of `as_of`.

    Interest is included when it is positive. The indemnity (or a contractual fee per late
    invoice, whichever is higher where the law gives a minimum) is owed once per invoice
    still unpaid after its due date. Raises `MissingRate` when a needed rate is unknown.
    """
    terms = contract if contract is not None else Contract()
    items: list[Charge] = []
    problems: list[str] = []

    breakdown = interest_breakdown(invoice, allocations, rules, rates, as_of, terms)
    problems.extend(breakdown.problems)
    if breakdown.total.is_positive:
        basis = f"late interest, {rules.title}"
        if terms.rate is not None:
            basis = f"late interest at the contractual rate, {rules.title}"
        items.append(Charge(ChargeKind.INTEREST, invoice.number, breakdown.total, basis, breakdown))

    if was_paid_late(invoice, allocations, as_of):
        statutory = None if terms.waive_indemnity else rules.indemnity_for(invoice.amount)
        fee = terms.fee_per_invoice
        if fee is not None and not rules.fees_allowed:
            problems.append(
                f"a contractual fee of {fee} is not claimable under {rules.title}: "
                f"amicable collection costs stay with the creditor"
            )
            fee = None
        if fee is not None and fee.currency != invoice.currency:
            problems.append(f"contractual fee {fee} is not in the invoice's currency")
            fee = None
        if statutory is not None and (fee is None or fee <= statutory):
            items.append(
                Charge(ChargeKind.INDEMNITY, invoice.number, statutory, _indemnity_basis(rules))
            )
        elif fee is not None:
            items.append(
                Charge(ChargeKind.INVOICE_FEE, invoice.number, fee, "contractual fee per invoice")
            )
    return Charges(invoice.number, invoice.currency, as_of, tuple(items), tuple(problems))


def _indemnity_basis(rules: RuleSet) -> str:
    if rules.indemnity_reference:
        return rules.indemnity_reference
    for source in rules.sources:
        lowered = source.lower()
        if "indemnity" in lowered or "fixed sum" in lowered or "recovery costs" in lowered:
            return source
    return f"fixed recovery indemnity, {rules.title}"


def letter_fee(
    letters_sent: int, rules: RuleSet, contract: Contract | None, currency: str
) -> Charge | None:
    """The contractual fee for `letters_sent` reminder letters, None when there is none.

    A fee per letter belongs to the letter, not to one invoice: claim it once per letter
    whatever the number of invoices it lists.
    """
    if contract is None or contract.fee_per_letter is None or letters_sent <= 0:
        return None
    if not rules.fees_allowed or contract.fee_per_letter.currency != currency:
        return None
    return Charge(
        ChargeKind.LETTER_FEE,
        None,
        contract.fee_per_letter * letters_sent,
        f"contractual fee of {contract.fee_per_letter} per letter × {letters_sent}",
    )


@dataclass(frozen=True, slots=True)
class PaymentSplit:
    """How one payment is applied to a claim: each charge, then the principal, then excess."""

    to_charges: tuple[tuple[Charge, Money], ...]
    to_principal: Money
    excess: Money  # more than the whole claim: unapplied credit for the customer

    @property
    def total(self) -> Money:
        """Everything the split accounts for; always equal to the payment."""
        return total((money for _, money in self.to_charges), self.to_principal.currency) + (
            self.to_principal + self.excess
        )


def split_payment(
    payment: Money, principal: Money, charges: Sequence[Charge], charges_first: bool = True
) -> PaymentSplit:
    """Apply a payment to a claim, cent for cent, nothing created or lost.

    With `charges_first` (C. civ. 1343-1: a partial payment goes to interest before
    principal) the charges are paid in their order, then the principal; otherwise the
    principal first. Whatever exceeds the claim is returned as `excess`.
    """
    currency = payment.currency
    remaining = payment
    paid_charges: list[tuple[Charge, Money]] = []

    def take(owed: Money) -> Money:
        nonlocal remaining
        part = owed if owed <= remaining else remaining
        part = part if part.is_positive else Money.zero(currency)
        remaining = remaining - part
        return part

    to_principal = Money.zero(currency)
    if not charges_first:
        to_principal = take(principal)
    for charge in charges:
        paid_charges.append((charge, take(charge.amount)))
    if charges_first:
        to_principal = take(principal)
    return PaymentSplit(tuple(paid_charges), to_principal, remaining)


def customer_charges(
    ledger: Ledger,
    creditor: Creditor,
    customer_ref: str,
    jurisdictions: Jurisdictions,
    rates: RateBook,
    as_of: date,
    contract: Contract | None = None,
) -> tuple[Charges, ...]:
    """Charges on every invoice of one customer that was late by `as_of`, oldest due first.

    The rule set is chosen from the creditor's country and the customer's country and kind
    (or the contract's choice). This is the entry point of `relance interest CUSTOMER`.
    Raises `MissingRate` when a needed rate is unknown, KeyError for an unknown customer.
    """
    customer = ledger.customer(customer_ref)
    rules = jurisdictions.select(creditor.country, customer.country, customer.kind, contract)
    found = []
    for invoice in sorted(ledger.invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.customer_ref != customer_ref:
            continue
        own = ledger.allocations_of(invoice.number)
        if not was_paid_late(invoice, own, as_of):
            continue
        found.append(claimable_charges(invoice, own, rules, rates, as_of, contract))
    return tuple(found)
