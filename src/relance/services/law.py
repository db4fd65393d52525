"""Use cases of the law of late payment: interest, limitation, contracts, discounts, write-offs.

The pure rules live in `relance.core` (interest, charges, limitation, terms, writeoff);
this module reads what they need from the database (the ledger, the customer's contract,
formal notices, interruptions), calls them, and records decisions with an event each.
The jurisdiction rule sets and rate tables are the data files of `relance/rules/`, read
once per process.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from sqlalchemy import Connection, func, select

from relance.adapters.formats.fec_export import write_fec
from relance.adapters.rules_files import load_jurisdictions, load_rate_book
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import tables as t
from relance.bootstrap import Store
from relance.core.charges import Charge, ChargeKind, Charges, customer_charges
from relance.core.interest import BasisKind, InterestLine
from relance.core.jurisdiction import (
    Contract,
    Jurisdictions,
    RuleSet,
    RuleSetNotForConsumers,
    limitation_years,
)
from relance.core.ledger import Ledger, open_balance
from relance.core.limitation import (
    Interruption,
    InterruptionKind,
    LimitationStatus,
    add_years,
    interruptions_from_payments,
    limitation_status,
)
from relance.core.model import Allocation, AllocationKind, Creditor, Customer, Invoice
from relance.core.money import Money, total
from relance.core.rates import RateBook
from relance.core.terms import TermCheck, check_payment_term, discount_allocation
from relance.core.writeoff import (
    AgencyHandoff,
    HandoffStatus,
    JournalEntry,
    WriteOffDecision,
    WriteOffReason,
    decide_write_off,
    handoff_status,
    write_off_allocation,
    write_off_entry,
)

T = TypeVar("T")

# -- the rules files ----------------------------------------------------------


@cache
def rules() -> tuple[Jurisdictions, RateBook]:
    """The shipped rule sets and rate tables, read once per process."""
    return load_jurisdictions(), load_rate_book()


def _rule_set(creditor: Creditor, customer: Customer, contract: Contract | None) -> RuleSet:
    jurisdictions, _ = rules()
    return jurisdictions.select(
        creditor.country, customer.country, customer.kind, contract, customer_ref=customer.ref
    )


def _rule_set_or_table(
    creditor: Creditor, customer: Customer, contract: Contract | None
) -> RuleSet:
    """As `_rule_set`, but a contract that puts a consumer under a rule set for businesses
    only falls back to the selection table: a daily run must not stop on one bad contract,
    and the consumer's own rules (a shorter limitation, no term cap) are the safe side."""
    try:
        return _rule_set(creditor, customer, contract)
    except RuleSetNotForConsumers:
        assert contract is not None
        return _rule_set(creditor, customer, dataclasses.replace(contract, rule_set=None))


def _need_creditor(conn: Connection) -> Creditor:
    creditor = repo.load_creditor(conn)
    if creditor is None:
        raise LookupError("no creditor yet: run `relance init` first")
    return creditor


def _chunked(items: Sequence[str], size: int = 5000) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- limitation: what the engine asks every day ------------------------------


class _LimitationTerms(NamedTuple):
    years: int
    payments_acknowledge: bool  # the rule set's setting: a payment restarts the period


def _limitation_terms(
    creditor: Creditor, customers: Iterable[Customer], contracts: Mapping[str, Contract]
) -> dict[str, _LimitationTerms]:
    terms = {}
    for customer in customers:
        contract = contracts.get(customer.ref)
        rule_set = _rule_set_or_table(creditor, customer, contract)
        terms[customer.ref] = _LimitationTerms(
            limitation_years(rule_set, contract), rule_set.payments_acknowledge
        )
    return terms


