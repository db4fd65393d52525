"""What every lettrage rule works on: the open items, indexed, and what is left owed.

`relance.core.matching` runs the rules in order; the rules that start from who paid live in
`relance.core.payer_matching`. Both share this book: indexes over the open invoices by
number, customer and amount, the customers' names and IBANs, what each item still owes as
matches are made during a run, and the candidate a rule proposes.
"""

from __future__ import annotations

import difflib
import itertools
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import compress, count, islice
from typing import NamedTuple

from stdnum import iso11649

from relance.core.model import Customer, Invoice
from relance.core.money import Money
from relance.core.open_items import OpenItem, OpenItems, as_columns
from relance.core.plans import PaymentPlan

# Discount granted on `invoice` when paid on `day` (zero when its terms give none). The terms
# belong to relance.core.terms; `discount_by_terms` makes such a function from them.
DiscountRule = Callable[[Invoice, date], Money]

NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_SEPARATOR = re.compile(r"[-/._]")
_MIN_NUMBER_LENGTH = 4  # shorter invoice numbers are too easily found by chance in a text
# Words that say what kind of company a name is, not which one: ignored when comparing names.
_NAME_NOISE = frozenset(
    (  # noqa: SIM905 - a list of words reads best as words
        "SARL SAS SASU SA EURL SNC SCI SCP SELARL GMBH AG KG LTD LIMITED PLC INC LLC CORP CO BV "
        "NV SPA SRL CIE ET OU LE LA LES DE DU DES THE AND M MME MLLE MR MRS MS EPOUX"
    ).split()
)


class Rule(StrEnum):
    """The evidence a match rests on, most certain first."""

    REFERENCE = "reference"
    INVOICE_NUMBER = "invoice_number"
    IBAN_AMOUNT = "iban_amount"
    AMOUNT_NAME = "amount_name"
    # Rules that start from the payer (relance.core.payer_matching).
    PAYER_NUMBER = "payer_number"
    PLAN_INSTALMENT = "plan_instalment"
    MANUAL = "manual"


def normalize_name(name: str) -> str:
    """Upper-case letters and digits of a name, accents and company-form words removed."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[0-9A-Z]+", plain)
    return " ".join(w for w in words if w not in _NAME_NOISE)


def name_similarity(a: str, b: str) -> float:
    """How alike two normalized names are, 0 to 1; a name contained in the other scores 0.9.

    Below 0.6 the cheap upper bound of difflib is returned instead of the exact ratio: no
    decision changes (they all need 0.6 or more) and most comparisons stop there.
    """
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(b)
    return similarity(matcher, a, b)


def similarity(matcher: difflib.SequenceMatcher[str], a: str, b: str) -> float:
    """`name_similarity` with a matcher already holding `b` (difflib caches its analysis)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    if words_a <= words_b or words_b <= words_a:
        return 0.9  # one name is the other with words left out ("ACME" for "ACME FRANCE")
    contained = 0.0
    matcher.set_seq1(a)
    bound = matcher.quick_ratio()
    if bound < 0.6:
        return max(bound, contained)
    return max(matcher.ratio(), contained)


def iban_key(text: str) -> str:
    """An IBAN as compared: upper-case letters and digits only."""
    return NOT_ALNUM.sub("", text.upper())


