"""Numbers, dates and encodings as spreadsheets and banks write them, in French or English.

Every CSV reader of relance reads its cells through these functions, so `1 234,56` and
`19/02/2018` mean the same thing in a ledger export and in a bank statement.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import checked

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
_WRITTEN = re.compile(r"[+-]?\d[\d.,]*")
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # spaces and apostrophes group thousands
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_decimal(text: str) -> Decimal:
    """A number written `1234.56`, `1 234,56`, `1,234.56`, `1.234,56` or `-12,5`.

    The decimal mark is the last `.` or `,`; a mark that groups thousands groups them by
    three, and a number with both marks (`1.234,56`, `1,234.56`) says which is which. A lone
    mark followed by exactly three digits (`1,234`, `12.500`) is refused as ambiguous: it is
    one thousand two hundred and thirty-four to one reader and one point two three four to
    another, and a thousandfold error must never pass in silence. Raises ValueError on
    anything else.
    """
    value = text.strip()
    if _AMBIGUOUS.fullmatch(value):
        as_thousands = value.replace(",", "").replace(".", "")
        as_decimal = value.replace(",", ".")
        raise ValueError(
            f"ambiguous number: {text!r} could be {as_thousands} or {as_decimal}; "
            "write it with its decimals (1 234,00 or 1,234.00)"
        )
    if _PLAIN.fullmatch(value):  # the common case, tried first: millions of cells pass here
        return checked(Decimal(value))
    value = _SPACES.sub("", value)
    if not _WRITTEN.fullmatch(value):
        raise ValueError(f"not a number: {text!r}")
    sign = "-" if value.startswith("-") else ""
    digits = value.lstrip("+-")
    mark = max(digits.rfind(","), digits.rfind("."))
    other = "." if digits[mark : mark + 1] == "," else ","
    grouping_only = mark >= 0 and len(digits) - mark - 1 == 3 and digits.count(digits[mark]) > 1
    if (mark >= 0 and not grouping_only) or other in digits:
        whole, fraction = digits[:mark], digits[mark + 1 :]
    else:
        whole, fraction = digits, ""
    if fraction and not fraction.isdigit():
        raise ValueError(f"not a number: {text!r}")
    if not whole.isdigit():
        if not _GROUPED.fullmatch(whole) or ("," in whole and "." in whole):
            raise ValueError(f"not a number: {text!r}")
        whole = whole.replace(",", "").replace(".", "")
    return checked(Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"))


@lru_cache(maxsize=4096)  # a ledger's dates repeat: a year of them covers a million rows
def parse_date(text: str, day_first: bool = True) -> date:
    """A date written `2018-02-19`, `20180219`, `19/02/2018`, `19.02.2018` or `19-02-2018`.

    Numeric dates are read day first, as in France and the United Kingdom; `day_first=False`
    reads `02/19/2018` the American way. Raises ValueError on anything else.
    """
    value = text.strip()
    if match := _ISO.fullmatch(value) or _COMPACT.fullmatch(value):
        year, month, day = (int(group) for group in match.groups())
    elif match := _NUMERIC.fullmatch(value):
        first, second, year = (int(group) for group in match.groups())
        day, month = (first, second) if day_first else (second, first)
    else:
        raise ValueError(f"not a date: {text!r} (write 2018-02-19 or 19/02/2018)")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} ({exc})") from exc


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` when the start of the file is UTF-8 (with or without BOM), else `cp1252`.

    A file with NUL bytes (UTF-16, a spreadsheet saved as binary) is refused, and so is a
    Windows-1252 file holding UTF-8 lines (see `refuse_mixed_encodings`).
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if b"\x00" in head:
        raise FormatError(
            path, "1", "", "not a text CSV file (UTF-16 or binary?); save it as UTF-8"
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the 64 KiB window is no reason to give up UTF-8.
        if exc.start < len(head) - 4:
            refuse_mixed_encodings(path)
            return "cp1252"
    return "utf-8-sig"


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_mixed_encodings(path: Path) -> None:
    """Raise FormatError naming the first line whose encoding differs from the earlier
    lines', when a file has both UTF-8 and Windows-1252 lines (rows pasted from another
    export): read as either, one part would be stored garbled ("SociÃ©tÃ©")."""
    first: tuple[int, bool] | None = None
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            utf8 = _is_utf8(line)
            if first is None:
                first = (number, utf8)
            elif utf8 != first[1]:
                was, now = ("UTF-8", "Windows-1252") if first[1] else ("Windows-1252", "UTF-8")
                raise FormatError(
                    path, str(number), "",
                    f"this line is {now} but line {first[0]} is {was}: the file mixes two "
                    "encodings; save it again as UTF-8",
                )  # fmt: skip


def sniff_delimiter(header: str) -> str:
    """The separator of a CSV header line: the most frequent of `;` `,` tab `|` (`,` if none)."""
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