def _interruptions(
    conn: Connection, numbers: Sequence[str], with_payments: Sequence[str] | None = None
) -> list[Interruption]:
    """Recorded interruptions and, as partial-payment acknowledgements, the payments of
    the invoices `with_payments` (default: all of `numbers`), those whose rule set counts
    a payment as an acknowledgement (`RuleSet.payments_acknowledge`)."""
    found = law_repo.load_interruptions(conn, numbers)
    for chunk in _chunked(list(numbers if with_payments is None else with_payments)):
        found.extend(interruptions_from_payments(repo.load_allocations(conn, chunk)))
    return found


def shortest_limitation_years(jurisdictions: Jurisdictions, contracts: Iterable[Contract]) -> int:
    """The shortest period any open invoice can have: the least of every rule set's figure
    and every contract's own figure (France: 2 years, against a consumer)."""
    figures = [rule_set.limitation_years for rule_set in jurisdictions.rule_sets]
    figures.extend(c.limitation_years for c in contracts if c.limitation_years is not None)
    return min(figures)


def _latest_due_date(horizon: date, years: int) -> date:
    """A due date after which no claim of `years` or more can expire by `horizon`.

    `add_years` is monotonic in the due date, so every due date whose plain period ends by
    the horizon is on or before this day; one day of slack covers 29 February either way
    (the exact test on each loaded invoice follows).
    """
    year = horizon.year - years
    day = horizon.day
    if horizon.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, horizon.month, day) + timedelta(days=1)


def _open_invoices_due_by(
    conn: Connection, as_of: date, due_by: date
) -> list[tuple[Invoice, Money]]:
    """As `repo.open_invoice_balances`, limited in SQL to invoices due on or before
    `due_by`: a daily run then reads the few old invoices, not the whole open ledger."""
    inv = t.invoices
    allocated = (
        select(t.allocations.c.invoice_id, func.sum(t.allocations.c.amount_minor).label("paid"))
        .where(t.allocations.c.date <= as_of)
        .group_by(t.allocations.c.invoice_id)
        .subquery()
    )
    open_minor = inv.c.amount_minor - func.coalesce(allocated.c.paid, 0)
    query = (
        select(inv.c.number, t.customers.c.ref, inv.c.issue_date, inv.c.due_date, inv.c.currency,
               inv.c.amount_minor, inv.c.tax_minor, inv.c.subject, inv.c.pdf_path, open_minor)
        .join(t.customers, t.customers.c.id == inv.c.customer_id)
        .outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(inv.c.due_date <= due_by, inv.c.issue_date <= as_of, open_minor > 0)
        .order_by(inv.c.due_date, inv.c.number)
    )  # fmt: skip
    found = []
    for row in conn.execute(query).all():
        invoice = repo.invoice_from_row(row[:-1])
        found.append((invoice, Money.from_minor(int(row[-1]), invoice.currency)))
    return found


def _limitation_statuses(
    conn: Connection, as_of: date, horizon: date
) -> list[tuple[Invoice, Money, LimitationStatus]]:
    """Open invoices whose claim would be time-barred by `horizon` without interruptions,
    with their status taking interruptions into account."""
    creditor = repo.load_creditor(conn)
    if creditor is None:
        return []
    contracts = law_repo.load_contracts(conn)
    # Only an invoice due before the horizon less the shortest period can be concerned:
    # the database leaves the others out, so a daily run does not read the open ledger.
    shortest = shortest_limitation_years(rules()[0], contracts.values())
    balances = _open_invoices_due_by(conn, as_of, _latest_due_date(horizon, shortest))
    if not balances:
        return []
    refs = sorted({invoice.customer_ref for invoice, _ in balances})
    customers = [c for chunk in _chunked(refs) for c in repo.load_customers(conn, chunk)]
    terms = _limitation_terms(creditor, customers, contracts)
    years = {ref: term.years for ref, term in terms.items()}
    # An interruption only ever pushes the last day later, so an invoice whose plain
    # period ends after the horizon cannot be concerned: skip loading its events.
    candidates = [
        (invoice, owed)
        for invoice, owed in balances
        if add_years(invoice.due_date, years[invoice.customer_ref]) <= horizon
    ]
    if not candidates:
        return []
    events = _interruptions(
        conn,
        [invoice.number for invoice, _ in candidates],
        [
            invoice.number
            for invoice, _ in candidates
            if terms[invoice.customer_ref].payments_acknowledge
        ],
    )
    by_invoice: dict[str, list[Interruption]] = {}
    for event in events:
        by_invoice.setdefault(event.invoice_number, []).append(event)
    return [
        (
            invoice,
            owed,
            limitation_status(
                invoice,
                years[invoice.customer_ref],
                by_invoice.get(invoice.number, ()),
                as_of,
            ),
        )
        for invoice, owed in candidates
    ]