class PayingCustomer(NamedTuple):
    """What lettrage reads of a customer: reference, name and the IBANs they pay from (a
    hundred thousand customers' whole records are not needed to match a statement)."""

    ref: str
    name: str
    ibans: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a rule proposes: a customer, the items it pays, how sure and why."""

    rule: Rule
    confidence: int
    customer_ref: str
    items: tuple[int, ...]  # indexes into the open items, oldest due first
    reason: str
    use_discount: bool = False


class Owed:
    """What is still owed on each item, in minor units, as matches are made during a run."""

    def __init__(self, items: OpenItems) -> None:
        self._owed = items.owed  # before the run
        self._changed: dict[int, int] = {}

    def __getitem__(self, k: int) -> int:
        known = self._changed.get(k)
        return self._owed[k] if known is None else known

    def __setitem__(self, k: int, value: int) -> None:
        self._changed[k] = value

    def is_open(self, k: int) -> bool:
        """Something is still owed on item `k`."""
        return self[k] > 0

    def open_among(self, ks: Iterable[int]) -> list[int]:
        """The items of `ks` still owed something (`is_open`, in one comprehension)."""
        owed, changed = self._owed, self._changed
        return [k for k in ks if (changed[k] if k in changed else owed[k]) > 0]

    def owes_in_full(self, k: int) -> bool:
        """Nothing was allocated to item `k` during this run."""
        known = self._changed.get(k)
        return known is None or known == self._owed[k]


def number_key(number: str) -> str:
    """An invoice number as compared: upper-case letters and digits only."""
    upper = number.upper()
    return upper if upper.isalnum() and upper.isascii() else NOT_ALNUM.sub("", upper)


class Book:
    """Indexes over the open items and what is still owed on each as matching proceeds."""

    def __init__(
        self,
        items: Sequence[OpenItem],
        customers: Iterable[Customer | PayingCustomer],
        references: Mapping[str, Sequence[str]],
        plans: Iterable[PaymentPlan] = (),
        amounts: Collection[int] | None = None,
    ) -> None:
        """`amounts`, when given, are every amount (minor units) `of_amount` will be asked
        about: only the items owed one of them are indexed by amount."""
        self.items = items
        columns = self.columns = as_columns(items)
        self.left = Owed(columns)
        self._sorted: set[int] = set()  # ids of the index lists already sorted
        self._in_order: bool | None = None  # the items are oldest due first (known once)
        # the key of each item's number (`number_key`), as the rules compare numbers
        keys = self.keys = _number_keys(columns.numbers)
        self.by_number: dict[str, int] = dict(zip(keys, range(len(keys)), strict=True))
        if len(self.by_number) < len(keys):
            # The first invoice with a key wins, as dict() keeps the last value of a key.
            self.by_number = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        # Shapes of our numbers, so typing mistakes are only looked for in tokens that could
        # be one of them.
        self.number_lengths = set(map(len, keys))
        self.numeric_numbers = any(map(str.isdigit, keys))
        self._by_customer: dict[str, list[int]] = defaultdict(list)
        by_customer = self._by_customer
        for k, ref in enumerate(columns.customer_refs):
            by_customer[ref].append(k)
        # open amounts in minor units (Money is always held at its currency's minor unit)
        self._by_amount: dict[int, list[int]] = defaultdict(list)
        by_amount, owed = self._by_amount, columns.owed
        # A million items owe nearly a million amounts, and a statement pays a few: the
        # items owed one of them are picked in C.
        paid = compress(count(), map(amounts.__contains__, owed)) if amounts is not None else None
        for k in range(len(owed)) if paid is None else paid:
            by_amount[owed[k]].append(k)
        self.references = {
            iso11649.compact(ref): tuple(numbers) for ref, numbers in references.items()
        }
        self._raw_names: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self.customers_of_iban: dict[str, set[str]] = defaultdict(set)
        for customer in customers:
            self._raw_names[customer.ref] = customer.name
            for iban in customer.ibans:
                self.customers_of_iban[iban_key(iban)].add(customer.ref)
        self.plans_of: dict[str, list[PaymentPlan]] = defaultdict(list)
        for plan in plans:
            if plan.instalments:
                self.plans_of[plan.customer_ref].append(plan)

    @property
    def customer_names(self) -> Mapping[str, str]:
        """Each customer's name as given, by reference."""
        return self._raw_names

    def _oldest_first(self, found: list[int]) -> list[int]:
        # Index lists are sorted when first used: most are never used. They are made in the
        # items' order, so items already oldest due first leave nothing to sort.
        if self._in_order is None:
            self._in_order = _oldest_first(self.columns.due_dates, self.columns.numbers)
        if not self._in_order and id(found) not in self._sorted:
            due, numbers = self.columns.due_dates, self.columns.numbers
            found.sort(key=lambda k: (due[k], numbers[k]))
            self._sorted.add(id(found))
        return found

    def name(self, customer_ref: str) -> str:
        """The customer's normalized name, made when first needed."""
        found = self._names.get(customer_ref)
        if found is None:
            found = self._names[customer_ref] = normalize_name(
                self._raw_names.get(customer_ref, "")
            )
        return found

    def index_of(self, number: str) -> int | None:
        return self.by_number.get(number_key(number))

    def of_customer(self, customer_ref: str) -> list[int]:
        found = self._by_customer.get(customer_ref)
        return self._oldest_first(found) if found is not None else []

    def of_amount(self, amount: Money) -> list[int]:
        found = self._by_amount.get(amount.to_minor())
        if found is None:
            return []
        currencies, currency = self.columns.currencies, amount.currency
        return [k for k in self._oldest_first(found) if currencies[k] == currency]

    def open_of(self, customer_ref: str, currency: str) -> list[int]:
        currencies = self.columns.currencies
        found = self.left.open_among(self.of_customer(customer_ref))
        return [k for k in found if currencies[k] == currency]


