"""Working days for French procedural deadlines (docs/prevention.md, "Declaring the claim").

A deadline that would expire on a Saturday, a Sunday or a public holiday is extended to the
next working day (Code de procédure civile, art. 642 al. 2). The public holidays are those
of the Code du travail, art. L3133-1: 1 January, Easter Monday, 1 May, 8 May, Ascension
Day, Whit Monday, 14 July, 15 August, 1 November, 11 November and 25 December. Easter is
computed (the Gregorian computus), so no table runs out. The extra days of Alsace-Moselle
(Good Friday, 26 December) and of the overseas départements are not counted: a creditor
before those courts checks the last day itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

_FIXED = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
# Days after Easter Sunday: Easter Monday, Ascension Thursday, Whit Monday.
_AFTER_EASTER = (1, 39, 50)


def easter(year: int) -> date:
    """Easter Sunday of `year` in the Gregorian calendar (the anonymous computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> frozenset[date]:
    """The public holidays of metropolitan France in `year` (C. trav. L3133-1)."""
    sunday = easter(year)
    return frozenset(
        [date(year, month, day) for month, day in _FIXED]
        + [sunday + timedelta(days=n) for n in _AFTER_EASTER]
    )


def is_working_day(day: date) -> bool:
    """Neither a Saturday, a Sunday nor a French public holiday."""
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def extended_deadline(day: date) -> date:
    """`day`, or the next working day when it is a Saturday, a Sunday or a public holiday
    (C. proc. civ. art. 642 al. 2)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