def time_barred_invoices(conn: Connection, as_of: date) -> frozenset[str]:
    """Numbers of the open invoices whose claim is time-barred on `as_of`.

    The engine flags these and never proposes a step on them. Each invoice's period
    comes from its customer's rule set or contract (France: 5 years between businesses,
    2 against a consumer), restarted by recorded interruptions and, where the rule set's
    `payments_acknowledge` setting is on (the default), by payments. Empty before the
    creditor is set up.
    """
    return frozenset(
        invoice.number
        for invoice, _, status in _limitation_statuses(conn, as_of, as_of - timedelta(days=1))
        if status.is_time_barred(as_of)
    )


@dataclass(frozen=True, slots=True)
class LimitationLine:
    """One open invoice's claim against its limitation period."""

    invoice: Invoice
    open_balance: Money
    status: LimitationStatus
    time_barred: bool
    days_left: int  # negative once time-barred


def limitation_report(store: Store, as_of: date, within: timedelta) -> tuple[LimitationLine, ...]:
    """Open debts whose claim expires within `within` of `as_of`, and those already
    time-barred, soonest last day first."""
    with store.begin() as conn:
        statuses = _limitation_statuses(conn, as_of, as_of + within)
    lines = [
        LimitationLine(
            invoice,
            owed,
            status,
            status.is_time_barred(as_of),
            status.days_left(as_of),
        )
        for invoice, owed, status in statuses
        if status.last_day <= as_of + within
    ]
    return tuple(sorted(lines, key=lambda line: (line.status.last_day, line.invoice.number)))


def record_interruption(
    store: Store,
    target: str,
    kind: InterruptionKind,
    on: date,
    note: str = "",
    actor: str = "user",
) -> tuple[Interruption, ...]:
    """Record an acknowledgement of debt, legal action... for one invoice, or for every
    invoice of a customer still open on `on`; one event in the log. Returns what was
    recorded (LookupError when `target` is neither an invoice nor a customer)."""
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[target])
        if invoices:
            customer_ref = invoices[0].customer_ref
        else:
            law_repo.customer_id(conn, target)  # raises LookupError for an unknown target
            customer_ref = target
            invoices = [i for i, _ in repo.open_invoice_balances(conn, on, customer_ref)]
        recorded = tuple(Interruption(i.number, kind, on, note) for i in invoices)
        for interruption in recorded:
            law_repo.add_interruption(conn, interruption)
        repo.append_event(
            conn,
            "limitation_interruption",
            actor=actor,
            customer_ref=customer_ref,
            subject=target,
            data={
                "kind": kind.value,
                "date": on.isoformat(),
                "invoices": [i.invoice_number for i in recorded],
                "note": note,
            },
            reason=note,
        )
    return recorded


# -- contracts and formal notices ---------------------------------------------

_CONTRACT_FIELDS = frozenset(f.name for f in dataclasses.fields(Contract)) - {"formal_notice"}


