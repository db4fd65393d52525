"""Credits waiting in the lettrage queue that could pay what a reminder is about to claim.

A credit nobody matched yet may well be the customer's payment: from an IBAN of theirs,
from a payer whose name is theirs, suggested for them by matching, or for exactly the
amount claimed. Sending a reminder then would chase money already received, so the daily
run warns (or holds the reminder) and names the credit, for a person to match it first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from relance.core.bank import BankTransaction
from relance.core.match_book import iban_key
from relance.core.model import Customer
from relance.core.money import Money
from relance.core.payer_names import PayerNames, named_customer

# the warning is one of the queue's records; named here too, where it is made
from relance.core.queued import CreditWarning as CreditWarning


@dataclass(frozen=True, slots=True)
class Claim:
    """What a proposed step would claim from a customer: its key and balances per currency."""

    key: str
    customer_ref: str
    balances: tuple[Money, ...]


@dataclass(frozen=True, slots=True)
class WaitingCredit:
    """A credit of the lettrage queue and the customers matching suggested for it."""

    transaction: BankTransaction
    suggested: tuple[str, ...] = ()


def _links(
    credits: Sequence[WaitingCredit], customers: Iterable[Customer]
) -> dict[str, list[tuple[WaitingCredit, str]]]:
    """The waiting credits tied to each customer, with what ties them."""
    by_iban: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for customer in customers:
        names[customer.ref] = customer.name
        for iban in customer.ibans:
            by_iban[iban_key(iban)].add(customer.ref)
    index = PayerNames(names)
    linked: dict[str, list[tuple[WaitingCredit, str]]] = defaultdict(list)
    for credit in credits:
        tx = credit.transaction
        ties: dict[str, str] = {}
        for ref in by_iban.get(iban_key(tx.payer_iban), ()) if tx.payer_iban else ():
            ties.setdefault(ref, "sent from the customer's IBAN")
        named = named_customer(index, tx.payer_name) if tx.payer_name else None
        if named is not None:
            ties.setdefault(named[0], "the payer's name is the customer's")
        for ref in credit.suggested:
            ties.setdefault(ref, "matching suggested this customer")
        for ref, why in ties.items():
            linked[ref].append((credit, why))
    return linked


def credits_that_could_pay(
    claims: Sequence[Claim],
    credits: Sequence[WaitingCredit],
    customers: Iterable[Customer],
    as_of: date,
) -> Mapping[str, tuple[CreditWarning, ...]]:
    """The waiting credits (booked by `as_of`) that could pay each claim, by claim key.

    A credit tied to the customer (IBAN, name, a suggestion) counts whatever its amount;
    any other credit counts when it is exactly the balance claimed.
    """
    booked = [c for c in credits if c.transaction.booking_date <= as_of]
    if not booked or not claims:
        return {}
    linked = _links(booked, customers)
    exact: dict[Money, list[WaitingCredit]] = defaultdict(list)
    for credit in booked:
        exact[credit.transaction.amount].append(credit)
    found: dict[str, tuple[CreditWarning, ...]] = {}
    for claim in claims:
        warnings: dict[str, CreditWarning] = {}
        for credit, why in linked.get(claim.customer_ref, ()):
            warnings.setdefault(credit.transaction.key, _warning(credit, why, claim))
        for balance in claim.balances:
            for credit in exact.get(balance, ()):
                why = "exactly the amount claimed"
                warnings.setdefault(credit.transaction.key, _warning(credit, why, claim))
        if warnings:
            found[claim.key] = tuple(sorted(warnings.values(), key=_oldest_first))
    return found


def _warning(credit: WaitingCredit, why: str, claim: Claim) -> CreditWarning:
    tx = credit.transaction
    claimed = [b for b in claim.balances if b.currency == tx.amount.currency]
    covers = bool(claimed) and tx.amount >= claimed[0]
    return CreditWarning(tx.key, tx.booking_date, tx.amount, tx.payer_name, why, covers)


def _oldest_first(warning: CreditWarning) -> tuple[date, str]:
    return warning.booking_date, warning.transaction_key
