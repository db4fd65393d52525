"""Country and currency codes, checked against the ISO lists themselves.

A ledger keeps a customer's country (ISO 3166-1 alpha-2) and every amount's currency
(ISO 4217). A code that merely looks right ("ZZ", "ZZZ") would print on letters and in
totals, so each is looked up: countries in pycountry, which ships the ISO 3166-1 list
(Babel's territories also hold regions such as "EU" and "ZZ", unknown region); currencies
in Babel's CLDR data, which holds the current ISO 4217 codes and the withdrawn ones that
old bank statements still carry (DEM, FRF).
"""

from __future__ import annotations

from functools import cache

import pycountry
from babel.numbers import list_currencies


@cache
def _countries() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_country(code: str) -> str:
    """`code` upper-cased if it is an ISO 3166-1 alpha-2 country code, else ValueError."""
    normalized = code.strip().upper()
    if normalized not in _countries():
        raise ValueError(f"{code!r} is not an ISO 3166-1 two-letter country code")
    return normalized


def check_currency(code: str) -> str:
    """`code` upper-cased if it is an ISO 4217 currency code, else ValueError."""
    normalized = code.strip().upper()
    if normalized not in _currencies():
        raise ValueError(f"not an ISO 4217 currency code: {code!r}")
    return normalized