def set_contract(
    store: Store,
    customer_ref: str,
    changes: Mapping[str, Any],
    actor: str = "user",
    reason: str = "",
) -> Contract:
    """Change some of a customer's contract terms (the others are kept) and log it.

    `changes` names `Contract` fields (rule_set, rate, fee_per_invoice, fee_per_letter,
    discount, limitation_years, waive_interest, waive_indemnity). A named rule set must
    exist, and not be one for businesses only when the customer is a consumer
    (`RuleSetNotForConsumers`, a ValueError naming both). Returns the contract as stored.
    """
    unknown = set(changes) - _CONTRACT_FIELDS
    if unknown:
        raise ValueError(f"not contract terms: {', '.join(sorted(unknown))}")
    rule_set = changes.get("rule_set")
    with store.begin() as conn:
        if rule_set is not None:
            found = repo.load_customers(conn, [customer_ref])
            if not found:
                raise LookupError(f"unknown customer {customer_ref!r}")
            # UnknownRuleSet (a LookupError) names the known codes
            rules()[0].check_for(rule_set, found[0].kind, customer_ref)
        current = law_repo.load_contracts(conn, [customer_ref]).get(customer_ref, Contract())
        contract = dataclasses.replace(current, **changes)
        law_repo.save_contract(conn, customer_ref, contract)
        repo.append_event(
            conn,
            "contract_terms",
            actor=actor,
            customer_ref=customer_ref,
            subject=customer_ref,
            data={key: _plain(value) for key, value in changes.items()},
            reason=reason,
        )
    return contract


def _plain(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def contract_of(store: Store, customer_ref: str) -> Contract:
    """The customer's stored contract terms (an empty `Contract` when none)."""
    with store.begin() as conn:
        law_repo.customer_id(conn, customer_ref)
        return law_repo.load_contracts(conn, [customer_ref]).get(customer_ref, Contract())


def record_formal_notice(
    store_or_conn: Store | Connection,
    customer_ref: str,
    on: date,
    invoice_number: str | None = None,
    note: str = "",
    actor: str = "user",
) -> None:
    """Record that a customer received a formal notice on `on` (for one invoice or all).

    Against a consumer in France, legal-rate interest runs from the day after it, on the
    invoice it names; a notice for the whole customer (`invoice_number` None) covers only
    the invoices already due on `on`.
    """

    def work(conn: Connection) -> None:
        law_repo.add_formal_notice(conn, customer_ref, on, invoice_number, note)
        repo.append_event(
            conn,
            "formal_notice",
            actor=actor,
            customer_ref=customer_ref,
            subject=invoice_number or customer_ref,
            data={"date": on.isoformat(), "invoice": invoice_number},
            reason=note,
        )

    _with_conn(store_or_conn, work)


def formal_notice_for(
    store: Store, target: str, on: date, note: str = "", actor: str = "user"
) -> tuple[str, str | None]:
    """Record a formal notice for an invoice (by number) or a whole customer (by ref);
    returns (customer ref, invoice number or None). LookupError when neither."""
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[target])
        ref, number = (invoices[0].customer_ref, target) if invoices else (target, None)
        record_formal_notice(conn, ref, on, number, note, actor)
    return ref, number


def _with_conn(store_or_conn: Store | Connection, work: Callable[[Connection], T]) -> T:
    if isinstance(store_or_conn, Store):
        with store_or_conn.begin() as conn:
            return work(conn)
    return work(store_or_conn)


# -- interest and charges -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterestReport:
    """What a customer owes beyond the principal as of a date, invoice by invoice."""

    target: str
    customer: Customer
    rule_set: RuleSet
    as_of: date
    claims: tuple[Charges, ...]
    problems: tuple[str, ...] = ()

    def totals(self, kind: ChargeKind | None = None) -> dict[str, Money]:
        """Sum of the charges (of one kind, or all) per currency."""
        sums: dict[str, Money] = {}
        for claim in self.claims:
            for item in claim.items:
                if kind is None or item.kind is kind:
                    sums[claim.currency] = sums.get(claim.currency, Money.zero(claim.currency)) + (
                        item.amount
                    )
        return sums


