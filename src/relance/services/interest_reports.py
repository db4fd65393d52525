"""What a customer owes beyond the principal as of a date: interest, indemnities and
fees per invoice (`relance interest`), read from the ledger and the customer's terms."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.charges import ChargeKind, Charges, customer_charges
from relance.core.interest import FormalNotice
from relance.core.jurisdiction import (
    Contract,
    RuleSet,
)
from relance.core.ledger import Ledger
from relance.core.model import Allocation, Creditor, Customer, Invoice
from relance.core.money import Money
from relance.core.rates import RateBook
from relance.services import rates, rule_sets
from relance.services.rule_sets import need_creditor, rule_set_for


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
                    currency = item.amount.currency  # 40 EUR on a GBP invoice stays in EUR
                    sums[currency] = sums.get(currency, Money.zero(currency)) + item.amount
        return sums


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the charges of letters read of the ledger, for several customers at once (a
    send's chunk): the creditor, the customers, their contracts and formal notices, their
    invoices (by due date) and the allocations to them, the law settings, the rates."""

    creditor: Creditor
    customers: dict[str, Customer]
    contracts: dict[str, Contract]
    notices: tuple[FormalNotice, ...]
    invoices: tuple[Invoice, ...]
    allocations: tuple[Allocation, ...]
    settings: rates.LawSettings
    book: RateBook


def read_claim_facts(
    conn: Connection, refs: Sequence[str], numbers: Sequence[str] | None = None
) -> ClaimFacts:
    """The `ClaimFacts` of the customers `refs` and their invoices (those among `numbers`
    when given), in one query per kind of fact."""
    creditor = need_creditor(conn)
    invoices = repo.load_invoices(conn, refs, numbers=numbers)
    return ClaimFacts(
        creditor,
        {customer.ref: customer for customer in repo.load_customers(conn, refs)},
        law_repo.load_contracts(conn, refs),
        tuple(law_repo.formal_notices(conn, refs)),
        tuple(invoices),
        tuple(repo.load_allocations(conn, [i.number for i in invoices])),
        rates.law_settings(conn),
        rates.rate_book(conn),
    )


def customer_claims(
    conn: Connection,
    customer_ref: str,
    as_of: date,
    only: Sequence[str] | None = None,
    facts: ClaimFacts | None = None,
) -> tuple[Customer, RuleSet, tuple[Charges, ...], tuple[str, ...]]:
    """The customer, its rule set and the charges of its late invoices (those among
    `only` when given) as of `as_of`, with the invoices of `only` that were not late;
    `facts`: read for several customers at once (else read for this one)."""
    facts = facts or read_claim_facts(conn, [customer_ref], only)
    customer = facts.customers.get(customer_ref)
    if customer is None:
        raise LookupError(f"unknown customer {customer_ref!r}")
    creditor, base = facts.creditor, facts.contracts.get(customer_ref)
    notices = [notice for notice in facts.notices if notice.customer_ref == customer_ref]
    wanted = None if only is None else set(only)
    invoices = [
        invoice
        for invoice in facts.invoices
        if invoice.customer_ref == customer_ref and (wanted is None or invoice.number in wanted)
    ]
    numbers = {invoice.number for invoice in invoices}
    allocations = tuple(a for a in facts.allocations if a.invoice_number in numbers)
    ledger = Ledger(customers=(customer,), invoices=tuple(invoices), allocations=allocations)
    settings = facts.settings
    rule_set = rule_set_for(creditor, customer, base)
    if settings.day_count is not None:
        rule_set = dataclasses.replace(rule_set, day_count=settings.day_count)
    jurisdictions = rule_sets.rules()[0]
    claims = customer_charges(
        ledger, creditor, customer_ref, jurisdictions, facts.book, as_of, base,
        notices, day_count=settings.day_count,
    )  # fmt: skip
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
        customer, rule_set, claims, problems = customer_claims(conn, ref, as_of, only)
    return InterestReport(target, customer, rule_set, as_of, claims, problems)
