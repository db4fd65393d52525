"""Customers whose debts have left the creditor's hands: legal action or insolvency.

Once a creditor sues a customer, or the customer is in insolvency proceedings (in France
sauvegarde, redressement or liquidation judiciaire, or a consumer's over-indebtedness
procedure), reminders must stop: the claim is pursued before the court or declared to
the proceedings, not chased by letter. A `Proceeding` records that state for the whole
customer from a date, until it ends (if ever). Invoices handed to a collection agency
leave the process one by one (`relance.core.writeoff.AgencyHandoff`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ProceedingKind(StrEnum):
    """Why the customer's debts are pursued outside the dunning process."""

    LEGAL_ACTION = "legal_action"  # the creditor sued (injonction de payer, assignation)
    INSOLVENCY = "insolvency"  # sauvegarde, redressement or liquidation judiciaire
    OVER_INDEBTEDNESS = "over_indebtedness"  # a consumer's surendettement procedure


@dataclass(frozen=True, slots=True)
class Proceeding:
    """The customer is in `kind` from `since` until `until` (if given)."""

    customer_ref: str
    kind: ProceedingKind
    since: date
    note: str = ""
    until: date | None = None

    def active(self, as_of: date) -> bool:
        """True when the proceeding stops collection on `as_of`."""
        return self.since <= as_of and (self.until is None or self.until > as_of)

    def describe(self) -> str:
        """The state in words, for a cancellation or a listing."""
        words = {
            ProceedingKind.LEGAL_ACTION: "in legal action",
            ProceedingKind.INSOLVENCY: "in insolvency proceedings",
            ProceedingKind.OVER_INDEBTEDNESS: "in an over-indebtedness procedure",
        }
        return f"{words[self.kind]} since {self.since.isoformat()}"


def in_proceedings(proceedings: Iterable[Proceeding], as_of: date) -> dict[str, Proceeding]:
    """The customers in proceedings on `as_of`, each with its earliest active proceeding."""
    found: dict[str, Proceeding] = {}
    for proceeding in sorted(proceedings, key=lambda p: (p.since, p.kind.value)):
        if proceeding.active(as_of):
            found.setdefault(proceeding.customer_ref, proceeding)
    return found
