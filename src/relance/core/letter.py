"""The content of one communication to a debtor: a reminder letter or e-mail, before layout.

`compose_letter` gathers, from the ledger's records, everything docs/process.md asks a
collection letter to carry: who writes (creditor identity and contact), to whom (debtor
and postal address), place and date, a reference and an RF creditor reference, the
overdue invoices (number, date, subject, amount, due date, days late, open balance), the
total due, the deadline, how to pay, the previous letters from level 2 on, the charges
the law allows (computed elsewhere and passed in as rows) and the signatory.

Nothing here lays out a page or picks words: templates give the wording, the renderer
the layout. Money and dates are formatted per language with Babel, here, so that the
renderer and the compliance check agree on how an amount or a date reads.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency

from relance.core.deposits import deposit_subject
from relance.core.exchanges import Exchange
from relance.core.locales import letter_locale as letter_locale
from relance.core.locales import locale_of as locale_of
from relance.core.model import Creditor, Customer, CustomerKind, Invoice
from relance.core.money import Money, total
from relance.core.reference import InvalidReferenceKey, creditor_reference

LANGUAGES = ("fr", "en")


class Tone(StrEnum):
    """How a level speaks: courteous at levels 0-2, firm at 3, formal (final notice) at 4."""

    COURTEOUS = "courteous"
    FIRM = "firm"
    FORMAL = "formal"


class PaymentMethod(StrEnum):
    """The ways a debtor may pay, as listed in the letter."""

    TRANSFER = "transfer"
    CARD = "card"
    CHEQUE = "cheque"


# Days given to pay, counted from the letter's date, per level. Level 3 and the formal
# notice give 8 days: a mise en demeure customarily leaves 8 to 15 days.
DEFAULT_DEADLINE_DAYS: Mapping[int, int] = {0: 7, 1: 10, 2: 10, 3: 8, 4: 8}
# A registered letter (the formal notice) states one date: the eight days it leaves to pay,
# counted from receipt, plus about a week for the letter to be posted and delivered (or
# collected at the post office), so it never gives two deadlines that could contradict.
REGISTERED_DEADLINE_DAYS = 15


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One overdue invoice as the debtor reads it in the letter's table."""

    number: str
    issue_date: date
    subject: str
    amount: Money
    due_date: date
    days_late: int
    open_balance: Money
    tax: Money | None = None  # the tax part of `amount`, for a duplicate of the invoice
    document: str = ""  # the invoice's own PDF (an imported Factur-X), when the ledger has one
    stage: str = ""  # the step this letter is for this invoice (the policy's level name)


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """A charge the law allows (late interest, fixed indemnity), computed by the law engine.

    `amount` None: a sentence with no figure (interest claimed separately, or running from
    the notice's receipt), never printed as 0,00. A charge in another currency than the
    letter's (the 40 EUR on a GBP invoice) is listed on its own line, outside the total.
    """

    label: str
    amount: Money | None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class PreviousLetter:
    """An earlier reminder recalled in the letter: its level, date and channel."""

    level: int
    sent_on: date
    channel: str = "letter"


@dataclass(frozen=True, slots=True)
class Letter:
    """Everything one reminder says, in one language, before wording and layout."""

    creditor: Creditor
    debtor: Customer
    language: str
    level: int
    tone: Tone
    template_key: str
    place: str
    dated: date
    reference: str
    rf_reference: str
    rows: tuple[InvoiceRow, ...]
    charges: tuple[ChargeLine, ...]
    principal_due: Money
    total_due: Money
    deadline: date
    payment_methods: tuple[PaymentMethod, ...]
    previous: tuple[PreviousLetter, ...]
    registered: bool
    signatory_name: str
    signatory_title: str
    # What the customer said since the oldest due date (promises, disputes, calls...): a
    # letter names them rather than speak of silence (`relance.core.exchanges`).
    exchanges: tuple[Exchange, ...] = ()
    # Payments received on account and not yet allocated, taken off the total due.
    credit_on_account: Money | None = None
    # The customer's other overdue invoices, listed apart: the letter's step does not
    # cover them (each is at its own stage) and its total does not count them.
    also_due: tuple[InvoiceRow, ...] = ()

    @property
    def also_due_total(self) -> Money:
        """What the invoices listed apart add up to."""
        return total((row.open_balance for row in self.also_due), self.currency)

    @property
    def currency(self) -> str:
        """The letter's currency (every row shares it)."""
        return self.total_due.currency

    @property
    def locale(self) -> str:
        """The Babel locale of every amount and date the letter prints (`letter_locale`)."""
        return letter_locale(self.language, self.debtor.country)

    @property
    def is_consumer(self) -> bool:
        """True when the debtor is a consumer (no business indemnity, softer vocabulary)."""
        return self.debtor.kind is CustomerKind.CONSUMER

    @property
    def oldest_due_date(self) -> date:
        """Due date of the oldest invoice in the letter."""
        return min(row.due_date for row in self.rows)


