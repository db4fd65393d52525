"""The lettrage rules that read the credit's text and amount (`relance.core.matching` runs
them in order, between the payer rules of `relance.core.payer_matching`).

Each rule looks at one `Attempt` (the book, the credit, the day the money arrived, the
discount rule) and returns the `Candidate` it is sure enough of, or None; what it is not
sure of it adds to the attempt's suggestions, for a person to choose from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from stdnum import iso11649

from relance.core.bank import BankTransaction
from relance.core.match_book import (
    NOT_ALNUM,
    Candidate,
    Rule,
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

if TYPE_CHECKING:  # only named in annotations
    from relance.core.match_book import Book, DiscountRule

MAX_SUGGESTIONS = 5
_TOKEN = re.compile(r"[0-9A-Z]+(?:[-/._][0-9A-Z]+)*")
_RF = re.compile(r"RF\d\d")
_MIN_NEAR_LENGTH = 6  # only long numbers are looked up with a typing mistake corrected
_NEAR = "invoice number with one character mistyped, amount owed exactly"
_MAX_SUBSET_ITEMS = 20  # subset search looks at a customer's 20 oldest open invoices
_MAX_SUBSET_SIZE = 3
_MAX_AMOUNT_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Attempt:
    """One credit being matched, and the suggestions the rules gather for it on the way."""

    book: Book
    tx: BankTransaction
    day: date  # the day the money reached us: discounts are granted as of then
    discount: DiscountRule | None
    suggestions: list[Candidate]


def _remittance_tokens(tx: BankTransaction) -> list[str]:
    """The words of the remittance text that may be invoice numbers ("F2026-0010")."""
    return _TOKEN.findall(tx.remittance.upper())


def by_reference(a: Attempt) -> Candidate | None:
    """REFERENCE: an RF creditor reference we printed (or built from an invoice number)."""
    book, tx = a.book, a.tx
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
                    numbers = (book.columns.numbers[k],) if k is not None else None
                elif not iso11649.is_valid(ref):
                    continue
                if not numbers:
                    continue
                ks = [k for k in (book.index_of(n) for n in numbers) if k is not None]
                if not ks:
                    continue
                owners = {book.columns.customer_refs[k] for k in ks}
                if len(owners) != 1:
                    continue
                owner = owners.pop()
                open_ks = [k for k in ks if book.left.is_open(k)]
                with_discount = settles(book, open_ks, minor(tx.amount), a.day, a.discount)[1]
                return Candidate(
                    Rule.REFERENCE, 100, owner, tuple(ks), f"reference {ref}", with_discount
                )
    return None


def by_number(a: Attempt) -> Candidate | None:
    """INVOICE_NUMBER: our invoice numbers written in the remittance text."""
    book, tx = a.book, a.tx
    found: dict[int, str] = {}
    for token in _remittance_tokens(tx):
        for key in number_keys(token):
            k = book.by_number.get(key)
            if k is not None and book.columns.currencies[k] == tx.amount.currency:
                found[k] = key
                break
    if not found:
        return None
    ks = tuple(sorted(found, key=lambda k: (book.columns.due_dates[k], k)))
    owners = {book.columns.customer_refs[k] for k in ks}
    reason = "invoice number " + ", ".join(book.columns.numbers[k] for k in ks) + " in text"
    if len(owners) > 1:
        for owner in sorted(owners):
            mine = tuple(k for k in ks if book.columns.customer_refs[k] == owner)
            a.suggestions.append(Candidate(Rule.INVOICE_NUMBER, 60, owner, mine, reason))
        return None
    owner = owners.pop()
    payers = book.customers_of_iban.get(iban_key(tx.payer_iban), set()) if tx.payer_iban else set()
    open_ks = tuple(k for k in ks if book.left.is_open(k))
    if (payers and owner not in payers) or not open_ks:
        # Paid from another customer's account, or the invoices are already settled.
        why = reason + (" but paid from another customer's IBAN" if open_ks else ", already paid")
        a.suggestions.append(Candidate(Rule.INVOICE_NUMBER, 55, owner, open_ks or ks, why))
        return None
    exact, with_discount = settles(book, open_ks, minor(tx.amount), a.day, a.discount)
    if exact:
        return Candidate(Rule.INVOICE_NUMBER, 95, owner, open_ks, reason, with_discount)
    # Another amount than what is owed: a partial payment or an overpayment, or a mistyped
    # number that names someone else's invoice. Trust it only when the payer is the owner.
    payer_is_owner = owner in payers or (
        name_similarity(normalize_name(tx.payer_name), book.name(owner)) >= 0.8
    )
    if all(found[k].isdigit() for k in ks) or not payer_is_owner:
        # A bare number may also be an order number or a date: ask.
        a.suggestions.append(Candidate(Rule.INVOICE_NUMBER, 70, owner, open_ks, reason))
        return None
    return _unless_owed_elsewhere(a, owner, open_ks, reason)


def _unless_owed_elsewhere(
    a: Attempt, owner: str, open_ks: tuple[int, ...], reason: str
) -> Candidate | None:
    """The named invoices paid with another amount, unless another invoice of the same
    customer is owed exactly that amount: then the number may be mistyped, a person asks."""
    amount = minor(a.tx.amount)
    exact_elsewhere = [
        k
        for k in a.book.open_of(owner, a.tx.amount.currency)
        if k not in open_ks and settles(a.book, (k,), amount, a.day, a.discount)[0]
    ]
    if not exact_elsewhere:
        return Candidate(Rule.INVOICE_NUMBER, 85, owner, open_ks, reason + ", amount differs")
    why = "amount of another invoice of the customer"
    a.suggestions.append(Candidate(Rule.INVOICE_NUMBER, 70, owner, open_ks, reason))
    a.suggestions.extend(
        Candidate(Rule.INVOICE_NUMBER, 72, owner, (k,), why) for k in exact_elsewhere
    )
    return None


def by_near_number(a: Attempt) -> Candidate | None:
    """INVOICE_NUMBER: an invoice number mistyped by one character, owed exactly the amount."""
    book, tx, discount = a.book, a.tx, a.discount
    amount = minor(tx.amount)
    hits: set[int] = set()
    for token in _remittance_tokens(tx):
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
            # Most near numbers are other invoices of other amounts: compare amounts first.
            if book.columns.currencies[k] != tx.amount.currency:
                continue
            if book.columns.owed[k] != amount and discount is None:
                continue
            if settles(book, (k,), amount, a.day, discount)[0]:
                hits.add(k)
    if len(hits) != 1:
        for k in sorted(hits):
            owner = book.columns.customer_refs[k]
            a.suggestions.append(Candidate(Rule.INVOICE_NUMBER, 65, owner, (k,), _NEAR))
        return None
    (k,) = hits
    with_discount = settles(book, (k,), amount, a.day, discount)[1]
    owner = book.columns.customer_refs[k]
    return Candidate(Rule.INVOICE_NUMBER, 80, owner, (k,), _NEAR, with_discount)


def by_iban(a: Attempt) -> Candidate | None:
    """IBAN_AMOUNT: the payer's IBAN is a customer's, who owes the amount: one invoice, its
    oldest ones, or one set of them."""
    if not a.tx.payer_iban:
        return None
    owners = sorted(a.book.customers_of_iban.get(iban_key(a.tx.payer_iban), ()))
    singles: list[Candidate] = []
    for owner in owners:
        ks = a.book.open_of(owner, a.tx.amount.currency)
        if not ks:
            continue
        singles.extend(_single_invoices_paid(a, owner, ks))
        if not singles and len(owners) == 1:
            return _several_invoices_paid(a, owner, ks)
    return _one_owner_of(a, singles)


def _single_invoices_paid(a: Attempt, owner: str, ks: Sequence[int]) -> list[Candidate]:
    """The owner's invoices each owed exactly the amount paid, oldest due first."""
    found = []
    amount = minor(a.tx.amount)
    for k in ks:
        exact, with_discount = settles(a.book, (k,), amount, a.day, a.discount)
        if exact:
            why = "known IBAN, amount of one invoice"
            found.append(Candidate(Rule.IBAN_AMOUNT, 90, owner, (k,), why, with_discount))
    return found


