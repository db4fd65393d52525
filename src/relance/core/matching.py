"""Lettrage: matching bank credits to open invoices, most certain evidence first.

Rules, in order of confidence (each a `Rule`):

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

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from stdnum import iso11649

from relance.core.bank import BankTransaction
from relance.core.bulk import no_cyclic_gc
from relance.core.ledger import Ledger, open_balance
from relance.core.match_book import (
    NOT_ALNUM,
    Book,
    Candidate,
    DiscountRule,
    OpenItem,
    Rule,
    discount_of,
    iban_key,
    minor,
    name_similarity,
    near_keys,
    normalize_name,
    number_keys,
    sets_paying,
    settles,
    similarity,
)
from relance.core.model import Allocation, AllocationKind, Customer, Invoice
from relance.core.money import Money
from relance.core.payer_matching import by_payer
from relance.core.payer_names import PayerNames
from relance.core.plans import PaymentPlan
from relance.core.reference import InvalidReferenceKey, creditor_reference
from relance.core.terms import DiscountTerms, discount_amount, discount_deadline

# Shared with the payer rules (relance.core.match_book), and part of this module's interface.
__all__ = [
    "DiscountRule",
    "Match",
    "MatchingResult",
    "OpenItem",
    "Rule",
    "Suggestion",
    "Unmatched",
    "discount_by_terms",
    "invoice_reference",
    "match_manually",
    "match_transactions",
    "name_similarity",
    "normalize_name",
    "open_items",
]

_TOKEN = re.compile(r"[0-9A-Z]+(?:[-/._][0-9A-Z]+)*")
_RF = re.compile(r"RF\d\d")
_MIN_NEAR_LENGTH = 6  # only long numbers are looked up with a typing mistake corrected
_NEAR = "invoice number with one character mistyped, amount owed exactly"
_MAX_SUBSET_ITEMS = 20  # subset search looks at a customer's 20 oldest open invoices
_MAX_SUBSET_SIZE = 3
_MAX_AMOUNT_CANDIDATES = 50
_MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Match:
    """A transaction settled against invoices: allocations, and the rest kept as credit."""

    transaction_key: str
    customer_ref: str
    rule: Rule
    confidence: int  # 0-100
    allocations: tuple[Allocation, ...]
    unapplied: Money  # overpayment left as unapplied credit on the customer
    reason: str = ""  # the evidence in words, for the history


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


def invoice_reference(invoice_number: str) -> str:
    """The ISO 11649 creditor reference built from an invoice number, "" when it has none.

    The same reference the letters print (`relance.core.reference.creditor_reference`): a
    payer who copies it is matched without anyone reading the remittance text.
    """
    try:
        return creditor_reference(invoice_number)
    except InvalidReferenceKey:
        return ""


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


def _by_reference(
    book: Book, tx: BankTransaction, day: date, discount: DiscountRule | None
) -> Candidate | None:
    texts = [tx.structured_reference.upper()] if tx.structured_reference else []
    if "RF" in tx.remittance.upper():
        texts.append(tx.remittance.upper())
    for text in texts:
        for found in _RF.finditer(text):
            tail = NOT_ALNUM.sub("", text[found.start() : found.start() + 40])[:25]
            # The longest valid reference that we know: the check digits alone would let a
            # shorter prefix of random text pass now and then.
            for end in range(len(tail), 4, -1):
                ref = tail[:end]
                numbers = book.references.get(ref)
                if numbers is None:
                    if not iso11649.is_valid(ref):
                        continue
                    k = book.by_number.get(ref[4:])
                    numbers = (book.items[k].invoice.number,) if k is not None else None
                elif not iso11649.is_valid(ref):
                    continue
                if not numbers:
                    continue
                ks = [k for k in (book.index_of(n) for n in numbers) if k is not None]
                if not ks:
                    continue
                owners = {book.items[k].invoice.customer_ref for k in ks}
                if len(owners) != 1:
                    continue
                owner = owners.pop()
                open_ks = [k for k in ks if book.left.is_open(k)]
                with_discount = settles(book, open_ks, minor(tx.amount), day, discount)[1]
                return Candidate(
                    Rule.REFERENCE, 100, owner, tuple(ks), f"reference {ref}", with_discount
                )
    return None


def _by_number(
    book: Book,
    tx: BankTransaction,
    day: date,
    discount: DiscountRule | None,
    suggestions: list[Candidate],
) -> Candidate | None:
    amount = minor(tx.amount)
    found: dict[int, str] = {}
    for token in _TOKEN.findall(tx.remittance.upper()):
        for key in number_keys(token):
            k = book.by_number.get(key)
            if k is not None and book.items[k].invoice.currency == tx.amount.currency:
                found[k] = key
                break
    if not found:
        return None
    ks = tuple(sorted(found, key=lambda k: (book.items[k].invoice.due_date, k)))
    owners = {book.items[k].invoice.customer_ref for k in ks}
    reason = "invoice number " + ", ".join(book.items[k].invoice.number for k in ks) + " in text"
    if len(owners) > 1:
        for owner in sorted(owners):
            mine = tuple(k for k in ks if book.items[k].invoice.customer_ref == owner)
            suggestions.append(Candidate(Rule.INVOICE_NUMBER, 60, owner, mine, reason))
        return None
    owner = owners.pop()
    payers = book.customers_of_iban.get(iban_key(tx.payer_iban), set()) if tx.payer_iban else set()
    open_ks = tuple(k for k in ks if book.left.is_open(k))
    if (payers and owner not in payers) or not open_ks:
        # Paid from another customer's account, or the invoices are already settled.
        why = reason + (" but paid from another customer's IBAN" if open_ks else ", already paid")
        suggestions.append(Candidate(Rule.INVOICE_NUMBER, 55, owner, open_ks or ks, why))
        return None
    exact, with_discount = settles(book, open_ks, amount, day, discount)
    if exact:
        return Candidate(Rule.INVOICE_NUMBER, 95, owner, open_ks, reason, with_discount)
    # Another amount than what is owed: a partial payment or an overpayment, or a mistyped
    # number that names someone else's invoice. Trust it only when the payer is the owner.
    payer_is_owner = owner in payers or (
        name_similarity(normalize_name(tx.payer_name), book.name(owner)) >= 0.8
    )
    if all(found[k].isdigit() for k in ks) or not payer_is_owner:
        # A bare number may also be an order number or a date: ask.
        suggestions.append(Candidate(Rule.INVOICE_NUMBER, 70, owner, open_ks, reason))
        return None
    exact_elsewhere = [
        k
        for k in book.open_of(owner, tx.amount.currency)
        if k not in open_ks and settles(book, (k,), amount, day, discount)[0]
    ]
    if exact_elsewhere:
        # Another invoice of the same customer is owed exactly this: the number may be mistyped.
        why = "amount of another invoice of the customer"
        suggestions.append(Candidate(Rule.INVOICE_NUMBER, 70, owner, open_ks, reason))
        suggestions.extend(
            Candidate(Rule.INVOICE_NUMBER, 72, owner, (k,), why) for k in exact_elsewhere
        )
        return None
    return Candidate(Rule.INVOICE_NUMBER, 85, owner, open_ks, reason + ", amount differs")


def _by_near_number(
    book: Book,
    tx: BankTransaction,
    day: date,
    discount: DiscountRule | None,
    suggestions: list[Candidate],
) -> Candidate | None:
    """An invoice number mistyped by one character, owed exactly the amount paid."""
    amount = minor(tx.amount)
    hits: set[int] = set()
    for token in _TOKEN.findall(tx.remittance.upper()):
        key = NOT_ALNUM.sub("", token)
        if (
            len(key) < _MIN_NEAR_LENGTH
            or len(key) not in book.number_lengths
            or (key.isdigit() and not book.numeric_numbers)
            or sum(ch.isdigit() for ch in key) < 3
        ):
            continue
        for near in near_keys(key):
            k = book.by_number.get(near)
            if k is None:
                continue
            item = book.items[k]
            # Most near numbers are other invoices of other amounts: compare amounts first.
            if item.invoice.currency != tx.amount.currency:
                continue
            if item.open_amount != tx.amount and discount is None:
                continue
            if settles(book, (k,), amount, day, discount)[0]:
                hits.add(k)
    if len(hits) != 1:
        for k in sorted(hits):
            owner = book.items[k].invoice.customer_ref
            suggestions.append(Candidate(Rule.INVOICE_NUMBER, 65, owner, (k,), _NEAR))
        return None
    (k,) = hits
    with_discount = settles(book, (k,), amount, day, discount)[1]
    owner = book.items[k].invoice.customer_ref
    return Candidate(Rule.INVOICE_NUMBER, 80, owner, (k,), _NEAR, with_discount)


def _by_iban(
    book: Book,
    tx: BankTransaction,
    day: date,
    discount: DiscountRule | None,
    suggestions: list[Candidate],
) -> Candidate | None:
    if not tx.payer_iban:
        return None
    owners = sorted(book.customers_of_iban.get(iban_key(tx.payer_iban), ()))
    if not owners:
        return None
    amount = minor(tx.amount)
    currency = tx.amount.currency
    singles: list[Candidate] = []
    for owner in owners:
        ks = book.open_of(owner, currency)
        if not ks:
            continue
        for k in ks:
            exact, with_discount = settles(book, (k,), amount, day, discount)
            if exact:
                singles.append(
                    Candidate(
                        Rule.IBAN_AMOUNT,
                        90,
                        owner,
                        (k,),
                        "known IBAN, amount of one invoice",
                        with_discount,
                    )
                )
        if singles or len(owners) > 1:
            continue
        for n in range(2, len(ks) + 1):
            exact, with_discount = settles(book, ks[:n], amount, day, discount)
            if exact:
                why = "known IBAN, amount of the oldest invoices"
                return Candidate(Rule.IBAN_AMOUNT, 88, owner, tuple(ks[:n]), why, with_discount)
        sets = sets_paying(book, ks, amount, _MAX_SUBSET_ITEMS, _MAX_SUBSET_SIZE)
        if len(sets) == 1:
            why = "known IBAN, amount of a set of invoices"
            return Candidate(Rule.IBAN_AMOUNT, 85, owner, sets[0], why)
        for combo in sets[:_MAX_SUGGESTIONS]:
            suggestions.append(
                Candidate(Rule.IBAN_AMOUNT, 65, owner, combo, "known IBAN, one of several sets")
            )
        suggestions.append(
            Candidate(Rule.IBAN_AMOUNT, 50, owner, tuple(ks), "known IBAN, partial payment?")
        )
    if not singles:
        return None
    if len({c.customer_ref for c in singles}) == 1:
        # Same amount on several invoices of one customer: the oldest is paid first.
        best = singles[0]
        return Candidate(
            best.rule,
            90 if len(singles) == 1 else 80,
            best.customer_ref,
            best.items,
            best.reason,
            best.use_discount,
        )
    suggestions.extend(
        Candidate(c.rule, 60, c.customer_ref, c.items, "IBAN shared by several customers")
        for c in singles
    )
    return None


def _by_name(book: Book, tx: BankTransaction, suggestions: list[Candidate]) -> Candidate | None:
    # of_amount gives the items whose open amount is the amount paid; keep those still owed
    # in full (one paid partly during this run owes less now).
    ks = [
        k for k in book.of_amount(tx.amount)[:_MAX_AMOUNT_CANDIDATES] if book.left.owes_in_full(k)
    ]
    if not ks:
        return None
    payer = normalize_name(tx.payer_name)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(payer)  # analysed once, compared with every candidate's name
    scored: dict[str, tuple[float, int]] = {}
    for k in ks:
        owner = book.items[k].invoice.customer_ref
        if owner not in scored:  # oldest invoice of each customer with that amount
            scored[owner] = (similarity(matcher, book.name(owner), payer), k)
    ranked = sorted(scored.items(), key=lambda x: (-x[1][0], x[1][1]))
    for owner, (score, k) in ranked[:_MAX_SUGGESTIONS]:
        suggestions.append(
            Candidate(
                Rule.AMOUNT_NAME,
                int(20 + 40 * score),
                owner,
                (k,),
                f"same amount, name {int(score * 100)} % alike",
            )
        )
    best_owner, (best, k) = ranked[0]
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    if best >= 0.85 and runner_up < 0.6:
        return Candidate(Rule.AMOUNT_NAME, 75, best_owner, (k,), "same amount and name")
    return None


def _allocate(
    book: Book,
    tx: BankTransaction,
    candidate: Candidate,
    day: date,
    discount: DiscountRule | None,
) -> Match:
    """Apply the transaction to the candidate's items oldest first; the rest stays credit."""
    currency = tx.amount.currency
    rest = minor(tx.amount)
    allocations: list[Allocation] = []
    for k in candidate.items:
        if rest <= 0:
            break
        number = book.items[k].invoice.number
        granted = discount_of(book, k, day, discount) if candidate.use_discount else 0
        if granted:
            allocations.append(
                Allocation(
                    AllocationKind.DISCOUNT,
                    f"discount:{tx.key}",
                    number,
                    Money.from_minor(granted, currency),
                    day,
                )
            )
            book.left[k] -= granted
        applied = min(rest, book.left[k])
        if applied > 0:
            allocations.append(
                Allocation(
                    AllocationKind.PAYMENT, tx.key, number, Money.from_minor(applied, currency), day
                )
            )
            book.left[k] -= applied
            rest -= applied
    return Match(
        transaction_key=tx.key,
        customer_ref=candidate.customer_ref,
        rule=candidate.rule,
        confidence=candidate.confidence,
        allocations=tuple(allocations),
        unapplied=Money.from_minor(rest, currency),
        reason=candidate.reason,
    )


