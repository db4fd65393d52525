"""Lettrage: matching bank credits to open invoices, most certain evidence first.

Rules, in order of confidence (each a `Rule`, written in `relance.core.match_rules`):

1. REFERENCE — an ISO 11649 creditor reference (RF…) printed on our letters, given in the
   structured remittance field or found in the text: it names the invoices exactly.
2. INVOICE_NUMBER — one or more of our invoice numbers written in the remittance text.
3. IBAN_AMOUNT — the payer's IBAN is known for one customer, and the amount equals one of its
   open invoices, their total, its oldest ones, or a small set of them (bounded search).
4. AMOUNT_NAME — the amount equals an open invoice and the payer's name resembles the
   customer's (difflib); the least certain rule.

Right after the reference rule, the rules that start from the payer run
(`relance.core.payer_matching`): once the payer's IBAN or the name in the bank label points
to one customer, "FACT N 77", a mistyped number and "ECHEANCE 1/3" are read among that
customer's own invoices and payment plans (PAYER_NUMBER, PLAN_INSTALMENT), and an amount it
owes exactly is matched (AMOUNT_NAME). Every match carries its reason in words.

A transaction whose best rule reaches `auto_threshold` is matched: its amount is allocated
oldest due date first, an early-payment discount is granted when exactly the discounted
amount was paid, and what exceeds the invoices stays as unapplied credit on the customer.
The rest goes to a queue with ranked suggestions. Amounts are compared in minor units on
indexes by reference, number, customer, IBAN and amount, so a run scales to millions of
invoices. The function is pure: the same inputs always give the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from relance.core.bank import BankTransaction
from relance.core.bulk import no_cyclic_gc
from relance.core.ledger import Ledger, open_balance
from relance.core.match_book import (
    Book,
    Candidate,
    DiscountRule,
    Rule,
    discount_of,
    minor,
    settles,
)
from relance.core.match_rules import (
    MAX_SUGGESTIONS,
    Attempt,
    by_iban,
    by_name,
    by_near_number,
    by_number,
    by_reference,
)
from relance.core.model import Allocation, AllocationKind, Customer, Invoice
from relance.core.money import Money
from relance.core.open_items import OpenItem, OpenItems
from relance.core.payer_matching import by_payer
from relance.core.payer_names import PayerNames
from relance.core.plans import PaymentPlan
from relance.core.terms import DiscountTerms, discount_amount, discount_deadline

# Shared with the other rules (relance.core.match_book), and part of this module's interface.
__all__ = [
    "DiscountRule",
    "Match",
    "MatchingResult",
    "OpenItem",
    "OpenItems",
    "Rule",
    "Suggestion",
    "Unmatched",
    "discount_by_terms",
    "match_manually",
    "match_transactions",
    "open_items",
]


@dataclass(frozen=True, slots=True)
class Match:
    """A transaction settled against invoices: allocations, and the rest kept as credit."""

    transaction_key: str
    customer_ref: str
    rule: Rule
    confidence: int  # 0-100
    # what is applied to each invoice, in order, as plain values: (kind, source, invoice
    # number, minor units); a statement's 100,000 matches make no record per allocation
    # until one is asked for (`allocations`)
    parts: tuple[tuple[AllocationKind, str, str, int], ...]
    day: date  # the allocations' date
    unapplied: Money  # overpayment left as unapplied credit on the customer
    reason: str = ""  # the evidence in words, for the history

    @property
    def allocations(self) -> tuple[Allocation, ...]:
        """The allocations of the match, as records."""
        currency, day = self.unapplied.currency, self.day
        return tuple(
            Allocation(kind, source, number, Money.from_minor(units, currency), day)
            for kind, source, number, units in self.parts
        )


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A possible match for a human to confirm, with why it was proposed."""

    transaction_key: str
    customer_ref: str
    invoice_numbers: tuple[str, ...]
    score: int  # 0-100, higher first
    reason: str


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A credit no rule matched with confidence, and the ranked suggestions for it."""

    transaction: BankTransaction
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class MatchingResult:
    """Automatic matches, the queue of unmatched credits, and what was left aside and why."""

    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    problems: tuple[str, ...] = ()


def discount_by_terms(terms_of: Callable[[Invoice], DiscountTerms | None]) -> DiscountRule:
    """A discount rule from each invoice's early-payment terms (`relance.core.terms`).

    The discount is granted on a payment made from the invoice date to the terms' deadline.
    """

    def granted(invoice: Invoice, day: date) -> Money:
        terms = terms_of(invoice)
        if terms is None or not invoice.issue_date <= day <= discount_deadline(invoice, terms):
            return Money.zero(invoice.currency)
        return discount_amount(invoice, terms)

    return granted


def open_items(ledger: Ledger, as_of: date) -> tuple[OpenItem, ...]:
    """Every invoice of `ledger` with something owed as of `as_of`, oldest due date first."""
    found = []
    for invoice in ledger.invoices:
        owed = open_balance(ledger, invoice, as_of)
        if owed.is_positive:
            found.append(OpenItem(invoice, owed))
    return tuple(sorted(found, key=lambda i: (i.invoice.due_date, i.invoice.number)))


def _allocate(
    book: Book,
    tx: BankTransaction,
    candidate: Candidate,
    day: date,
    discount: DiscountRule | None,
) -> Match:
    """Apply the transaction to the candidate's items oldest first; the rest stays credit."""
    rest = minor(tx.amount)
    parts: list[tuple[AllocationKind, str, str, int]] = []
    for k in candidate.items:
        if rest <= 0:
            break
        number = book.columns.numbers[k]
        granted = discount_of(book, k, day, discount) if candidate.use_discount else 0
        if granted:
            parts.append((AllocationKind.DISCOUNT, f"discount:{tx.key}", number, granted))
            book.left[k] -= granted
        applied = min(rest, book.left[k])
        if applied > 0:
            parts.append((AllocationKind.PAYMENT, tx.key, number, applied))
            book.left[k] -= applied
            rest -= applied
    return Match(
        transaction_key=tx.key,
        customer_ref=candidate.customer_ref,
        rule=candidate.rule,
        confidence=candidate.confidence,
        parts=tuple(parts),
        day=day,
        unapplied=Money.from_minor(rest, tx.amount.currency),
        reason=candidate.reason,
    )


