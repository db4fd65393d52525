"""Claimable charges on a late invoice, kept apart from its principal.

What a creditor may add to an unpaid invoice: late interest (see `relance.core.interest`),
the fixed recovery indemnity (40 EUR in France and the EU; 40, 70 or 100 GBP in the UK by
debt size), and contractual fees per late invoice or per reminder letter. Each is a
`Charge` of its own kind, never added into the invoice's amount, so that a letter can list
principal, interest and indemnity separately (as CPCE R124-4 requires of an agency) and a
payment can be matched against each.

Against a consumer in France, amicable-collection costs stay with the creditor (CPCE
L111-8): rule sets with `fees_allowed` false refuse contractual fees, with a problem; and
the fixed indemnity is owed only by a professional debtor (L441-10 II), so it is never
claimed from a consumer whatever rule set is applied.

An invoice is late for these charges when it was paid after its due date (a payment, not a
credit note) or is still unpaid after it. A credit note is no payment: it lowers the
interest base from its date, and an invoice cancelled by credit notes without any late
payment owes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.interest import FormalNotice, InterestBreakdown, interest_breakdown, notice_for
from relance.core.jurisdiction import Contract, DayCount, Jurisdictions, RuleSet
from relance.core.ledger import Ledger
from relance.core.model import Allocation, AllocationKind, Creditor, CustomerKind, Invoice
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
    problems: tuple[str, ...] = ()  # everything to show, the blocking ones included
    blocking: tuple[str, ...] = ()  # what forbids claiming these charges as they stand

    @property
    def total(self) -> Money:
        """Sum of the charges in the invoice's currency (the principal is not in it; a
        charge in another currency, such as 40 EUR on a GBP invoice, is in `totals`)."""
        return total((c.amount for c in self.items if c.amount.currency == self.currency),
                     self.currency)  # fmt: skip

    def totals(self) -> dict[str, Money]:
        """Sum of the charges per currency."""
        sums: dict[str, Money] = {}
        for item in self.items:
            currency = item.amount.currency
            sums[currency] = sums.get(currency, Money.zero(currency)) + item.amount
        return sums

    def of_kind(self, kind: ChargeKind) -> tuple[Charge, ...]:
        """The items of one kind."""
        return tuple(c for c in self.items if c.kind is kind)

    @property
    def interest(self) -> InterestBreakdown | None:
        """The interest breakdown, when interest is claimed."""
        found = self.of_kind(ChargeKind.INTEREST)
        return found[0].interest if found else None


def was_paid_late(invoice: Invoice, allocations: Iterable[Allocation], as_of: date) -> bool:
    """True when, by `as_of`, the invoice was paid after its due date or is still unpaid.

    Something must have been owed at the end of the due date (payments, credit notes and
    discounts dated on or before it count), and then either a payment came after the due
    date or a balance is still owed on `as_of`. That is what makes an invoice "late" for
    the fixed indemnity (C. com. L441-10 II: per invoice paid late), which stays owed once
    due even if the invoice is paid afterwards. An invoice whose rest was cancelled by a
    credit note (or written off) with no payment after its due date was not paid late.
    """
    if as_of <= invoice.due_date:
        return False
    own = [a for a in allocations if a.invoice_number == invoice.number and a.date <= as_of]
    # a credited part was never owed, whatever the credit note's date (docs/law.md)
    settled = total(
        (
            a.amount
            for a in own
            if a.date <= invoice.due_date or a.kind is AllocationKind.CREDIT_NOTE
        ),
        invoice.currency,
    )
    if not (invoice.amount - settled).is_positive:
        return False
    if any(a.kind is AllocationKind.PAYMENT and a.date > invoice.due_date for a in own):
        return True
    return (invoice.amount - total((a.amount for a in own), invoice.currency)).is_positive


def claimable_charges(
    invoice: Invoice,
    allocations: Sequence[Allocation],
    rules: RuleSet,
    rates: RateBook,
    as_of: date,
    contract: Contract | None = None,
    debtor: CustomerKind = CustomerKind.BUSINESS,
) -> Charges:
    """Interest, fixed indemnity and contractual per-invoice fee on `invoice` as of `as_of`.

    Nothing is owed unless the invoice was paid late or is still unpaid after its due date
    (`was_paid_late`). Interest is included when it is positive. The indemnity (or a
    contractual fee per late invoice, whichever is higher where the law gives a minimum) is
    owed once per late invoice, and never by a consumer (`debtor`). A rate missing from its
    table gives the interest up to the gap, the indemnity, and a blocking problem.
    """
    terms = contract if contract is not None else Contract()
    items: list[Charge] = []
    problems: list[str] = []
    if not was_paid_late(invoice, allocations, as_of):
        return Charges(invoice.number, invoice.currency, as_of)

    breakdown = interest_breakdown(invoice, allocations, rules, rates, as_of, terms)
    problems.extend(breakdown.problems)
    if breakdown.total.is_positive:
        basis = f"late interest, {rules.title}"
        if terms.rate is not None:
            basis = f"late interest at the contractual rate, {rules.title}"
        items.append(Charge(ChargeKind.INTEREST, invoice.number, breakdown.total, basis, breakdown))

    fixed = _fixed_charge(invoice, rules, terms, debtor, problems)
    if fixed is not None:
        items.append(fixed)
    return Charges(
        invoice.number,
        invoice.currency,
        as_of,
        tuple(items),
        tuple(problems),
        breakdown.blocking,
    )


def _fixed_charge(
    invoice: Invoice, rules: RuleSet, terms: Contract, debtor: CustomerKind, problems: list[str]
) -> Charge | None:
    """The one fixed charge of a late invoice: the law's indemnity or the contract's fee
    per invoice, whichever is higher where the law gives a minimum; None when neither is
    claimable (what stood in the way is added to `problems`)."""
    statutory = None if terms.waive_indemnity else rules.indemnity_for(invoice.amount)
    if statutory is not None and debtor is CustomerKind.CONSUMER:
        problems.append(
            f"the fixed indemnity of {rules.title} is owed only by a professional "
            f"debtor: it is not claimed from a consumer"
        )
        statutory = None
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
    if statutory is not None and fee is not None and statutory.currency != fee.currency:
        fee = None  # the indemnity in euros on a foreign-currency invoice: the law's sum
    if statutory is not None and (fee is None or fee <= statutory):
        return Charge(ChargeKind.INDEMNITY, invoice.number, statutory, _indemnity_basis(rules))
    if fee is not None:
        return Charge(ChargeKind.INVOICE_FEE, invoice.number, fee, "contractual fee per invoice")
    return None


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
    notices: Iterable[FormalNotice] = (),
    only: Collection[str] | None = None,
    day_count: DayCount | None = None,
) -> tuple[Charges, ...]:
    """Charges on every invoice of one customer that was late by `as_of`, oldest due first.

    The one place that claims a customer's charges: `relance interest` and the letters go
    through it. The rule set is chosen from the creditor's country and the customer's
    country and kind (or the contract's choice, refused when it is for businesses only and
    the customer is a consumer). Each invoice gets the formal notice that covers it
    (`notice_for`, among `notices` and a notice date in `contract`, taken as one for the
    whole customer). `only` limits the invoices to those numbers; `day_count`, the
    creditor's setting, replaces the rule set's own. Raises KeyError for an
    unknown customer, `RuleSetNotForConsumers` for a forbidden contract choice.
    """
    customer = ledger.customer(customer_ref)
    rules = jurisdictions.select(
        creditor.country, customer.country, customer.kind, contract, customer_ref=customer.ref
    )
    if day_count is not None:
        rules = dataclasses.replace(rules, day_count=day_count)
    known = tuple(notices)
    if contract is not None and contract.formal_notice is not None:
        known = (*known, FormalNotice(customer_ref, contract.formal_notice))
    found = []
    for invoice in sorted(ledger.invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.customer_ref != customer_ref:
            continue
        if only is not None and invoice.number not in only:
            continue
        own = ledger.allocations_of(invoice.number)
        if not was_paid_late(invoice, own, as_of):
            continue
        terms = dataclasses.replace(
            contract if contract is not None else Contract(),
            formal_notice=notice_for(invoice, known),
        )
        found.append(
            claimable_charges(invoice, own, rules, rates, as_of, terms, debtor=customer.kind)
        )
    return tuple(found)
