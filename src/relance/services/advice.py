"""`relance advise`: what to do before the next order, customer by customer, as of a day
(deposits, early-payment discounts, lower limits; docs/prevention.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.adapters.storage.database import Store
from relance.core.advice import Advice, Terms, advise
from relance.services.risk import risk_report


@dataclass(frozen=True, slots=True)
class AdviceLine:
    """One recommendation with the customer's name and grade."""

    name: str
    grade: str
    advice: Advice


def advice(store: Store, as_of: date, terms: Terms = Terms()) -> list[AdviceLine]:
    """Every recommendation as of `as_of`, customer by customer."""
    found = []
    for line in risk_report(store, as_of):
        for item in advise(line.customer, line.invoices, line.behaviour, as_of, terms):
            found.append(AdviceLine(line.customer.name, line.behaviour.grade, item))
    return found
