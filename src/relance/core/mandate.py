"""The written mandate a collection agency needs before it collects for the creditor
(CPCE art. R124-3; docs/after-notice.md, "The mandate").

It states the basis and the amount of the claim with its parts (principal, interest,
other sums), the guarantee the agency holds (its liability insurance: insurer and
policy), the agency's pay, and how and when the funds it collects are paid over to the
creditor. relance renders it for both parties to sign; it hands nothing over by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.core.agencies import Agency
from relance.core.claim_declaration import ClaimLine
from relance.core.model import Creditor, Customer
from relance.core.money import Money, total

# Funds collected are paid over within this many days unless the parties agree otherwise.
PAY_OVER_DAYS = 30


@dataclass(frozen=True, slots=True)
class Mandate:
    """The mandate of one customer's claim to one agency, in one currency and language."""

    creditor: Creditor
    customer: Customer
    agency: Agency
    made_on: date
    currency: str
    lines: tuple[ClaimLine, ...]
    notices: tuple[date, ...]  # the formal notices received, for the basis of the claim
    language: str = "fr"

    @property
    def principal(self) -> Money:
        """The open principal of the invoices."""
        return total((line.principal for line in self.lines), self.currency)

    @property
    def interest(self) -> Money:
        """Late interest counted to the mandate's day."""
        return total((line.interest for line in self.lines), self.currency)

    @property
    def indemnity(self) -> Money:
        """The fixed recovery indemnities (C. com. D441-5)."""
        return total((line.indemnity for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        """The amount of the claim."""
        return self.principal + self.interest + self.indemnity
