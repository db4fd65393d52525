"""Reading collection agencies from a TOML file (docs/after-notice.md, "Agencies").

One `[[agency]]` table per agency; its insurance in `[agency.insurance]`, its fee bands
as `fees = ["15:90:5000", "25"]` (RATE[:MAX_DAYS[:MAX_AMOUNT]], the first that fits a
claim wins). Either every agency of the file is read, or `FormatError` names the agency,
the field and why.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from relance.adapters.formats.errors import FormatError
from relance.core.agencies import (
    Agency,
    AgencyProblem,
    FeeSchedule,
    Insurance,
    check_agency,
    parse_fee_band,
)
from relance.core.model import Address


def read_agencies(path: Path) -> list[Agency]:
    """Every agency of the TOML file at `path`, checked."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(path, "", "", f"not a TOML file ({exc})") from exc
    tables = data.get("agency")
    if not isinstance(tables, list) or not tables:
        raise FormatError(path, "", "agency", "no [[agency]] table in the file")
    return [_agency(path, index, table) for index, table in enumerate(tables, start=1)]


def _text(table: dict[str, Any], key: str, where: tuple[Path, str], required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise FormatError(where[0], where[1], key, "must be text")
    if required and not value.strip():
        raise FormatError(where[0], where[1], key, "is missing")
    return value.strip()


def _amount(table: dict[str, Any], key: str, where: tuple[Path, str]) -> Decimal:
    value = table.get(key, "0")
    try:
        amount = Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise FormatError(where[0], where[1], key, f"{value!r} is not an amount") from exc
    if not amount.is_finite():
        raise FormatError(where[0], where[1], key, f"{value!r} is not an amount")
    return amount


def _insurance(table: dict[str, Any], where: tuple[Path, str]) -> Insurance | None:
    found = table.get("insurance")
    if found is None:
        return None
    if not isinstance(found, dict):
        raise FormatError(where[0], where[1], "insurance", "must be a table")
    until = found.get("valid_until")
    if not isinstance(until, date):
        raise FormatError(where[0], where[1], "insurance.valid_until", "must be a date")
    return Insurance(
        _text(found, "insurer", where, True), _text(found, "policy", where, True), until
    )


def _agency(path: Path, index: int, table: Any) -> Agency:
    where = (path, f"agency {index}")
    if not isinstance(table, dict):
        raise FormatError(path, where[1], "", "must be a table")
    lines = table.get("address", [])
    if isinstance(lines, str):
        lines = [lines]
    bands = table.get("fees", [])
    if not isinstance(bands, list) or not all(isinstance(b, str) for b in bands):
        raise FormatError(path, where[1], "fees", 'must be a list such as ["15:90:5000", "25"]')
    try:
        agency = Agency(
            name=_text(table, "name", where, True),
            siren=_text(table, "siren", where, True),
            address=Address(
                tuple(str(line) for line in lines),
                _text(table, "postal_code", where),
                _text(table, "city", where),
                _text(table, "country", where) or "FR",
            ),
            contact=_text(table, "contact", where),
            fees=FeeSchedule(
                _text(table, "currency", where) or "EUR",
                tuple(parse_fee_band(band) for band in bands),
                _amount(table, "fixed_fee", where),
                _amount(table, "minimum_fee", where),
            ),
            insurance=_insurance(table, where),
            funds_iban=_text(table, "iban", where),
            email=_text(table, "email", where),
            phone=_text(table, "phone", where),
        )
        return check_agency(agency)
    except AgencyProblem as exc:
        field, _, reason = str(exc).partition(": ")
        raise FormatError(path, where[1], field, reason) from exc