def _customer_claims(
    conn: Connection,
    customer_ref: str,
    as_of: date,
    only: Sequence[str] | None = None,
) -> tuple[Customer, RuleSet, tuple[Charges, ...], tuple[str, ...]]:
    creditor = _need_creditor(conn)
    found = repo.load_customers(conn, [customer_ref])
    if not found:
        raise LookupError(f"unknown customer {customer_ref!r}")
    customer = found[0]
    base = law_repo.load_contracts(conn, [customer_ref]).get(customer_ref)
    notices = law_repo.formal_notices(conn, customer_ref)
    invoices = repo.load_invoices(conn, customer_ref, numbers=only)
    allocations = repo.load_allocations(conn, [i.number for i in invoices])
    ledger = Ledger(customers=(customer,), invoices=tuple(invoices), allocations=tuple(allocations))
    rule_set = _rule_set(creditor, customer, base)
    jurisdictions, rates = rules()
    claims = customer_charges(
        ledger, creditor, customer_ref, jurisdictions, rates, as_of, base, notices
    )
    late = {claim.invoice_number for claim in claims}
    problems = tuple(
        f"invoice {invoice.number} was not late on {as_of.isoformat()}"
        for invoice in invoices
        if only is not None and invoice.number not in late
    )
    return customer, rule_set, claims, problems


def interest_report(store: Store, target: str, as_of: date) -> InterestReport:
    """Interest, indemnities and fees claimable as of `as_of` on an invoice (by number) or
    on every late invoice of a customer (by reference).

    Raises LookupError when `target` is neither. A rate missing from its table gives the
    interest up to the gap and a blocking problem in the claim (never a silent zero).
    """
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[target])
        if invoices:
            ref, only = invoices[0].customer_ref, [target]
        else:
            ref, only = target, None
        customer, rule_set, claims, problems = _customer_claims(conn, ref, as_of, only)
    return InterestReport(target, customer, rule_set, as_of, claims, problems)


class ChargeRow(NamedTuple):
    """One line of a letter's table of charges: what, how much, and why."""

    label: str
    amount: Money
    explanation: str


_WORDS = {
    "fr": {
        "interest": "Pénalités de retard, facture {number}, du {start} au {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} jours ({basis})",
        "reference": "{table} au {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "taux contractuel",
        "floor": "plancher légal : {multiple} × {table} ({rate} %)",
        "indemnity_why": "{reference} : indemnité forfaitaire de {amount}",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement, facture {number}",
        "invoice_fee": "Frais contractuels, facture {number}",
        "letter_fee": "Frais de relance contractuels",
    },
    "en": {
        "interest": "Late-payment interest, invoice {number}, {start} to {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} days ({basis})",
        "reference": "{table} on {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "contractual rate",
        "floor": "legal floor: {multiple} × {table} ({rate} %)",
        "indemnity_why": "{reference}: fixed compensation of {amount}",
        "indemnity": "Fixed recovery compensation, invoice {number}",
        "invoice_fee": "Contractual fee, invoice {number}",
        "letter_fee": "Contractual reminder fee",
    },
}


# Rate tables as a letter names them, per language (the data files' titles are English).
_TABLES = {
    "fr": {
        "ecb_mro": "taux de refinancement de la BCE",
        "fr_legal_other": "taux de l'intérêt légal",
        "fr_legal_individual": "taux de l'intérêt légal (particuliers)",
        "boe_base": "taux de base de la Banque d'Angleterre",
    },
    "en": {
        "ecb_mro": "ECB main refinancing rate",
        "fr_legal_other": "French legal interest rate",
        "fr_legal_individual": "French legal interest rate (individuals)",
        "boe_base": "Bank of England base rate",
    },
}


