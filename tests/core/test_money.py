from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.money import CurrencyMismatch, Money, minor_units, total


def test_amounts_are_rounded_half_up_to_the_minor_unit_where_they_are_made():
    assert Money.of("10.005", "EUR").amount == Decimal("10.01")
    assert Money.of("10.004", "EUR").amount == Decimal("10.00")
    assert Money.of("-0.005", "EUR").amount == Decimal("-0.01")  # half away from zero
    assert Money.of("1234.5", "JPY").amount == Decimal("1235")
    assert Money.of("1.0005", "KWD").amount == Decimal("1.001")


def test_money_is_never_made_from_a_float():
    with pytest.raises(TypeError):
        Money.of(1.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of("1", "EUR") * 1.5  # type: ignore[operator]


def test_currencies_are_never_mixed():
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "EUR") + Money.of("1", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1", "EUR") < Money.of("1", "USD")


def test_minor_units_round_trip_through_integers():
    assert Money.of("1234.56", "EUR").to_minor() == 123456
    assert Money.from_minor(123456, "EUR") == Money.of("1234.56", "EUR")
    assert Money.from_minor(500, "JPY") == Money.of("500", "JPY")
    assert minor_units("BHD") == 3


@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=30))
def test_a_total_is_the_sum_of_its_cents(cents):
    amounts = [Money.from_minor(c, "EUR") for c in cents]
    assert total(amounts, "EUR").to_minor() == sum(cents)