@dataclass(frozen=True, slots=True)
class ComposeResult:
    """A composed letter, or None with the problems that prevented it."""

    letter: Letter | None
    problems: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def format_money(amount: Money, locale: str) -> str:
    """`1 234,56 €` in French, `£1,234.56` in English (Babel, CLDR data).

    `locale` is a letter's (`Letter.locale`) or a language (``fr``, ``en``).
    """
    # Cached: Babel's formatting is the costliest step of a letter after the PDF itself,
    # and a batch repeats the same amounts.
    return str(format_currency(amount.amount, amount.currency, locale=locale_of(locale)))


@lru_cache(maxsize=4096)
def format_day(day: date, locale: str) -> str:
    """`19 février 2018` (and `1er mars 2018`) in French, `19 February 2018` in British
    English, `February 19, 2018` in American English."""
    chosen = locale_of(locale)
    text = str(format_date(day, "long", locale=chosen))
    if chosen.startswith("fr") and day.day == 1:
        # French writes the first day of a month as an ordinal: "1er mars".
        text = "1er" + text[1:]
    return text


@lru_cache(maxsize=4096)
def format_short_day(day: date, locale: str) -> str:
    """`19/02/2018` in French, `19 Feb 2018` (UK) or `Feb 19, 2018` (US) in English."""
    chosen = locale_of(locale)
    style = "short" if chosen.startswith("fr") else "medium"
    return str(format_date(day, style, locale=chosen))


def pick_language(creditor: Creditor, customer: Customer) -> str:
    """The debtor's language when relance writes it, else the creditor's, else French."""
    for language in (customer.language, creditor.language):
        if language in LANGUAGES:
            return language
    return "fr"


def default_payment_methods(creditor: Creditor) -> tuple[PaymentMethod, ...]:
    """Transfer when the creditor has an IBAN, and a cheque in every case."""
    methods = [PaymentMethod.TRANSFER] if creditor.iban else []
    methods.append(PaymentMethod.CHEQUE)
    return tuple(methods)


def compose_letter(
    *,
    creditor: Creditor,
    customer: Customer,
    invoices: Sequence[Invoice],
    balances: Mapping[str, Money],
    as_of: date,
    level: int,
    tone: Tone,
    template_key: str,
    reference: str,
    deadline: date | None = None,
    previous: Sequence[PreviousLetter] = (),
    charges: Sequence[ChargeLine] = (),
    payment_methods: Sequence[PaymentMethod] | None = None,
    registered: bool = False,
    language: str | None = None,
    exchanges: Sequence[Exchange] = (),
    credit: Money | None = None,
    stages: Mapping[str, str] | None = None,
    also_due: Collection[str] = (),
    deposits: Mapping[str, str] | None = None,
) -> ComposeResult:
    """Compose the reminder of `level` to `customer` about `invoices`, dated `as_of`.

    `balances` maps each invoice number to its open balance as of `as_of` (see
    `relance.core.ledger.open_balance`). Invoices with nothing left to pay are left out.
    `reference` identifies the communication (the action's id); the RF creditor reference
    is made from it. Returns the letter, or None with the problems naming what is wrong:
    nothing overdue, currencies mixed, a reference that cannot be made. `credit` is what
    the customer paid on account and is not allocated yet: the letter states it and
    claims only the rest. `stages` names each invoice's step; the invoices in `also_due`
    are listed apart (`Letter.also_due`): the letter's step does not cover them and its
    total leaves them out; a deposit invoice's row names its final invoice (`deposits`)."""
    language = language or pick_language(creditor, customer)
    rows, apart, problems = _invoice_rows(
        customer, invoices, balances, as_of, stages or {}, also_due, (deposits or {}, language)
    )
    rf_reference = _checked_reference(customer, rows, as_of, reference, problems)
    if problems:
        return ComposeResult(None, tuple(problems))
    currency = rows[0].open_balance.currency
    # Invoices in another currency are left to their own letter: one letter, one currency.
    apart = [row for row in apart if row.open_balance.currency == currency]
    principal, grand_total, on_account = _amounts_due(rows, charges, credit, currency)
    letter = Letter(
        creditor=creditor, debtor=customer,
        language=language,
        level=level, tone=tone, template_key=template_key,
        place=creditor.address.city, dated=as_of, reference=reference, rf_reference=rf_reference,
        rows=tuple(rows), charges=tuple(charges), principal_due=principal, total_due=grand_total,
        deadline=deadline or _default_deadline(as_of, level, registered),
        payment_methods=tuple(payment_methods or default_payment_methods(creditor)),
        previous=_recalled(previous, level), registered=registered,
        signatory_name=creditor.signatory_name, signatory_title=creditor.signatory_title,
        exchanges=tuple(exchanges), credit_on_account=on_account, also_due=tuple(apart),
    )  # fmt: skip
    return ComposeResult(letter)


