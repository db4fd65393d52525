"""Rate tables: interest rates that change over time, each valid over a closed date range.

A table is data (the ECB refinancing rate, the French legal rate, the Bank of England base
rate), loaded from the files in `relance/rules/`. A lookup on a day that no period covers
raises `MissingRate`, naming the table and the day: interest is never computed on a silent
zero. Rates are annual percentages held as `Decimal` ("2.15" means 2.15 % a year).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Confidence(StrEnum):
    """How far a published figure can be trusted."""

    OFFICIAL = "official"  # read in, or matched with, the official publication
    CONFIRMED = "confirmed"  # two independent secondary sources agree
    SINGLE_SOURCE = "single-source"  # one secondary or unofficial source: check before relying


class MissingRate(LookupError):
    """No period of a rate table covers the requested day."""

    def __init__(self, table: str, day: date) -> None:
        super().__init__(
            f"rate table {table!r} has no rate for {day.isoformat()}: "
            f"add the period to the rules file before computing interest on that day"
        )
        self.table = table
        self.day = day


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """One rate valid from `start` to `end`, both days included."""

    start: date
    end: date
    rate: Decimal
    source: str
    confidence: Confidence = Confidence.CONFIRMED
    note: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"rate period ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        """True when `day` lies within the period."""
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class RateTable:
    """A named history of rates, periods sorted by start date and never overlapping."""

    name: str
    title: str
    periods: tuple[RatePeriod, ...]
    source: str = ""

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.periods, key=lambda p: p.start))
        for before, after in itertools.pairwise(ordered):
            if after.start <= before.end:
                raise ValueError(
                    f"rate table {self.name!r}: period from {after.start} overlaps "
                    f"the period ending {before.end}"
                )
        object.__setattr__(self, "periods", ordered)

    def period_on(self, day: date) -> RatePeriod:
        """The period covering `day`; raises `MissingRate` when there is none."""
        for period in self.periods:
            if period.covers(day):
                return period
        raise MissingRate(self.name, day)

    def rate_on(self, day: date) -> Decimal:
        """The annual rate in percent on `day`; raises `MissingRate` when unknown."""
        return self.period_on(day).rate

    def gaps(self) -> tuple[tuple[date, date], ...]:
        """Date ranges between the first and last period that no period covers."""
        found: list[tuple[date, date]] = []
        for before, after in zip(self.periods, self.periods[1:], strict=False):
            if after.start > before.end + timedelta(days=1):
                found.append((before.end + timedelta(days=1), after.start - timedelta(days=1)))
        return tuple(found)

    @property
    def first_day(self) -> date | None:
        """The first day the table covers, None when empty."""
        return self.periods[0].start if self.periods else None

    @property
    def last_day(self) -> date | None:
        """The last day the table covers, None when empty."""
        return self.periods[-1].end if self.periods else None


# The tables a rule set may name as its reference rate.
RateBook = Mapping[str, RateTable]


def table_of(book: RateBook, name: str) -> RateTable:
    """The table called `name` in `book`; raises `UnknownRateTable` when it is not loaded."""
    try:
        return book[name]
    except KeyError:
        raise UnknownRateTable(name, tuple(sorted(book))) from None


class UnknownRateTable(LookupError):
    """A rule set names a rate table that is not loaded."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(
            f"no rate table named {name!r} is loaded (known: {', '.join(known) or 'none'})"
        )
        self.name = name


def overlay(table: RateTable, own: tuple[RatePeriod, ...]) -> RateTable:
    """`table` with the user's periods `own` laid over it: over each of their dates the
    user's period replaces the shipped one (cut around it), and a period beyond the
    shipped table extends it. Raises ValueError when two of `own` overlap."""
    ordered = sorted(own, key=lambda p: p.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            raise ValueError(
                f"rate table {table.name!r}: your period from {after.start} overlaps "
                f"your period ending {before.end}"
            )
    kept: list[RatePeriod] = []
    for period in table.periods:
        pieces = [period]
        for mine in ordered:
            pieces = [part for piece in pieces for part in _cut(piece, mine)]
        kept.extend(pieces)
    return RateTable(table.name, table.title, (*kept, *ordered), table.source)


def _cut(period: RatePeriod, mine: RatePeriod) -> list[RatePeriod]:
    """The parts of `period` outside `mine`'s dates."""
    if mine.end < period.start or mine.start > period.end:
        return [period]
    parts = []
    if period.start < mine.start:
        parts.append(replace(period, end=mine.start - timedelta(days=1)))
    if mine.end < period.end:
        parts.append(replace(period, start=mine.end + timedelta(days=1)))
    return parts


def unconfirmed_periods(table: RateTable, first: date, last: date) -> tuple[RatePeriod, ...]:
    """The periods of `table` overlapping `first`..`last` known from a single source."""
    return tuple(
        p
        for p in table.periods
        if p.confidence is Confidence.SINGLE_SOURCE and p.start <= last and p.end >= first
    )


class UnconfirmedRates(StrEnum):
    """What a letter does with interest resting on an unconfirmed or missing rate."""

    OMIT = "omit"  # leave the interest out, saying it will be claimed separately
    BLOCK = "block"  # do not send the letter until the rate is confirmed or added
