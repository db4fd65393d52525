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
from relance.core.jurisdiction import (
    RuleSet,
)
from relance.core.ledger import Ledger
from relance.core.model import Customer
from relance.core.money import Money
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


def customer_claims(
    conn: Connection,
    customer_ref: str,
    as_of: date,
    only: Sequence[str] | None = None,
) -> tuple[Customer, RuleSet, tuple[Charges, ...], tuple[str, ...]]:
    creditor = need_creditor(conn)
    found = repo.load_customers(conn, [customer_ref])
    if not found:
        raise LookupError(f"unknown customer {customer_ref!r}")
    customer = found[0]
    base = law_repo.load_contracts(conn, [customer_ref]).get(customer_ref)
    notices = law_repo.formal_notices(conn, customer_ref)
    invoices = repo.load_invoices(conn, customer_ref, numbers=only)
    allocations = repo.load_allocations(conn, [i.number for i in invoices])
    ledger = Ledger(customers=(customer,), invoices=tuple(invoices), allocations=tuple(allocations))
    settings = rates.law_settings(conn)
    rule_set = rule_set_for(creditor, customer, base)
    if settings.day_count is not None:
        rule_set = dataclasses.replace(rule_set, day_count=settings.day_count)
    jurisdictions = rule_sets.rules()[0]
    claims = customer_charges(
        ledger, creditor, customer_ref, jurisdictions, rates.rate_book(conn), as_of, base,
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