def _invoice_rows(
    customer: Customer,
    invoices: Sequence[Invoice],
    balances: Mapping[str, Money],
    as_of: date,
    stages: Mapping[str, str],
    also_due: Collection[str],
    deposits: tuple[Mapping[str, str], str] = ({}, "fr"),
) -> tuple[list[InvoiceRow], list[InvoiceRow], list[str]]:
    """The rows the letter chases, the rows it lists apart (`also_due`), and the problems
    with the invoices given, oldest due date first; a paid invoice is left out. A deposit
    invoice (`deposits`: its final invoice by number, and the letter's language) says so."""
    finals, language = deposits
    problems: list[str] = []
    rows: list[InvoiceRow] = []
    apart: list[InvoiceRow] = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.customer_ref != customer.ref:
            problems.append(f"invoice {invoice.number} belongs to {invoice.customer_ref}")
            continue
        balance = balances.get(invoice.number)
        if balance is None:
            problems.append(f"invoice {invoice.number}: no open balance given")
            continue
        if not balance.is_positive:
            continue  # paid since the action was proposed: not chased
        (apart if invoice.number in also_due else rows).append(
            InvoiceRow(
                number=invoice.number,
                issue_date=invoice.issue_date,
                subject=deposit_subject(invoice.subject, finals[invoice.number], language)
                if invoice.number in finals
                else invoice.subject,
                amount=invoice.amount,
                due_date=invoice.due_date,
                days_late=max(0, (as_of - invoice.due_date).days),
                open_balance=balance,
                tax=invoice.tax,
                document=invoice.pdf_path,
                stage=stages.get(invoice.number, ""),
            )
        )
    return rows, apart, problems


def _default_deadline(as_of: date, level: int, registered: bool) -> date:
    """The day to pay by when the caller names none: the level's delay, or the registered
    letter's."""
    days = REGISTERED_DEADLINE_DAYS if registered else DEFAULT_DEADLINE_DAYS.get(level, 8)
    return as_of + timedelta(days=days)


def _recalled(previous: Sequence[PreviousLetter], level: int) -> tuple[PreviousLetter, ...]:
    """The earlier letters a letter recalls, oldest first: recalling them is what level 2
    onwards adds (docs/process.md, second letter)."""
    return tuple(sorted(previous, key=lambda p: p.sent_on)) if level >= 2 else ()


def _checked_reference(
    customer: Customer,
    rows: Sequence[InvoiceRow],
    as_of: date,
    reference: str,
    problems: list[str],
) -> str:
    """The RF creditor reference made from `reference` (empty when it cannot be made),
    adding to `problems` what forbids the letter: nothing owed, currencies mixed, a
    reference with no valid check digits."""
    if not rows:
        problems.append(f"nothing is owed by {customer.ref} as of {as_of.isoformat()}")
    currencies = {row.open_balance.currency for row in rows}
    if len(currencies) > 1:
        problems.append(f"one letter cannot mix currencies: {', '.join(sorted(currencies))}")
    try:
        return creditor_reference(reference)
    except InvalidReferenceKey as exc:
        problems.append(str(exc))
        return ""


def _amounts_due(
    rows: Sequence[InvoiceRow],
    charges: Sequence[ChargeLine],
    credit: Money | None,
    currency: str,
) -> tuple[Money, Money, Money | None]:
    """The principal, the total due and the credit on account the letter deducts (None
    when there is none in its currency): charges without a figure add nothing."""
    principal = total((row.open_balance for row in rows), currency)
    owed = [c.amount for c in charges if c.amount is not None and c.amount.currency == currency]
    grand_total = principal + total(owed, currency)
    on_account = None
    if credit is not None and credit.is_positive and credit.currency == currency:
        on_account = min(credit, grand_total)
        grand_total = grand_total - on_account
    return principal, grand_total, on_account
