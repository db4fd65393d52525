"""Lettrage rules that start from who paid: the customer known by the payer's IBAN or named
in the bank label, then what the label says among that customer's own invoices.

French bank exports put the payer and a short reference in the label ("VIR SEPA RECU /DE
DUPONT SARL /MOTIF FACT N 77"). Once the payer is known to be one customer, short or
mistyped numbers become safe to read, because only that customer's few open invoices are
looked at:

* PAYER_NUMBER — "FACT N 77" is the payer's only open invoice whose number ends in 77
  (F2026-0077); or a number one character away from one of the payer's own invoices (a digit
  mistyped, two swapped), even when the mistyped number is another customer's invoice;
* PLAN_INSTALMENT — "ECHEANCE 1/3" is instalment 1 of the payer's three-instalment plan (or
  of the only such plan owed that amount), or the amount is an instalment of the payer's plan;
* AMOUNT_NAME — the payer named in the label owes exactly the amount: one invoice, its
  oldest ones, or one set of them (below the IBAN rule: a name is less sure than an IBAN).

A name identifies a customer only when it is clearly theirs (`relance.core.payer_names`).
Each candidate says why, for the history.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from relance.core.bank import BankTransaction
from relance.core.match_book import (
    Book,
    Candidate,
    DiscountRule,
    Rule,
    iban_key,
    minor,
    normalize_name,
    number_keys,
    sets_paying,
    settles,
)
from relance.core.payer_names import IDENTIFIED, PayerNames, name_score, named_customer
from relance.core.plans import PaymentPlan

_MAX_SUBSET_ITEMS = 12
_MAX_SUBSET_SIZE = 3
_INVOICE_WORDS = r"(?:FACTURES?|FACT|FACTU|FAC|FA|FCT|FTR|FT|INVOICES?|INV)"
_SHORT_NUMBERS = re.compile(
    rf"\b{_INVOICE_WORDS}\b\.?\s*(?:N[O]?\b\.?\s*|NUM(?:ERO)?\b\.?\s*|#\s*)?"
    r"(\d{1,6}(?:(?:\s*(?:,|\bET\b|&|\+|/)\s*|\s+)\d{1,6})*)\b"
)
_INSTALMENT = re.compile(
    r"\b(?:ECHEANCES?|ECH|MENSUALITE|VERSEMENT|PAIEMENT|REGLEMENT)\b\.?\s*(?:N[O]?\b\.?\s*)?"
    r"(\d{1,2})\s*(?:/|SUR|DE)\s*(\d{1,2})\b"
)
_DATE = re.compile(r"(0?[1-9]|[12]\d|3[01])\s*/\s*(0?[1-9]|1[0-2])(\s*/\s*(\d{2}|\d{4}))?")
_TRAILING_DIGITS = re.compile(r"(\d+)\D*$")
_TOKEN = re.compile(r"[0-9A-Z]+(?:[-/._][0-9A-Z]+)*")
_NOT_READ = re.compile(r"[^0-9A-Z/,&+]")
_NOT_DIGIT = re.compile(r"[^0-9]")


@dataclass(frozen=True, slots=True)
class Payer:
    """The customer a credit comes from, and how that is known."""

    customer_ref: str
    by_iban: bool
    why: str


def identify_payer(book: Book, names: PayerNames, tx: BankTransaction) -> Payer | None:
    """The one customer the credit comes from: the owner of the payer's IBAN, else the one
    customer the payer's name clearly names; None when nobody or several."""
    if tx.payer_iban:
        owners = book.customers_of_iban.get(iban_key(tx.payer_iban), set())
        if len(owners) == 1:
            return Payer(next(iter(owners)), True, "known IBAN")
    named = named_customer(names, tx.payer_name)
    if named is None:
        return None
    ref, score = named
    return Payer(ref, False, f"payer {tx.payer_name.strip()!r} is {ref} ({int(score * 100)} %)")