def _basis_text(
    line: InterestLine, words: Mapping[str, str], day: Callable[[date], str], locale: str
) -> str:
    """How the line's rate was found, in the letter's language."""
    basis = line.rate_basis
    if basis is None:
        return line.basis
    tables = _TABLES["fr" if words is _WORDS["fr"] else "en"]
    table = tables.get(basis.table, basis.table)
    rate = format_decimal(basis.rate, locale=locale)
    if basis.kind is BasisKind.CONTRACT:
        return words["contract"]
    if basis.kind is BasisKind.FLOOR:
        multiple = format_decimal(basis.multiple, locale=locale)
        return words["floor"].format(multiple=multiple, table=table, rate=rate)
    assert basis.fixing_day is not None
    text = words["reference"].format(table=table, day=day(basis.fixing_day), rate=rate)
    if basis.margin:
        text += words["margin"].format(margin=format_decimal(basis.margin, locale=locale))
    return text


def _locale(language: str) -> str:
    return "fr_FR" if language == "fr" else "en_GB"


def charge_rows(charges: Iterable[Charges], language: str = "fr") -> tuple[ChargeRow, ...]:
    """The rows a letter prints for `charges`: one per interest line, then each indemnity
    or fee, each with its explanation (arithmetic and legal basis)."""
    words = _WORDS["fr" if language == "fr" else "en"]
    locale = _locale(language)

    def money(amount: Money) -> str:
        return format_currency(amount.amount, amount.currency, locale=locale)

    def day(value: date) -> str:
        return format_date(value, format="short" if language == "fr" else "medium", locale=locale)

    rows: list[ChargeRow] = []
    for claim in charges:
        for item in claim.items:
            rows.extend(_rows_of(item, claim.invoice_number, words, money, day, locale))
    return tuple(rows)


def _rows_of(
    item: Charge,
    number: str,
    words: Mapping[str, str],
    money: Callable[[Money], str],
    day: Callable[[date], str],
    locale: str,
) -> list[ChargeRow]:
    if item.kind is ChargeKind.INTEREST and item.interest is not None:
        return [
            ChargeRow(
                words["interest"].format(number=number, start=day(line.start), end=day(line.end)),
                line.amount,
                words["interest_why"].format(
                    base=money(line.base),
                    rate=format_decimal(line.rate, locale=locale),
                    days=line.days,
                    year=line.year_days,
                    basis=_basis_text(line, words, day, locale),
                ),
            )
            for line in item.interest.lines
        ]
    label = words[item.kind.value].format(number=number)
    if item.kind is ChargeKind.INDEMNITY:
        why = words["indemnity_why"].format(reference=item.basis, amount=money(item.amount))
        return [ChargeRow(label, item.amount, why)]
    return [ChargeRow(label, item.amount, item.basis)]


class LetterCharges(NamedTuple):
    """The charges a letter states, and what forbids sending it (empty when nothing)."""

    rows: tuple[ChargeRow, ...]
    blocking: tuple[str, ...]


class ChargesBlocked(ValueError):
    """The charges cannot be stated as they stand (a rate missing from its table...)."""


def letter_claim(
    store_or_conn: Store | Connection,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    as_of: date,
) -> LetterCharges:
    """The charges a letter states for these invoices of a customer, as rows of (label,
    amount, explanation) in the customer's language, with the blocking problems that
    forbid sending it (a rate missing from its table: the figure would be partial).

    The policies state charges from the second letter on (`charges = true` on a level).
    Invoices that were not late carry no row; the principal is never among the rows.
    """

    def work(conn: Connection) -> LetterCharges:
        customer, _, claims, _ = _customer_claims(conn, customer_ref, as_of, list(invoice_numbers))
        blocking = tuple(problem for claim in claims for problem in claim.blocking)
        return LetterCharges(charge_rows(claims, customer.language), blocking)

    return _with_conn(store_or_conn, work)


def letter_charges(
    store_or_conn: Store | Connection,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    as_of: date,
) -> tuple[ChargeRow, ...]:
    """The rows of `letter_claim`; raises `ChargesBlocked` (a ValueError) with the
    blocking problems rather than give partial figures."""
    claim = letter_claim(store_or_conn, customer_ref, invoice_numbers, as_of)
    if claim.blocking:
        raise ChargesBlocked("; ".join(claim.blocking))
    return claim.rows


