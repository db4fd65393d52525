"""The BODACC open-data export of commercial notices (dataset `annonces-commerciales` of
the DILA), as CSV or JSON: the court notices that say a customer is in insolvency
proceedings (docs/prevention.md lists the fields read).

* CSV: one notice a row, `;`-separated, UTF-8, one header row with the dataset's field
  names (`id`, `dateparution`, `numeroannonce`, `familleavis`, `familleavis_lib`,
  `typeavis_lib`, `tribunal`, `commercant`, `ville`, `registre`, `jugement` ...);
* JSON: a list of notices with the same keys, or the API's `{"results": [...]}` page, or
  the older `{"records": [{"fields": {...}}]}`.

`registre` holds the SIREN twice ("123 456 789,123456789"; a list in JSON); `jugement` is
JSON text with `famille`, `nature`, `date` (ISO or "3 novembre 2026") and
`complementJugement`. Notices without a judgment (sales, registrations, accounts) or
without a register number (nothing to match a customer by) are skipped. A bad field
raises `FormatError` naming the line (CSV) or the record (JSON), and nothing is returned.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.localized import parse_date
from relance.core.insolvency import BodaccNotice

REQUIRED = ("id", "dateparution", "registre", "jugement")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
            "septembre", "octobre", "novembre", "decembre",
        ),
        start=1,
    )
}  # fmt: skip
_LONG_DATE = re.compile(r"(\d{1,2})(?:er)?\s+([a-zéèûô]+)\s+(\d{4})")
_SIREN = re.compile(r"\d[\d ]{8,}")


def read_bodacc(path: Path) -> list[BodaccNotice]:
    """Every notice of the file that carries a judgment (FormatError on a bad one)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(path, "", "", "not UTF-8: the BODACC exports are UTF-8") from exc
    except OSError as exc:
        raise FormatError(path, "", "", f"cannot read the file ({exc.strerror})") from exc
    stripped = text.lstrip()
    rows = _json_rows(path, stripped) if stripped[:1] in "[{" else _csv_rows(path, text)
    notices = []
    for where, row in rows:
        notice = _notice(path, where, row)
        if notice is not None:
            notices.append(notice)
    return notices


def _csv_rows(path: Path, text: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FormatError(
            path, "1", ", ".join(missing),
            "not a BODACC export: the header lacks these fields (a ';'-separated CSV of "
            "the annonces-commerciales dataset is expected)",
        )  # fmt: skip
    reader.fieldnames = header
    for row in reader:
        yield str(reader.line_num), row


def _json_rows(path: Path, text: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path, str(exc.lineno), "", f"not JSON ({exc.msg})") from exc
    if isinstance(data, dict):
        data = data.get("results", data.get("records"))
    if not isinstance(data, list):
        raise FormatError(path, "", "", "expected a list of notices (or a 'results' list)")
    for index, item in enumerate(data, start=1):
        row = item.get("fields", item) if isinstance(item, dict) else None
        if not isinstance(row, dict):
            raise FormatError(path, f"record {index}", "", "a notice is a JSON object")
        yield f"record {index}", row


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _notice(path: Path, where: str, row: Mapping[str, Any]) -> BodaccNotice | None:
    """One notice, or None when it carries no judgment."""
    judgment = _judgment(path, where, row.get("jugement"))
    if judgment is None:
        return None
    sirens = _sirens(path, where, row.get("registre"))
    if not sirens:
        return None  # no register number: nothing to match a customer by
    notice_id = _text(row.get("id"))
    if not notice_id:
        raise FormatError(path, where, "id", "missing: every notice has an id")
    published = _day(path, where, "dateparution", _text(row.get("dateparution")))
    if published is None:
        raise FormatError(path, where, "dateparution", "missing")
    return BodaccNotice(
        notice_id=notice_id,
        published=published,
        number=_text(row.get("numeroannonce")),
        family=_text(row.get("familleavis_lib") or row.get("familleavis")),
        court=_text(row.get("tribunal")),
        name=_text(row.get("commercant")),
        city=_text(row.get("ville")),
        sirens=sirens,
        judgment_family=_text(judgment.get("famille")),
        judgment_nature=_text(judgment.get("nature")),
        judgment_date=_day(path, where, "jugement.date", _text(judgment.get("date"))),
        complement=_text(judgment.get("complementJugement")),
    )


def _judgment(path: Path, where: str, value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path, where, "jugement", f"not JSON text ({exc.msg})") from exc
    if not isinstance(parsed, dict):
        raise FormatError(path, where, "jugement", "expected a JSON object")
    return parsed


def _sirens(path: Path, where: str, value: Any) -> tuple[str, ...]:
    """The distinct nine-digit numbers of the register field, in their order."""
    parts = value if isinstance(value, list) else _SIREN.findall(_text(value))
    found: list[str] = []
    for part in parts:
        digits = re.sub(r"\D", "", str(part))
        if len(digits) != 9:
            raise FormatError(path, where, "registre", f"not a SIREN: {str(part)!r}")
        if digits not in found:
            found.append(digits)
    return tuple(found)


def _day(path: Path, where: str, field: str, text: str) -> date | None:
    """An ISO or numeric date, or a French long one ("1er mars 2026"); None when empty."""
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        pass
    folded = text.lower().replace("é", "e").replace("û", "u")
    match = _LONG_DATE.fullmatch(folded)
    if match and match.group(2) in _MONTHS:
        try:
            return date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        except ValueError:
            pass
    raise FormatError(path, where, field, f"not a date: {text!r}")