def by_payer(
    book: Book,
    names: PayerNames,
    tx: BankTransaction,
    day: date,
    discount: DiscountRule | None,
    suggestions: list[Candidate],
) -> Candidate | None:
    """The best candidate of the payer rules, or None (the other rules then decide)."""
    named = _named_invoices(book, tx)
    if _named_by_their_owner(book, tx, named) or (tx.payer_iban and not tx.remittance):
        return None  # the number rule, or the IBAN rule, decides best and sooner
    payer = identify_payer(book, names, tx)
    text = label_text(tx.remittance)
    if payer is None:
        return _any_plan_instalment(book, tx, text)
    mine = book.open_of(payer.customer_ref, tx.amount.currency)
    credit = _Credit(book, tx, day, discount, minor(tx.amount))
    if not mine or any(k in named for k in mine):
        return None  # the number rule reads the payer's own full numbers best
    found = (
        _short_number(credit, payer, mine, text)
        or _mistyped_number(credit, payer, mine)
        or _plan_instalment(book, tx, payer, text)
    )
    # A number of another customer's in the label, one typo from the payer's own invoice:
    # the payer's own is preferred (the match's reason names both).
    if found is not None and named and found.rule is Rule.PAYER_NUMBER:
        also = ", ".join(sorted(book.columns.numbers[k] for k in named))
        return replace(found, reason=f"{found.reason} (not {also}, another customer's)")
    if found is not None or payer.by_iban or named:
        return found
    return _owed_amount(credit, payer, mine, suggestions)


def _named_by_their_owner(book: Book, tx: BankTransaction, named: set[int]) -> bool:
    """The label names invoices of one customer, and the payer's name is that customer's
    (checked against that one name: cheaper than looking for the payer among all)."""
    owners = {book.columns.customer_refs[k] for k in named}
    if len(owners) != 1 or not tx.payer_name:
        return False
    return name_score(normalize_name(tx.payer_name), book.name(owners.pop())) >= IDENTIFIED


def label_text(label: str) -> str:
    """The label in upper case without accents, keeping only what the rules read."""
    decomposed = unicodedata.normalize("NFKD", label.replace("°", " "))
    plain = decomposed.encode("ascii", "ignore").decode().upper()
    return " ".join(_NOT_READ.sub(" ", plain).split())


def _named_invoices(book: Book, tx: BankTransaction) -> set[int]:
    """The open items whose full number is written in the label."""
    found: set[int] = set()
    for token in _TOKEN.findall(tx.remittance.upper()):
        for key in number_keys(token):
            k = book.by_number.get(key)
            if k is not None and book.left.is_open(k):
                found.add(k)
                break
    return found


@dataclass(frozen=True, slots=True)
class _Credit:
    """A bank credit to match on `day` against the open invoices of `book`, with the
    early-payment discount `discount` allowed: what each payer rule reads."""

    book: Book
    tx: BankTransaction
    day: date
    discount: DiscountRule | None
    amount: int  # the credit in minor units, compared with each invoice the rules try

    def paid(self, ks: Sequence[int]) -> tuple[bool, bool]:
        """(the credit settles invoices `ks` exactly, it does so by taking the discount)."""
        return settles(self.book, ks, self.amount, self.day, self.discount)

    def pays(self, k: int) -> bool:
        """The credit settles invoice `k` alone exactly (`paid((k,))[0]`): without discount
        terms, it is what the invoice still owes."""
        if self.discount is None:
            return self.book.left[k] == self.amount
        return self.paid((k,))[0]


