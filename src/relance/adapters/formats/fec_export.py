"""Write journal entries as FEC lines (fichier des écritures comptables, LPF A47 A-1).

The 18 mandatory columns in their fixed order, tab separated, a header line of field names,
dates as YYYYMMDD, amounts with a decimal comma and no thousands separator, one line per
entry line. The norm names ISO-8859-15 among its charsets, the default here. Amounts are in
euros: an entry in another currency needs converting first and is refused.

File name (for a full FEC): `<SIREN>FEC<closing date YYYYMMDD>.txt`, see `fec_filename`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from relance.adapters.formats.fec import FIELDS
from relance.core.writeoff import JournalEntry

COLUMNS: tuple[str, ...] = FIELDS  # the 18 columns of the norm, as the reader knows them
SEPARATOR = "\t"
LINE_END = "\r\n"


def fec_date(day: date) -> str:
    """A date as FEC writes it: YYYYMMDD."""
    return day.strftime("%Y%m%d")


def fec_amount(amount: Decimal) -> str:
    """An amount with a decimal comma and two decimals: 1234,56."""
    return f"{amount.quantize(Decimal('0.01')):f}".replace(".", ",")


def _text(value: str) -> str:
    # the separator and line ends would break the file; keep the words
    return " ".join(value.replace(SEPARATOR, " ").split())


def fec_rows(entries: Iterable[JournalEntry], validated: date | None = None) -> list[list[str]]:
    """The FEC fields of every line of `entries` (no header), 18 per row.

    `validated` is the ValidDate; by default the entry's own date. Raises ValueError for an
    entry that is not balanced or not in euros.
    """
    rows: list[list[str]] = []
    for entry in entries:
        if not entry.is_balanced:
            raise ValueError(f"entry {entry.number} is not balanced")
        for line in entry.lines:
            for money in (line.debit, line.credit):
                if money.currency != "EUR":
                    raise ValueError(
                        f"entry {entry.number}: FEC amounts are in euros, convert {money} first"
                    )
            rows.append(
                [
                    _text(entry.journal_code),
                    _text(entry.journal_label),
                    _text(entry.number),
                    fec_date(entry.entry_date),
                    _text(line.account),
                    _text(line.account_label),
                    _text(line.aux_account),
                    _text(line.aux_label),
                    _text(entry.piece_ref),
                    fec_date(entry.piece_date),
                    _text(entry.label),
                    fec_amount(line.debit.amount),
                    fec_amount(line.credit.amount),
                    "",
                    "",
                    fec_date(validated or entry.entry_date),
                    "",
                    "",
                ]
            )
    return rows


def fec_text(entries: Iterable[JournalEntry], validated: date | None = None) -> str:
    """The whole file as text: header line, then one line per entry line."""
    lines = [SEPARATOR.join(COLUMNS)]
    lines.extend(SEPARATOR.join(row) for row in fec_rows(entries, validated))
    return LINE_END.join(lines) + LINE_END


def write_fec(
    path: Path,
    entries: Iterable[JournalEntry],
    validated: date | None = None,
    encoding: str = "iso-8859-15",
) -> None:
    """Write `entries` to `path` as a FEC file (ISO-8859-15 unless told otherwise)."""
    path.write_bytes(fec_text(entries, validated).encode(encoding))


def fec_filename(siren: str, closing: date) -> str:
    """The name the norm gives a FEC: SIREN, "FEC", closing date."""
    return f"{siren}FEC{fec_date(closing)}.txt"