def _oldest_first(due_dates: list[date], numbers: list[str]) -> bool:
    """Whether items with these due dates and numbers are oldest due first, then by number
    (as the ledger reads them on SQLite): compared pair by pair, in C."""
    if not all(map(operator.le, due_dates, islice(due_dates, 1, None))):
        return False
    # Where two neighbours fall due the same day, their numbers must be in order.
    ties = map(operator.eq, due_dates, islice(due_dates, 1, None))
    also = map(operator.eq, due_dates, islice(due_dates, 1, None))
    return all(map(operator.le, compress(numbers, ties), compress(islice(numbers, 1, None), also)))


def _number_keys(numbers: list[str]) -> list[str]:
    """The key of each number (`number_key`); a number already in upper case is its own
    key: no second string of it is kept."""
    every = "".join(numbers)
    if every.isascii() and every.isalnum() and every == every.upper():
        return numbers  # a million numbers checked at once, in C
    keys = [
        (number if key == number else key)
        if key.isalnum() and key.isascii()
        else NOT_ALNUM.sub("", key)
        for number, key in zip(numbers, map(str.upper, numbers), strict=True)
    ]
    return keys


def minor(money: Money) -> int:
    """The amount in minor units (cents)."""
    return money.to_minor()


def discount_of(book: Book, k: int, day: date, discount: DiscountRule | None) -> int:
    """The discount in minor units on item `k` paid on `day`, only on an untouched invoice."""
    if discount is None or not book.left.owes_in_full(k):
        return 0
    granted = minor(discount(book.items[k].invoice, day))
    return granted if 0 < granted < book.left[k] else 0


def settles(
    book: Book, ks: Sequence[int], amount: int, day: date, discount: DiscountRule | None
) -> tuple[bool, bool]:
    """(the amount settles exactly these items, only with their discount)."""
    owed = sum(book.left[k] for k in ks)
    if owed == amount:
        return True, False
    if discount is not None:
        discounted = owed - sum(discount_of(book, k, day, discount) for k in ks)
        if discounted == amount and discounted < owed:
            return True, True
    return False, False


def near_keys(key: str) -> Iterator[str]:
    """`key` with one digit changed or two neighbours swapped: the usual typing mistakes."""
    for at, char in enumerate(key):
        if char.isdigit():
            for digit in "0123456789":
                if digit != char:
                    yield key[:at] + digit + key[at + 1 :]
        if at + 1 < len(key) and key[at + 1] != char:
            yield key[:at] + key[at + 1] + char + key[at + 2 :]


def number_keys(token: str) -> list[str]:
    """Keys an invoice number could have inside `token`, longest first.

    "FACT.F2026-0010" may be the number "F2026-0010" glued to a word, so every run of
    consecutive parts is tried (bounded: a token has few parts).
    """
    parts = _SEPARATOR.split(token)
    if len(parts) == 1:
        return [token] if len(token) >= _MIN_NUMBER_LENGTH else []
    parts = parts[:8]
    runs = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    return sorted((r for r in runs if len(r) >= _MIN_NUMBER_LENGTH), key=lambda r: (-len(r), r))


def sets_paying(
    book: Book, ks: Sequence[int], amount: int, window: int, largest: int
) -> list[tuple[int, ...]]:
    """The sets of two to `largest` items among the first `window` of `ks` whose amounts
    still owed add up to `amount` (minor units): a bounded search."""
    return [
        combo
        for size in range(2, largest + 1)
        for combo in itertools.combinations(ks[:window], size)
        if sum(book.left[k] for k in combo) == amount
    ]