def _short_number(
    credit: _Credit, payer: Payer, mine: Sequence[int], text: str
) -> Candidate | None:
    """ "FACT N 77": the payer's one open invoice whose number ends in 77, for each number."""
    book = credit.book
    named = list(_SHORT_NUMBERS.finditer(text))
    if not named:
        return None  # most labels: the payer's numbers need not be read
    by_tail: dict[int, list[int]] = defaultdict(list)
    for k in mine:
        tail = _TRAILING_DIGITS.search(book.columns.numbers[k])
        if tail:
            by_tail[int(tail.group(1))].append(k)
    chosen: list[int] = []
    for found in named:
        if _DATE.fullmatch(found.group(1)):
            continue  # "FACTURE 12/10/2026" is the invoice's date, not two numbers
        for number in re.findall(r"\d+", found.group(1)):
            ends = by_tail.get(int(number), [])
            if len(ends) > 1:
                return None  # 77 ends several of the payer's numbers: ask
            chosen.extend(k for k in ends if k not in chosen)
    if not chosen:
        return None
    ks = tuple(sorted(chosen, key=lambda k: (book.columns.due_dates[k], k)))
    numbers = ", ".join(book.columns.numbers[k] for k in ks)
    exact, with_discount = credit.paid(ks)
    named_as = (
        "its invoice {} named by its last digits"
        if len(ks) == 1
        else ("its invoices {} named by their last digits")
    )
    why = f"{payer.why}; {named_as.format(numbers)}"
    if exact:
        return Candidate(Rule.PAYER_NUMBER, 90, payer.customer_ref, ks, why, with_discount)
    return Candidate(Rule.PAYER_NUMBER, 80, payer.customer_ref, ks, why + ", amount differs")


def _one_typo_apart(a: str, b: str) -> bool:
    """Same length, and one character differs or two neighbours are swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _mistyped_number(credit: _Credit, payer: Payer, mine: Sequence[int]) -> Candidate | None:
    """A number one typing mistake away from exactly one of the payer's open invoices (in
    full or its digits alone), owed exactly the amount paid."""
    book, tx = credit.book, credit.tx
    keys = {key for token in _TOKEN.findall(tx.remittance.upper()) for key in number_keys(token)}
    tokens = {t for t in keys if len(_NOT_DIGIT.sub("", t)) >= 3}
    if not tokens:
        return None
    # One typo keeps the length: each number is compared with the tokens of its length only.
    by_length: dict[int, list[str]] = defaultdict(list)
    numeric: dict[int, list[str]] = defaultdict(list)
    for t in tokens:
        by_length[len(t)].append(t)
        if t.isdigit():
            numeric[len(t)].append(t)
    hits = []
    for k in mine:
        key = book.keys[k]
        alike = by_length.get(len(key))
        if alike and any(_one_typo_apart(t, key) for t in alike):
            hits.append(k)
            continue
        digits = _NOT_DIGIT.sub("", key) if numeric else ""
        alike = numeric.get(len(digits)) if digits else None
        if alike and any(_one_typo_apart(t, digits) for t in alike):
            hits.append(k)
    # Several of the payer's numbers may be one typo away: the one owed the amount is meant.
    owed = [k for k in hits if credit.pays(k)]
    if len(owed) != 1:
        return None
    number = book.columns.numbers[owed[0]]
    why = f"{payer.why}; a number in the label is one typo from its invoice {number}, owed exactly"
    with_discount = credit.paid(owed)[1]
    return Candidate(Rule.PAYER_NUMBER, 85, payer.customer_ref, (owed[0],), why, with_discount)


def _plan_items(book: Book, plan: PaymentPlan, currency: str) -> tuple[int, ...]:
    """The plan's invoices still owed, oldest due first."""
    ks = [book.index_of(number) for number in plan.invoice_numbers]
    found = [
        k
        for k in ks
        if k is not None and book.left.is_open(k) and book.columns.currencies[k] == currency
    ]
    return tuple(sorted(found, key=lambda k: (book.columns.due_dates[k], k)))


def _plan_candidate(
    book: Book, plan: PaymentPlan, currency: str, confidence: int, why: str
) -> Candidate:
    """The invoices of `plan` (its customer's), oldest first, as a plan-instalment match."""
    return Candidate(
        Rule.PLAN_INSTALMENT, confidence, plan.customer_ref, _plan_items(book, plan, currency), why
    )


