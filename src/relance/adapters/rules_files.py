"""Read the rules data files (`relance/rules/*.toml`) into the core's rate tables and rule sets.

The files ship inside the package and are read with `importlib.resources`; a user who keeps
edited copies elsewhere passes that folder as `directory`. Every error names the file and
the field, and decimals must be written as strings (or integers), never as TOML floats, so
no figure passes through binary floating point.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from relance.core.iso_codes import check_currency
from relance.core.jurisdiction import (
    DayCount,
    Fixing,
    IndemnityBand,
    InterestStart,
    Jurisdictions,
    RuleSet,
    Selector,
)
from relance.core.model import CustomerKind
from relance.core.money import Money
from relance.core.rates import Confidence, RatePeriod, RateTable

JURISDICTIONS_FILE = "jurisdictions.toml"

_E = TypeVar("_E", bound=StrEnum)


class RulesFileError(ValueError):
    """A rules file is missing, unreadable, or has a bad field; the message names both."""


def rules_folder(directory: Path | None = None) -> Traversable:
    """The folder the rules are read from: `directory`, else the one shipped in the package."""
    if directory is not None:
        return directory
    return resources.files("relance").joinpath("rules")


def _read(folder: Traversable, filename: str) -> dict[str, Any]:
    entry = folder.joinpath(filename)
    if not entry.is_file():
        raise RulesFileError(f"{filename}: no such rules file in {folder}")
    try:
        return tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesFileError(f"{filename}: not valid TOML: {exc}") from None


class _Fields:
    """Typed access to one TOML table, with errors that name the file and the field."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, field: str, message: str) -> RulesFileError:
        return RulesFileError(f"{self.where}, field {field!r}: {message}")

    def has(self, field: str) -> bool:
        return field in self.data

    def text(self, field: str, default: str | None = None) -> str:
        value = self.data.get(field, default)
        if value is None:
            raise self.fail(field, "missing")
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, found {value!r}")
        return value

    def day(self, field: str) -> date:
        value = self.data.get(field)
        if value is None:
            raise self.fail(field, "missing")
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise self.fail(field, f"not a date (YYYY-MM-DD): {value!r}") from None
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(field, f"expected a date, found {value!r}")
        return value

    def decimal(self, field: str, default: str | None = None) -> Decimal:
        value = self.data.get(field, default)
        if value is None:
            raise self.fail(field, "missing")
        if isinstance(value, float):
            raise self.fail(field, f'write decimals as strings, e.g. "{value}", not as a float')
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(field, f"expected a decimal written as a string, found {value!r}")
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise self.fail(field, f"not a number: {value!r}") from None
        if not result.is_finite():
            raise self.fail(field, f"not a finite number: {value!r}")
        return result

    def integer(self, field: str, default: int | None = None) -> int:
        value = self.data.get(field, default)
        if value is None:
            raise self.fail(field, "missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"expected a whole number, found {value!r}")
        return value

    def flag(self, field: str, default: bool) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, f"expected true or false, found {value!r}")
        return value

    def optional_integer(self, field: str) -> int | None:
        return self.integer(field) if self.has(field) else None

    def choice(self, field: str, enum: type[_E], default: str) -> _E:
        value = self.text(field, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(repr(str(member)) for member in enum)
            raise self.fail(field, f"{value!r} is not one of {allowed}") from None

    def tables(self, field: str) -> list[Mapping[str, Any]]:
        value = self.data.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(field, "expected an array of tables ([[...]])")
        return value


def parse_rate_table(data: Mapping[str, Any], filename: str) -> RateTable:
    """A rate table from a parsed TOML document; errors name `filename` and the field."""
    header = data.get("table")
    if not isinstance(header, dict):
        raise RulesFileError(f"{filename}: missing the [table] section")
    head = _Fields(header, f"{filename} [table]")
    periods: list[RatePeriod] = []
    for index, raw in enumerate(_Fields(data, filename).tables("period"), start=1):
        row = _Fields(raw, f"{filename} [[period]] #{index}")
        start, end = row.day("from"), row.day("to")
        if end < start:
            raise row.fail("to", f"{end} is before 'from' {start}")
        periods.append(
            RatePeriod(
                start=start,
                end=end,
                rate=row.decimal("rate"),
                source=row.text("source"),
                confidence=row.choice("confidence", Confidence, str(Confidence.CONFIRMED)),
                note=row.text("note", ""),
            )
        )
    if not periods:
        raise RulesFileError(f"{filename}: no [[period]] rows")
    try:
        table = RateTable(
            name=head.text("name"),
            title=head.text("title"),
            periods=tuple(periods),
            source=head.text("source", ""),
        )
    except ValueError as exc:
        raise RulesFileError(f"{filename}: {exc}") from None
    gaps = table.gaps()
    if gaps:
        first, last = gaps[0]
        raise RulesFileError(
            f"{filename}: no period covers {first} to {last}; rates must be contiguous"
        )
    return table


def load_rate_table(filename: str, directory: Path | None = None) -> RateTable:
    """Read one rate table file, e.g. "ecb_mro.toml"."""
    return parse_rate_table(_read(rules_folder(directory), filename), filename)


def load_rate_book(directory: Path | None = None) -> dict[str, RateTable]:
    """Every rate table in the rules folder (each TOML file with a [table] section), by name."""
    folder = rules_folder(directory)
    book: dict[str, RateTable] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or entry.name == JURISDICTIONS_FILE:
            continue
        data = _read(folder, entry.name)
        if "table" not in data:
            continue
        table = parse_rate_table(data, entry.name)
        if table.name in book:
            raise RulesFileError(f"{entry.name}: a second table is named {table.name!r}")
        book[table.name] = table
    return book


def _indemnity(raw: Mapping[str, Any], where: str) -> IndemnityBand:
    row = _Fields(raw, where)
    try:
        currency = check_currency(row.text("currency"))
    except ValueError as exc:
        raise row.fail("currency", str(exc)) from None
    below = Money(row.decimal("below"), currency) if row.has("below") else None
    return IndemnityBand(Money(row.decimal("amount"), currency), below)


def parse_rule_set(raw: Mapping[str, Any], where: str) -> RuleSet:
    """A rule set from one [[rule_set]] table; errors name `where` and the field."""
    row = _Fields(raw, where)
    code = row.text("code")
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise row.fail("sources", "expected a list of texts")
    bands = tuple(
        _indemnity(band, f"{where} ({code}) [[indemnity]] #{number}")
        for number, band in enumerate(row.tables("indemnity"), start=1)
    )
    rate_table = row.text("rate_table") if row.has("rate_table") else None
    floor_table = row.text("contract_floor_table") if row.has("contract_floor_table") else None
    floor_multiple = (
        row.decimal("contract_floor_multiple") if row.has("contract_floor_multiple") else None
    )
    return RuleSet(
        code=code,
        title=row.text("title"),
        rate_table=rate_table,
        margin=row.decimal("margin", "0"),
        fixing=row.choice("fixing", Fixing, str(Fixing.DAILY)),
        interest_start=row.choice("interest_start", InterestStart, str(InterestStart.DUE_DATE)),
        day_count=row.choice("day_count", DayCount, str(DayCount.ACTUAL_365)),
        indemnity=bands,
        contract_floor_table=floor_table,
        contract_floor_multiple=floor_multiple,
        limitation_years=row.integer("limitation_years", 5),
        term_cap_days=row.optional_integer("term_cap_days"),
        term_cap_end_of_month_days=row.optional_integer("term_cap_end_of_month_days"),
        fees_allowed=row.flag("fees_allowed", True),
        limitation_binding=row.flag("limitation_binding", False),
        sources=tuple(sources),
        indemnity_reference=(
            row.text("indemnity_reference") if row.has("indemnity_reference") else ""
        ),
        payments_acknowledge=row.flag("payments_acknowledge", True),
    )


def parse_jurisdictions(
    data: Mapping[str, Any], filename: str, tables: Mapping[str, RateTable] | None = None
) -> Jurisdictions:
    """Rule sets and selection lines from a parsed TOML document.

    With `tables`, every rate table a rule set names must be among them.
    """
    top = _Fields(data, filename)
    rule_sets = tuple(
        parse_rule_set(raw, f"{filename} [[rule_set]] #{number}")
        for number, raw in enumerate(top.tables("rule_set"), start=1)
    )
    codes = [r.code for r in rule_sets]
    for code in codes:
        if codes.count(code) > 1:
            raise RulesFileError(f"{filename}: two rule sets are coded {code!r}")
    if tables is not None:
        for number, rule_set in enumerate(rule_sets, start=1):
            for field in ("rate_table", "contract_floor_table"):
                name = getattr(rule_set, field)
                if name is not None and name not in tables:
                    raise RulesFileError(
                        f"{filename} [[rule_set]] #{number} ({rule_set.code}), field {field!r}: "
                        f"no rate table named {name!r} (known: {', '.join(sorted(tables))})"
                    )
    selectors: list[Selector] = []
    for number, raw in enumerate(top.tables("select"), start=1):
        row = _Fields(raw, f"{filename} [[select]] #{number}")
        target = row.text("rule_set")
        if target not in codes:
            raise row.fail("rule_set", f"no rule set coded {target!r}")
        kind = row.choice("kind", CustomerKind, "business") if row.has("kind") else None
        selectors.append(
            Selector(
                rule_set=target,
                creditor=row.text("creditor", "*").upper(),
                customer=row.text("customer", "*").upper(),
                kind=kind,
            )
        )
    return Jurisdictions(rule_sets, tuple(selectors))


def load_jurisdictions(directory: Path | None = None) -> Jurisdictions:
    """Read `jurisdictions.toml`, checking every named rate table exists beside it."""
    tables = load_rate_book(directory)
    data = _read(rules_folder(directory), JURISDICTIONS_FILE)
    return parse_jurisdictions(data, JURISDICTIONS_FILE, tables)
