"""CSV bank statement reader: the export every bank offers, in French or English.

The layout (also shown to users as the documented import format):

* one header row, then one row per transaction; separator `;`, `,`, tab or `|`, detected;
  encoding UTF-8 (with or without BOM), else Windows-1252;
* columns are found by their header, in either language, case and accents ignored:

  =====================  ===================================================================
  field                  accepted headers
  =====================  ===================================================================
  booking date *         date, booking date, date (de l')operation, date comptable,
                         date de comptabilisation
  value date             value date, date valeur, date de valeur
  amount *               amount, montant — or two columns: credit / debit (crédit, débit)
  currency               currency, devise (EUR when absent)
  payer name             name, payer, counterparty, tiers, nom, emetteur, donneur d'ordre
  payer IBAN             iban, payer iban, counterparty iban, iban tiers, compte tiers
  remittance text        description, label, libelle, memo, communication, motif, details
  structured reference   structured reference, creditor reference, reference structuree
  transaction id         id, transaction id, bank reference, reference bancaire, fitid
  end-to-end id          end to end id, endtoendid, reference de bout en bout
  =====================  ===================================================================

  Also read: a second payer column (contrepartie, nom de la contrepartie, nom du tiers) and
  a second label column (libellé opération, libellé complémentaire, référence), added to
  the remittance text. When no column names the payer, the payer's name (and IBAN) are
  read from the label as French banks write them ("VIR SEPA RECU /DE ... /MOTIF ...",
  "VIREMENT DE ..."): see `bank_labels.py`;

* amounts: `1234.56`, `1,234.56`, `1 234,56`, `1.234,56`, `-12,50`, `+12.50`: the decimal
  mark is the last `.` or `,`; a lone mark before exactly three digits (`1,234`) is refused
  as ambiguous (see `localized.parse_decimal`); credits positive. With separate
  credit and debit columns both hold positive numbers;
* dates: `2026-03-31`, `31/03/2026`, `31.03.2026`, `31-03-2026`, `20260331`; `03/31/2026`
  only with `day_first=False`.

The file is read row by row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from relance.adapters.formats.bank_labels import with_label_payer
from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.localized import (
    detect_encoding,
    parse_date,
    parse_decimal,
    sniff_delimiter,
)
from relance.core.bank import BankTransaction, transaction_key, unique_keys
from relance.core.iso_codes import check_currency
from relance.core.money import Money

_HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "booking date",
        "date operation",
        "date de l'operation",
        "date comptable",
        "date de comptabilisation",
        "transaction date",
    ),
    "value_date": ("value date", "date valeur", "date de valeur"),
    "amount": (
        "amount",
        "montant",
        "montant(euros)",
        "montant (eur)",
        "montant eur",
        "montant en euros",
        "montant operation",
        "montant de l'operation",
    ),
    "credit": ("credit", "credit euros", "credit eur", "credit (eur)"),
    "debit": ("debit", "debit euros", "debit eur", "debit (eur)"),
    "currency": ("currency", "devise"),
    "name": (
        "name",
        "payer",
        "payer name",
        "counterparty",
        "counterparty name",
        "tiers",
        "nom",
        "emetteur",
        "donneur d'ordre",
    ),
    "iban": ("iban", "payer iban", "counterparty iban", "iban tiers", "compte tiers"),
    "text": ("description", "label", "libelle", "memo", "communication", "motif", "details"),
    "reference": ("structured reference", "creditor reference", "reference structuree"),
    "id": ("id", "transaction id", "bank reference", "reference bancaire", "fitid"),
    "end_to_end": ("end to end id", "endtoendid", "reference de bout en bout"),
    # Read since the payer was looked for in labels; kept out of the line's key (below), so
    # a statement imported before reads back with the same keys.
    "more_name": ("contrepartie", "nom de la contrepartie", "nom du tiers"),
}
# Further label columns, every one of them added to the remittance text (also kept out of
# the key).
_MORE_TEXT = frozenset(
    (
        "libelle simplifie",
        "libelle operation",
        "libelle de l'operation",
        "libelle complementaire",
        "detail de l'ecriture",
        "informations complementaires",
        "reference",
        "reference du virement",
    )
)


def _plain(text: str) -> str:
    stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(stripped.lower().replace("_", " ").replace("-", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    names = [_plain(h) for h in header]
    found: dict[str, int] = {}
    for field, accepted in _HEADERS.items():
        for index, name in enumerate(names):
            if name in accepted and field not in found:
                found[field] = index
    return found


def _decoded_head(head: bytes) -> str:
    """The start of a file as text: UTF-8 (a character cut at the end is dropped), else
    Windows-1252, as many French banks export ("Débit")."""
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", errors="replace")
        return head.decode("cp1252", errors="replace")


def identify(path: Path, head: bytes) -> bool:
    """True when the first line is a header with a date and an amount (or credit/debit)."""
    text = _decoded_head(head[:4096]).lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first or first.lstrip().startswith("<"):
        return False
    header = next(csv.reader([first], delimiter=sniff_delimiter(first)))
    columns = _columns(header)
    return "date" in columns and ("amount" in columns or {"credit", "debit"} <= set(columns))


def parse_amount(text: str) -> Decimal:
    """A decimal from a French or English formatted number; ValueError when it is not one."""
    return parse_decimal(text)


def _decoded_lines(file: Path) -> Iterator[str]:
    encoding = detect_encoding(file)
    with file.open("rb") as stream:
        try:
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            yield from text
        except UnicodeDecodeError as exc:
            raise FormatError(file, "", "", f"not {encoding} text: {exc.reason}") from exc


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the header of a statement says: where each field is, and the reading settings."""

    file: Path
    header: list[str]
    columns: dict[str, int]
    more_text: list[int]  # further label columns, joined to the text
    currency: str
    day_first: bool
    account: str