# -- early-payment discounts ---------------------------------------------------


def grant_early_payment_discount(
    conn: Connection, invoice: Invoice, invoice_db_id: int, payment: Allocation
) -> Allocation | None:
    """Called by the import after a payment is allocated to `invoice`: when the invoice
    (or its customer's contract) has discount terms and the payment, made within the
    window, brings what was paid up to the discounted amount, record the rest as a
    DISCOUNT allocation and return it; otherwise do nothing and return None."""
    if payment.kind is not AllocationKind.PAYMENT:
        return None
    terms = law_repo.discount_terms_for(conn, invoice_db_id)
    if terms is None:
        return None
    paid = Money.from_minor(repo.allocated_minor(conn, invoice_db_id), invoice.currency)
    granted = discount_allocation(invoice, terms, paid, payment.date, payment.source)
    if granted is None:
        return None
    repo.add_allocation(conn, granted, invoice_db_id)
    repo.append_event(
        conn,
        "discount",
        actor="import",
        customer_ref=invoice.customer_ref,
        subject=invoice.number,
        data={"terms": str(terms), "amount": str(granted.amount.amount), "payment": payment.source},
        reason=f"paid within the early-payment window ({terms})",
    )
    return granted


def set_invoice_discount(store: Store, invoice_number: str, terms_text: str | None) -> None:
    """Put discount terms such as "2/10 net 30" on one invoice (None removes them)."""
    from relance.core.terms import parse_discount_terms

    terms = parse_discount_terms(terms_text) if terms_text else None
    with store.begin() as conn:
        law_repo.set_invoice_discount(conn, invoice_number, terms)


# -- payment terms ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermWarning:
    """An invoice whose agreed term exceeds (or only fits with a clause) the legal cap."""

    invoice: Invoice
    check: TermCheck
    rule_set: str


def payment_term_warnings(store: Store) -> tuple[TermWarning, ...]:
    """Invoices whose term exceeds their rule set's cap (France B2B: 60 days, or 45 days
    end of month with a clause), by invoice date."""
    with store.begin() as conn:
        creditor = _need_creditor(conn)
        customers = {c.ref: c for c in repo.load_customers(conn)}
        contracts = law_repo.load_contracts(conn)
        invoices = repo.load_invoices(conn)
    by_customer = {
        ref: _rule_set_or_table(creditor, customer, contracts.get(ref))
        for ref, customer in customers.items()
    }
    found = []
    for invoice in invoices:
        rule_set = by_customer[invoice.customer_ref]
        if rule_set.term_cap_days is None:
            continue
        check = check_payment_term(
            invoice, rule_set.term_cap_days, rule_set.term_cap_end_of_month_days
        )
        if check.is_problem:
            found.append(TermWarning(invoice, check, rule_set.code))
    return tuple(sorted(found, key=lambda w: (w.invoice.issue_date, w.invoice.number)))


# -- write-off and agency handoffs ------------------------------------------------


def write_off(
    store: Store,
    invoice_number: str,
    reason: WriteOffReason,
    on: date,
    note: str = "",
    vat_recoverable: bool = True,
    actor: str = "user",
) -> WriteOffDecision:
    """Write off what is still owed on an invoice: record the decision, a WRITE_OFF
    allocation (its status becomes written off) and an event. Raises `NothingToWriteOff`
    (a ValueError) when nothing is owed, LookupError for an unknown invoice."""
    with store.begin() as conn:
        found = repo.load_invoices(conn, numbers=[invoice_number])
        if not found:
            raise LookupError(f"unknown invoice {invoice_number!r}")
        invoice = found[0]
        allocations = repo.load_allocations(conn, [invoice_number])
        # every allocation counts, even one dated after `on`: never write off money received
        owed = invoice.amount - total((a.amount for a in allocations), invoice.currency)
        decision = decide_write_off(invoice, owed, on, reason, note, vat_recoverable)
        repo.add_allocation(
            conn, write_off_allocation(decision), law_repo.invoice_id(conn, invoice_number)
        )
        law_repo.add_write_off(conn, decision)
        repo.append_event(
            conn,
            "write_off",
            actor=actor,
            customer_ref=invoice.customer_ref,
            subject=invoice_number,
            data={
                "date": on.isoformat(),
                "reason": reason.value,
                "amount": str(decision.amount.amount),
                "vat": str(decision.vat.amount),
                "currency": decision.amount.currency,
            },
            reason=note or reason.value,
        )
    return decision


