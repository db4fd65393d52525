"""Amounts as files write them: plain digits with a decimal point or comma, nothing else.

Exponents ("1E+999999"), NaN, infinities and numbers too long for any invoice are refused
here, so that every reader raises its FormatError instead of a decimal signal deep inside
Money's rounding.
"""

from __future__ import annotations

import re
from decimal import Decimal

_PLAIN = re.compile(r"^[+-]?\d{1,20}(?:[.,]\d{1,8})?$")
LIMIT = Decimal(10) ** 15  # a thousand billion: more than any receivable, less than trouble


def plain_decimal(text: str) -> Decimal:
    """The decimal written in `text` (`-12.50`, `0000000074,70`); ValueError otherwise."""
    value = text.strip()
    if not _PLAIN.match(value):
        raise ValueError(f"not a plain number: {text!r}")
    return checked(Decimal(value.replace(",", ".")))


def checked(value: Decimal) -> Decimal:
    """`value` when it is a finite amount below 10^15 in size; ValueError otherwise."""
    if not value.is_finite() or abs(value) >= LIMIT:
        raise ValueError(f"not a plausible amount: {value}")
    return value