def _layout(file: Path, header: list[str], currency: str, day_first: bool, account: str) -> _Layout:
    columns = _columns(header)
    more_text = [index for index, name in enumerate(header) if _plain(name) in _MORE_TEXT]
    if "date" not in columns:
        raise FormatError(file, "line 1", "header", "no date column (date, date operation...)")
    if "amount" not in columns and not {"credit", "debit"} <= set(columns):
        raise FormatError(file, "line 1", "header", "no amount column (amount, montant...)")
    return _Layout(file, header, columns, more_text, currency, day_first, account)


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row of the statement, read field by field."""

    layout: _Layout
    cells: list[str]
    line: str

    def cell(self, field: str) -> str:
        index = self.layout.columns.get(field)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def day(self, field: str) -> date:
        try:
            return parse_date(self.cell(field).strip()[:10], self.layout.day_first)
        except ValueError as exc:
            name = self.layout.header[self.layout.columns[field]]
            raise FormatError(
                self.layout.file, self.line, name, f"not a date: {self.cell(field)!r}"
            ) from exc

    def money(self) -> Money:
        """The amount, signed (one column, or a credit and a debit column), in its currency."""
        has_amount = "amount" in self.layout.columns
        try:
            if has_amount:
                value = parse_amount(self.cell("amount"))
            else:
                credit = parse_amount(self.cell("credit")) if self.cell("credit") else Decimal(0)
                debit = parse_amount(self.cell("debit")) if self.cell("debit") else Decimal(0)
                value = abs(credit) - abs(debit)
        except (ValueError, InvalidOperation) as exc:
            field = "amount" if has_amount else "credit/debit"
            raw = (
                self.cell("amount") if has_amount else f"{self.cell('credit')}/{self.cell('debit')}"
            )
            raise FormatError(
                self.layout.file, self.line, field, f"not an amount: {raw!r}"
            ) from exc
        try:
            return Money(value, check_currency(self.cell("currency") or self.layout.currency))
        except ValueError as exc:
            raise FormatError(self.layout.file, self.line, "currency", str(exc)) from exc


def _transaction(row: _Row, seen: Counter[tuple[str, ...]]) -> BankTransaction:
    """The statement line of one row; `seen` counts identical rows, so each keeps its key."""
    layout, cell = row.layout, row.cell
    if len(row.cells) < len(layout.header) and len(row.cells) <= max(layout.columns.values()):
        raise FormatError(
            layout.file,
            row.line,
            "",
            f"{len(row.cells)} fields, the header has {len(layout.header)}",
        )
    booked = row.day("date")
    valued = row.day("value_date") if cell("value_date") else None
    money = row.money()
    content = (booked.isoformat(), str(money), cell("name"), cell("iban"), cell("text"),
               cell("reference"))  # fmt: skip
    seen[content] += 1
    more = [row.cells[index].strip() for index in layout.more_text if index < len(row.cells)]
    labels = [part for part in dict.fromkeys((cell("text"), *more)) if part]
    return with_label_payer(
        BankTransaction(
            key=transaction_key(layout.account, cell("id"), *content, str(seen[content])),
            booking_date=booked,
            value_date=valued,
            amount=money,
            payer_name=cell("name") or cell("more_name"),
            payer_iban=cell("iban").replace(" ", "").upper(),
            remittance=" ".join(labels),
            structured_reference=cell("reference").replace(" ", "").upper(),
            end_to_end_id=cell("end_to_end"),
            account=layout.account,
            bank_reference=cell("id"),
            source_file=layout.file.name,
        ),
        labels,
    )


def extract(
    path: Path, *, currency: str = "EUR", day_first: bool = True, account: str = ""
) -> tuple[BankTransaction, ...]:
    """Every row of the CSV statement at `path` (layout in the module docstring).

    Raises FormatError naming the line and column of the first value that cannot be read.
    `account` names our bank account in the keys, when the file does not.
    """
    file = Path(path)
    lines = _decoded_lines(file)
    try:
        first = next(lines)
    except StopIteration:
        raise FormatError(file, "line 1", "header", "empty file") from None
    separator = sniff_delimiter(first)
    header = next(csv.reader([first.lstrip("\ufeff")], delimiter=separator))
    layout = _layout(file, header, currency, day_first, account)
    result: list[BankTransaction] = []
    seen: Counter[tuple[str, ...]] = Counter()
    try:
        rows = csv.reader(lines, delimiter=separator)
        for cells in rows:
            if any(cell.strip() for cell in cells):
                result.append(_transaction(_Row(layout, cells, str(rows.line_num + 1)), seen))
    except csv.Error as exc:
        raise FormatError(file, "", "", f"not readable as CSV: {exc}") from exc
    return unique_keys(result)
