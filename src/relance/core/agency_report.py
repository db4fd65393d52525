"""What each agency did with the claims handed to it (docs/after-notice.md, "The agency
report"): a cohort report over the claims handed over between two days, with everything
recovered on them up to the last day.

    claimed          sum of the claims handed over (open principal on the handoff day)
    recovered        sum of what the agency recovered on them by the last day
    recovery rate    recovered / claimed
    time to recover  mean days from the handoff to the recovery that cleared a claim,
                     over the claims cleared (none cleared: no figure)
    fees             fixed fees of the files handed over + success fees on the recoveries
    net              recovered − fees: what the creditor keeps
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.money import Money, total


@dataclass(frozen=True, slots=True)
class HandedClaim:
    """One invoice's claim handed to an agency."""

    agency: str
    invoice_number: str
    handed_on: date
    claim: Money
    fixed_fee: Money  # the file's fixed fee, on its first invoice only


@dataclass(frozen=True, slots=True)
class Recovery:
    """Money an agency recovered on an invoice, and its success fee."""

    agency: str
    invoice_number: str
    on: date
    amount: Money
    fee: Money


@dataclass(frozen=True, slots=True)
class AgencyLine:
    """One agency's figures, in one currency."""

    agency: str
    currency: str
    claims: int
    claimed: Money
    cleared: int
    recovered: Money
    fees: Money
    mean_days: Decimal | None

    @property
    def rate(self) -> Decimal:
        """Recovered / claimed, in percent (one decimal)."""
        if not self.claimed.is_positive:
            return Decimal(0)
        return (self.recovered.amount * 100 / self.claimed.amount).quantize(Decimal("0.1"))

    @property
    def net(self) -> Money:
        """Recovered less the fees."""
        return self.recovered - self.fees


def agency_report(
    claims: Iterable[HandedClaim], recoveries: Iterable[Recovery], start: date, end: date
) -> tuple[AgencyLine, ...]:
    """Each agency's line, by name then currency, for the claims handed over from `start`
    to `end` (both included) and what was recovered on them by `end`."""
    recoveries = tuple(recoveries)
    cohort = [c for c in claims if start <= c.handed_on <= end]
    keys = sorted({(c.agency, c.claim.currency) for c in cohort})
    found = []
    for agency, currency in keys:
        mine = [c for c in cohort if c.agency == agency and c.claim.currency == currency]
        numbers = {c.invoice_number for c in mine}
        got = [
            r for r in recoveries
            if r.agency == agency and r.invoice_number in numbers and r.on <= end
            and r.amount.currency == currency
        ]  # fmt: skip
        days = _days_to_clear(mine, got)
        found.append(
            AgencyLine(
                agency, currency, len(mine), total((c.claim for c in mine), currency),
                len(days), total((r.amount for r in got), currency),
                total([*(c.fixed_fee for c in mine), *(r.fee for r in got)], currency),
                (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
            )
        )  # fmt: skip
    return tuple(found)


def _days_to_clear(claims: list[HandedClaim], recoveries: list[Recovery]) -> list[int]:
    """For each claim its recoveries cleared, the days from its handoff to the last one."""
    days = []
    for claim in claims:
        mine = sorted((r for r in recoveries if r.invoice_number == claim.invoice_number),
                      key=lambda r: r.on)  # fmt: skip
        paid = total((r.amount for r in mine), claim.claim.currency)
        if mine and paid >= claim.claim:
            days.append((mine[-1].on - claim.handed_on).days)
    return days