@dataclass(frozen=True, slots=True)
class WriteOffExport:
    """What `export_write_offs` wrote, and what it left out and why."""

    path: Path
    entries: tuple[JournalEntry, ...]
    problems: tuple[str, ...] = ()


def write_off_entries(store: Store) -> tuple[tuple[JournalEntry, ...], tuple[str, ...]]:
    """Every write-off as a journal entry (654 / 44571 / 411), numbered in date order;
    decisions in another currency than EUR are left out with a problem (FEC is in euros)."""
    with store.begin() as conn:
        decisions = law_repo.load_write_offs(conn)
        numbers = [d.invoice_number for d in decisions]
        invoices = {i.number: i for i in repo.load_invoices(conn, numbers=numbers)}
        customers = {
            c.ref: c for c in repo.load_customers(conn, {d.customer_ref for d in decisions})
        }
    problems = [
        f"write-off of {d.invoice_number} is in {d.amount.currency}: "
        "convert it to euros before it can go in a FEC"
        for d in decisions
        if d.amount.currency != "EUR"
    ]
    # numbered after the others are left out: FEC entry numbers run without gaps
    in_euros = [d for d in decisions if d.amount.currency == "EUR"]
    entries = [
        write_off_entry(
            decision,
            invoices[decision.invoice_number],
            customers[decision.customer_ref],
            f"PP{index:06d}",
        )
        for index, decision in enumerate(in_euros, start=1)
    ]
    return tuple(entries), tuple(problems)


def export_write_offs(store: Store, path: Path) -> WriteOffExport:
    """Write every write-off's accounting entry to `path` as FEC lines."""
    entries, problems = write_off_entries(store)
    write_fec(path, entries)
    return WriteOffExport(path, entries, problems)


def record_handoff(
    store: Store,
    invoice_number: str,
    agency: str,
    status: HandoffStatus,
    on: date,
    note: str = "",
    actor: str = "user",
) -> AgencyHandoff:
    """Record that a claim went to (or came back from) a collection agency."""
    handoff = AgencyHandoff(invoice_number, agency, on, status, note)
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[invoice_number])
        if not invoices:
            raise LookupError(f"unknown invoice {invoice_number!r}")
        law_repo.add_handoff(conn, handoff)
        repo.append_event(
            conn,
            "agency_handoff",
            actor=actor,
            customer_ref=invoices[0].customer_ref,
            subject=invoice_number,
            data={"agency": agency, "status": status.value, "date": on.isoformat()},
            reason=note,
        )
    return handoff


def agency_status(store: Store, invoice_number: str, as_of: date) -> HandoffStatus:
    """Where an invoice's claim stands with a collection agency on `as_of`."""
    with store.begin() as conn:
        handoffs = tuple(law_repo.load_handoffs(conn, [invoice_number]))
    return handoff_status(invoice_number, handoffs, as_of)


def open_balance_of(store: Store, invoice_number: str, as_of: date) -> Money:
    """What is still owed on one invoice as of `as_of` (for commands that report it)."""
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[invoice_number])
        if not invoices:
            raise LookupError(f"unknown invoice {invoice_number!r}")
        allocations = repo.load_allocations(conn, [invoice_number])
    ledger = Ledger(invoices=tuple(invoices), allocations=tuple(allocations))
    return open_balance(ledger, invoices[0], as_of)
