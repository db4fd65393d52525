"""The rules files and the rule set that applies to each customer.

The jurisdiction rule sets are the data files of `relance/rules/`, read once per process;
the helpers here choose a customer's rule set and are shared by the law's use cases
(limitation, contracts, interest reports, letter charges, write-offs).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import TypeVar

from relance.adapters.rules_files import load_jurisdictions, load_rate_book
from relance.adapters.storage import repository as repo
from relance.adapters.storage.database import Connection
from relance.core.jurisdiction import (
    Contract,
    Jurisdictions,
    RuleSet,
    RuleSetNotForConsumers,
)
from relance.core.model import Creditor, Customer
from relance.core.rates import RateBook

T = TypeVar("T")

# -- the rules files ----------------------------------------------------------


@cache
def rules() -> tuple[Jurisdictions, RateBook]:
    """The shipped rule sets and rate tables, read once per process."""
    return load_jurisdictions(), load_rate_book()


def rule_set_for(creditor: Creditor, customer: Customer, contract: Contract | None) -> RuleSet:
    jurisdictions, _ = rules()
    return jurisdictions.select(
        creditor.country, customer.country, customer.kind, contract, customer_ref=customer.ref
    )


def rule_set_or_table(creditor: Creditor, customer: Customer, contract: Contract | None) -> RuleSet:
    """As `_rule_set`, but a contract that puts a consumer under a rule set for businesses
    only falls back to the selection table: a daily run must not stop on one bad contract,
    and the consumer's own rules (a shorter limitation, no term cap) are the safe side."""
    try:
        return rule_set_for(creditor, customer, contract)
    except RuleSetNotForConsumers:
        assert contract is not None
        return rule_set_for(creditor, customer, dataclasses.replace(contract, rule_set=None))


def need_creditor(conn: Connection) -> Creditor:
    creditor = repo.load_creditor(conn)
    if creditor is None:
        raise LookupError("no creditor yet: run `relance init` first")
    return creditor