def _several_invoices_paid(a: Attempt, owner: str, ks: Sequence[int]) -> Candidate | None:
    """The only owner of the IBAN paid its oldest invoices, or one set of them; several
    sets, or none, are suggestions."""
    amount = minor(a.tx.amount)
    for n in range(2, len(ks) + 1):
        exact, with_discount = settles(a.book, ks[:n], amount, a.day, a.discount)
        if exact:
            why = "known IBAN, amount of the oldest invoices"
            return Candidate(Rule.IBAN_AMOUNT, 88, owner, tuple(ks[:n]), why, with_discount)
    sets = sets_paying(a.book, ks, amount, _MAX_SUBSET_ITEMS, _MAX_SUBSET_SIZE)
    if len(sets) == 1:
        return Candidate(
            Rule.IBAN_AMOUNT, 85, owner, sets[0], "known IBAN, amount of a set of invoices"
        )
    for combo in sets[:MAX_SUGGESTIONS]:
        a.suggestions.append(
            Candidate(Rule.IBAN_AMOUNT, 65, owner, combo, "known IBAN, one of several sets")
        )
    a.suggestions.append(
        Candidate(Rule.IBAN_AMOUNT, 50, owner, tuple(ks), "known IBAN, partial payment?")
    )
    return None


def _one_owner_of(a: Attempt, singles: list[Candidate]) -> Candidate | None:
    """The invoice paid when every single-invoice candidate is one customer's; an IBAN
    several customers share leaves the choice to a person."""
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
    a.suggestions.extend(
        Candidate(c.rule, 60, c.customer_ref, c.items, "IBAN shared by several customers")
        for c in singles
    )
    return None


def by_name(a: Attempt) -> Candidate | None:
    """AMOUNT_NAME: an invoice owed exactly the amount, of the customer whose name the
    payer's resembles most (and clearly more than any other's)."""
    book, tx = a.book, a.tx
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
        owner = book.columns.customer_refs[k]
        if owner not in scored:  # oldest invoice of each customer with that amount
            scored[owner] = (similarity(matcher, book.name(owner), payer), k)
    ranked = sorted(scored.items(), key=lambda x: (-x[1][0], x[1][1]))
    for owner, (score, k) in ranked[:MAX_SUGGESTIONS]:
        a.suggestions.append(
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
