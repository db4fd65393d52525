"""Fees a business contract lets a creditor charge per dunning stage (docs/law.md, "Fees").

A policy level may name a fee: a fixed amount ("10") or a percentage of the amount chased
("15 %"), charged once per invoice and stage and kept as a receivable line of its own
(`StageFee`), never added into the invoice. Between businesses such fees are contractual
(the creditor's terms of sale must provide for them); a consumer is never charged one,
since amicable collection costs stay with the creditor (CPCE L111-8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from relance.core.money import Money

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class FeeRule:
    """A level's fee: `fixed` in the invoice's currency, or `percent` of the amount chased."""

    fixed: Decimal | None = None
    percent: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.fixed is None) == (self.percent is None):
            raise ValueError("a fee is either a fixed amount or a percentage")
        value = self.fixed if self.fixed is not None else self.percent
        if value is not None and value <= 0:
            raise ValueError("a fee must be positive")

    def amount(self, chased: Money) -> Money:
        """The fee on an invoice whose open balance chased is `chased`."""
        if self.fixed is not None:
            return Money(self.fixed, chased.currency)
        assert self.percent is not None
        return Money(chased.amount * self.percent / HUNDRED, chased.currency)

    def __str__(self) -> str:
        return f"{self.percent} %" if self.percent is not None else str(self.fixed)


def parse_fee(text: str) -> FeeRule:
    """A fee as written in a policy: "10" (fixed) or "15 %" / "15%" (percentage).
    Raises ValueError with the text when it is neither."""
    cleaned = text.strip().replace(",", ".")
    percent = cleaned.endswith("%")
    try:
        value = Decimal(cleaned.rstrip("% ").strip())
    except InvalidOperation:
        raise ValueError(f"not a fee: {text!r} (write 10 or 15 %)") from None
    if not value.is_finite():
        raise ValueError(f"not a fee: {text!r}")
    return FeeRule(percent=value) if percent else FeeRule(fixed=value)


@dataclass(frozen=True, slots=True)
class StageFee:
    """A fee charged on one invoice at one level, a receivable line of its own."""

    invoice_number: str
    level: int
    level_name: str
    amount: Money
    charged_on: date
    basis: str  # the rule and what it applied to, e.g. "15 % of 1 200.00 EUR"


def stage_fee(
    rule: FeeRule, invoice_number: str, chased: Money, level: int, level_name: str, on: date
) -> StageFee:
    """The fee `rule` charges on an invoice chased for `chased` at `level` on `on`."""
    basis = str(rule) if rule.fixed is not None else f"{rule} of {chased}"
    return StageFee(invoice_number, level, level_name, rule.amount(chased), on, basis)