def _instalment_named(text: str) -> tuple[int, int] | None:
    """(n, m) of "ECHEANCE n/m" in the label, when n is between 1 and m."""
    found = _INSTALMENT.search(text)
    if found is None:
        return None
    n, m = int(found.group(1)), int(found.group(2))
    return (n, m) if 1 <= n <= m else None


def _plan_instalment(book: Book, tx: BankTransaction, payer: Payer, text: str) -> Candidate | None:
    """ "ECHEANCE 1/3" from a customer with a three-instalment plan, or the amount of one
    instalment of the payer's only plan owed it: the plan's invoices, oldest first."""
    currency = tx.amount.currency
    plans = [p for p in book.plans_of.get(payer.customer_ref, ()) if _plan_items(book, p, currency)]
    named = _instalment_named(text)
    if named is not None:
        n, m = named
        fitting = [p for p in plans if len(p.instalments) == m]
        if len(fitting) != 1:
            return None
        plan = fitting[0]
        exact = plan.instalments[n - 1].amount == tx.amount
        why = f"{payer.why}; instalment {n}/{m} of plan {plan.key}"
        if not exact:
            return _plan_candidate(book, plan, currency, 80, why + ", amount differs")
        return _plan_candidate(book, plan, currency, 90, why)
    owed = [p for p in plans if any(i.amount == tx.amount for i in p.instalments)]
    if len(owed) != 1:
        return None
    plan = owed[0]
    why = f"{payer.why}; amount of an instalment of plan {plan.key}"
    return _plan_candidate(book, plan, currency, 85, why)


def _any_plan_instalment(book: Book, tx: BankTransaction, text: str) -> Candidate | None:
    """ "ECHEANCE n/m" from an unknown payer: the only plan of m instalments whose n-th is
    exactly the amount paid."""
    named = _instalment_named(text)
    if named is None:
        return None
    n, m = named
    currency = tx.amount.currency
    fitting = [
        plan
        for plan in itertools.chain.from_iterable(book.plans_of.values())
        if len(plan.instalments) == m
        and plan.instalments[n - 1].amount == tx.amount
        and _plan_items(book, plan, currency)
    ]
    if len(fitting) != 1:
        return None
    plan = fitting[0]
    why = f"instalment {n}/{m} in the label, the amount of that instalment of plan {plan.key} only"
    return _plan_candidate(book, plan, currency, 80, why)


def _owed_amount(
    credit: _Credit, payer: Payer, mine: Sequence[int], suggestions: list[Candidate]
) -> Candidate | None:
    """The payer named in the label owes exactly the amount: one invoice (the oldest when
    several owe it), the oldest ones together, or the only set of up to three."""
    book, tx = credit.book, credit.tx
    ref = payer.customer_ref
    singles = [k for k in mine if credit.pays(k)]
    if singles:
        k = singles[0]
        why = f"{payer.why}; amount of its invoice {book.columns.numbers[k]}"
        with_discount = credit.paid((k,))[1]
        return Candidate(
            Rule.AMOUNT_NAME, 80 if len(singles) == 1 else 78, ref, (k,), why, with_discount
        )
    for n in range(2, len(mine) + 1):
        exact, with_discount = credit.paid(mine[:n])
        if exact:
            why = f"{payer.why}; amount of its {n} oldest invoices"
            return Candidate(Rule.AMOUNT_NAME, 80, ref, tuple(mine[:n]), why, with_discount)
    sets = sets_paying(book, mine, minor(tx.amount), _MAX_SUBSET_ITEMS, _MAX_SUBSET_SIZE)
    if len(sets) == 1:
        why = f"{payer.why}; amount of a set of its invoices"
        return Candidate(Rule.AMOUNT_NAME, 78, ref, sets[0], why)
    why = f"{payer.why}; " + ("one of several sets" if sets else "partial payment?")
    suggestions.extend(Candidate(Rule.AMOUNT_NAME, 65, ref, combo, why) for combo in sets[:5])
    suggestions.append(Candidate(Rule.AMOUNT_NAME, 50, ref, tuple(mine), why))
    return None