def _suggestions(book: Book, tx: BankTransaction, found: list[Candidate]) -> tuple[Suggestion, ...]:
    best: dict[tuple[str, tuple[str, ...]], Suggestion] = {}
    for c in found:
        numbers = tuple(book.items[k].invoice.number for k in c.items)
        key = (c.customer_ref, numbers)
        if key not in best or best[key].score < c.confidence:
            best[key] = Suggestion(tx.key, c.customer_ref, numbers, c.confidence, c.reason)
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.customer_ref, s.invoice_numbers))
    return tuple(ranked[:_MAX_SUGGESTIONS])


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
    covers (an RF built from an invoice number with `invoice_reference` is understood without
    it). `discount(invoice, day)` gives the early-payment discount on an invoice paid on
    `day`. `plans` are the payment plans a label's "ECHEANCE 1/3" may name. Transactions
    are taken in the given order and each automatic match reduces what is owed before the
    next one is looked at. Debits, zero amounts and reversals are left aside (problems).
    """
    # the caller's million invoices would be rescanned by the cyclic collector again and
    # again during a 100k x 1M run: it waits until the run ends
    with no_cyclic_gc():
        book = Book(items, customers, references or {}, plans)
        return _match(transactions, book, discount, auto_threshold)


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
        candidate = (
            _by_reference(book, tx, day, discount)
            or by_payer(book, names, tx, day, discount, found)
            or _by_number(book, tx, day, discount, found)
            or _by_near_number(book, tx, day, discount, found)
            or _by_iban(book, tx, day, discount, found)
            or _by_name(book, tx, found)
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
