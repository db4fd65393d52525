"""Money: a `Decimal` amount with its ISO 4217 currency.

Amounts are made from strings or integers, never floats, and rounded half-up to the
currency's minor unit where they are created (the commercial rule on French invoices).
Mixing currencies is an error, never a silent conversion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)

# ISO 4217 minor units of the currencies that are not two-decimal. Every other
# three-letter code has two decimals; a short table keeps the core free of data files.
_MINOR_UNITS: dict[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLF": 4,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "UYW": 4,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def minor_units(currency: str) -> int:
    """Number of decimals of `currency` (ISO 4217 minor unit)."""
    return _MINOR_UNITS.get(currency, 2)


_QUANTA: dict[str, Decimal] = {}


def _quantum(currency: str) -> Decimal:
    quantum = _QUANTA.get(currency)
    if quantum is None:
        quantum = _QUANTA[currency] = Decimal(1).scaleb(-minor_units(currency))
    return quantum


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` half-up to the minor unit of `currency`."""
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def to_decimal(value: str | int | Decimal) -> Decimal:
    """Make a Decimal from a string or an integer; floats are refused."""
    if isinstance(value, float):
        raise TypeError("money is never made from a float")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in one currency, always held at the currency's minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount = self.amount
        if type(amount) is not Decimal:
            if isinstance(amount, float):
                raise TypeError("money is never made from a float")
            amount = Decimal(amount)
        object.__setattr__(self, "amount", quantize(amount, self.currency))

    @classmethod
    def exact(cls, amount: Decimal, currency: str) -> Money:
        """Money from an amount already at the currency's minor unit (sums, stored cents).

        It skips the rounding of the constructor, which would change nothing and is the
        costly part when a million amounts are loaded; the caller vouches for the amount.
        """
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    # -- construction ---------------------------------------------------
    @classmethod
    def of(cls, value: str | int | Decimal, currency: str) -> Money:
        """Money from a string, int or Decimal, rounded half-up to the minor unit."""
        return cls(to_decimal(value), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in `currency`."""
        return cls(ZERO, currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Money from an integer count of minor units (cents), as stored."""
        return cls.exact(Decimal(units).scaleb(-minor_units(currency)), currency)

    def to_minor(self) -> int:
        """The amount as an integer count of minor units (cents)."""
        return int(self.amount.scaleb(minor_units(self.currency)))

    # -- arithmetic -----------------------------------------------------
    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be mixed")

    def __add__(self, other: Money) -> Money:
        if self.currency != other.currency:
            self._same(other)
        return Money.exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if self.currency != other.currency:
            self._same(other)
        return Money.exact(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money.exact(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("money is never multiplied by a float")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    @property
    def is_positive(self) -> bool:
        """True when the amount is above zero."""
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        """True when the amount is below zero."""
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of `amounts`, all in `currency` (zero when empty)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