def _suggestions(book: Book, tx: BankTransaction, found: list[Candidate]) -> tuple[Suggestion, ...]:
    best: dict[tuple[str, tuple[str, ...]], Suggestion] = {}
    for c in found:
        numbers = tuple(book.columns.numbers[k] for k in c.items)
        key = (c.customer_ref, numbers)
        if key not in best or best[key].score < c.confidence:
            best[key] = Suggestion(tx.key, c.customer_ref, numbers, c.confidence, c.reason)
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.customer_ref, s.invoice_numbers))
    return tuple(ranked[:MAX_SUGGESTIONS])


def match_transactions(
    transactions: Iterable[BankTransaction],
    items: Sequence[OpenItem],
    customers: Iterable[Customer],
    *,
    references: Mapping[str, Sequence[str]] | None = None,
    discount: DiscountRule | None = None,
    auto_threshold: int = 75,
    plans: Iterable[PaymentPlan] = (),
) -> MatchingResult:
    """Match bank credits to open invoices; return matches, the unmatched queue and problems.

    `references` maps each ISO 11649 reference printed on a letter to the invoice numbers it
    covers (an RF built from an invoice number (`relance.core.reference`) is understood without
    it). `discount(invoice, day)` gives the early-payment discount on an invoice paid on
    `day`. `plans` are the payment plans a label's "ECHEANCE 1/3" may name. Transactions
    are taken in the given order and each automatic match reduces what is owed before the
    next one is looked at. Debits, zero amounts and reversals are left aside (problems).
    """
    # the caller's million invoices would be rescanned by the cyclic collector again and
    # again during a 100k x 1M run: it waits until the run ends
    with no_cyclic_gc():
        credits = list(transactions)
        amounts = {minor(tx.amount) for tx in credits}  # the only ones `by_name` looks up
        book = Book(items, customers, references or {}, plans, amounts)
        return _match(credits, book, discount, auto_threshold)


def _match(
    transactions: Iterable[BankTransaction],
    book: Book,
    discount: DiscountRule | None,
    auto_threshold: int,
) -> MatchingResult:
    names = PayerNames(book.customer_names)
    matches: list[Match] = []
    unmatched: list[Unmatched] = []
    problems: list[str] = []
    for tx in transactions:
        if not tx.amount.is_positive:
            problems.append(f"{tx.key}: not a credit ({tx.amount}), left aside")
            continue
        if tx.reversal:
            problems.append(f"{tx.key}: reversal of an earlier entry, left aside")
            continue
        day = tx.value_date or tx.booking_date
        found: list[Candidate] = []
        attempt = Attempt(book, tx, day, discount, found)
        candidate = (
            by_reference(attempt)
            or by_payer(book, names, tx, day, discount, found)
            or by_number(attempt)
            or by_near_number(attempt)
            or by_iban(attempt)
            or by_name(attempt)
        )
        if candidate is not None and candidate.confidence >= auto_threshold:
            matches.append(_allocate(book, tx, candidate, day, discount))
            continue
        if candidate is not None:
            found.append(candidate)
        unmatched.append(Unmatched(tx, _suggestions(book, tx, found)))
    return MatchingResult(tuple(matches), tuple(unmatched), tuple(problems))


def match_manually(
    transaction: BankTransaction,
    customer_ref: str,
    chosen: Sequence[OpenItem],
    *,
    discount: DiscountRule | None = None,
) -> Match:
    """A person's decision (`relance match PAYMENT INVOICE...`): allocate to `chosen`.

    The amount goes to the chosen invoices oldest due date first, with the early-payment
    discount when exactly the discounted total was paid; the rest is unapplied credit.
    """
    book = Book(chosen, (), {})
    day = transaction.value_date or transaction.booking_date
    ks = tuple(sorted(range(len(chosen)), key=lambda k: (chosen[k].invoice.due_date, k)))
    _, with_discount = settles(book, ks, minor(transaction.amount), day, discount)
    candidate = Candidate(Rule.MANUAL, 100, customer_ref, ks, "chosen by hand", with_discount)
    return _allocate(book, transaction, candidate, day, discount)
