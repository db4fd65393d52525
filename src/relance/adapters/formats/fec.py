"""FEC reader (Fichier des Écritures Comptables, the French legal accounting export).

The norm (LPF A47 A-1, see docs/law.md): a header line of field names, then one line per
accounting line in 18 columns (21/22 for cash accounting: + DateRglt, ModeRglt, NatOp,
IdClient), tab or pipe separated, dates YYYYMMDD, comma decimals; Debit/Credit may be replaced
by Montant + Sens. Files in the wild are UTF-8, UTF-8 with BOM or ISO-8859-15, with values
padded to a fixed width and sometimes a trailing separator.

Only customer receivable lines are kept: accounts 411* (a customer's own account or the 411
control account with the customer in CompAuxNum). A debit there is an invoice, a credit is a
credit note when its entry also books revenue (7*), else a payment. Lines sharing a lettering
code (EcritureLet, with DateLet) for one customer were matched by the accountant: they become
allocations, oldest invoice first. The file is read line by line, one entry kept in memory.
"""

from __future__ import annotations

import codecs
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import plain_decimal
from relance.core.model import (
    Allocation,
    AllocationKind,
    CreditNote,
    Customer,
    Invoice,
    Payment,
)
from relance.core.money import Money

FIELDS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
_REQUIRED = {f.lower() for f in FIELDS if f not in ("Debit", "Credit")}
_ENCODINGS = ("utf-8-sig", "iso-8859-15")

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class FecLine:
    """One accounting line of a FEC, values stripped of their padding."""

    line_no: int
    journal: str
    entry_num: str
    entry_date: date
    account: str
    aux_account: str
    aux_label: str
    piece_ref: str
    piece_date: date | None
    label: str
    debit: Decimal
    credit: Decimal
    letter: str
    letter_date: date | None
    payment_date: date | None  # DateRglt, only in the 22-column cash-accounting variant


@dataclass(frozen=True, slots=True)
class FecLedger:
    """What a FEC says about receivables: the records to add to the ledger."""

    customers: tuple[Customer, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    credit_notes: tuple[CreditNote, ...] = ()
    payments: tuple[Payment, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    lines_read: int = 0


def identify(path: Path, head: bytes) -> bool:
    """True when `head` (the file's first bytes) starts with a FEC header line."""
    text = head[:400].decode("latin-1").lstrip("\ufeff").lstrip("ï»¿")
    first = text.splitlines()[0] if text else ""
    lowered = first.lower()
    return lowered.startswith("journalcode") and ("\t" in first or "|" in first)


def _decode(raw: bytes, path: Path, line_no: int, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FormatError(path, str(line_no), "", f"not {encoding} text ({exc.reason})") from exc


def _sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else ISO-8859-15."""
    decoder_ok = True
    with path.open("rb") as stream:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                decoder_ok = False
                break
    return _ENCODINGS[0] if decoder_ok else _ENCODINGS[1]


@functools.lru_cache(maxsize=4096)
def _yyyymmdd(value: str) -> date:
    """The date written YYYYMMDD (ValueError otherwise); a FEC repeats few dates, so cached."""
    if len(value) != 8 or not value.isdigit():
        raise ValueError("not a YYYYMMDD date")
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _date(value: str, path: Path, line_no: int, name: str, required: bool) -> date | None:
    if not value:
        if required:
            raise FormatError(path, str(line_no), name, "date missing")
        return None
    try:
        return _yyyymmdd(value)
    except ValueError as exc:
        reason = "not a YYYYMMDD date" if not value.isdigit() or len(value) != 8 else "no such date"
        raise FormatError(path, str(line_no), name, f"{reason}: {value!r}") from exc


_ZERO = Decimal(0)


def _amount(value: str, path: Path, line_no: int, name: str) -> Decimal:
    if not value:
        return _ZERO
    # Most lines carry a zero on one side ("0000000000,00"): no need to parse it.
    if "0" in value and not value.strip("0,.") and value.count(",") + value.count(".") <= 1:
        return _ZERO
    try:
        return plain_decimal(value.replace(" ", "").replace("\u00a0", ""))
    except ValueError as exc:
        raise FormatError(path, str(line_no), name, f"not an amount: {value!r}") from exc


@dataclass(frozen=True, slots=True)
class _Header:
    """What the first line of a FEC says: its separator and where each column is."""

    separator: str
    index: dict[str, int]
    width: int  # how many fields a line has
    has_debit_credit: bool  # else one Montant column with its Sens


def _header(path: Path, header: str) -> _Header:
    separator = "\t" if header.count("\t") >= header.count("|") else "|"
    names = [n.strip().lower() for n in header.split(separator)]
    while names and not names[-1]:
        names.pop()  # a trailing separator
    missing = _REQUIRED - set(names)
    has_debit_credit = {"debit", "credit"} <= set(names)
    has_sens = {"montant", "sens"} <= set(names)
    if missing or not (has_debit_credit or has_sens):
        lacking = sorted(missing) or ["Debit/Credit or Montant/Sens"]
        raise FormatError(path, "line 1", "header", f"not a FEC header, lacks {lacking}")
    index = {name: i for i, name in enumerate(names)}
    return _Header(separator, index, len(names), has_debit_credit)


def _debit_credit(
    header: _Header, get: Callable[[str], str], path: Path, line_no: int
) -> tuple[Decimal, Decimal]:
    if header.has_debit_credit:
        return (
            _amount(get("debit"), path, line_no, "Debit"),
            _amount(get("credit"), path, line_no, "Credit"),
        )
    amount = _amount(get("montant"), path, line_no, "Montant")
    sens = get("sens").upper()
    if sens in ("D", "+1", "1"):
        return amount, Decimal(0)
    if sens in ("C", "-1"):
        return Decimal(0), amount
    raise FormatError(path, str(line_no), "Sens", f"not D or C: {sens!r}")


def _line(header: _Header, text: str, path: Path, line_no: int) -> FecLine:
    """One data line of the FEC, its fields checked."""
    width = header.width
    values = [v.strip() for v in text.split(header.separator)]
    if len(values) > width and not any(values[width:]):
        values = values[:width]  # trailing separators
    if len(values) != width:
        raise FormatError(path, str(line_no), "", f"{len(values)} fields, the header has {width}")
    index = header.index

    def get(name: str) -> str:
        return values[index[name]] if name in index else ""

    debit, credit = _debit_credit(header, get, path, line_no)
    entry_date = _date(get("ecrituredate"), path, line_no, "EcritureDate", True)
    assert entry_date is not None  # required=True never returns None
    return FecLine(
        line_no=line_no,
        journal=get("journalcode"),
        entry_num=get("ecriturenum"),
        entry_date=entry_date,
        account=get("comptenum"),
        aux_account=get("compauxnum"),
        aux_label=get("compauxlib"),
        piece_ref=get("pieceref"),
        piece_date=_date(get("piecedate"), path, line_no, "PieceDate", False),
        label=get("ecriturelib"),
        debit=debit,
        credit=credit,
        letter=get("ecriturelet"),
        letter_date=_date(get("datelet"), path, line_no, "DateLet", False),
        payment_date=_date(get("daterglt"), path, line_no, "DateRglt", False),
    )


def iter_lines(path: Path, on_progress: Progress | None = None) -> Iterator[FecLine]:
    """Every line of the FEC at `path`, in file order, streamed.

    Raises FormatError naming the line and field of the first value that cannot be read.
    `on_progress` is called with the number of bytes read so far, for a progress bar.
    """
    path = Path(path)
    encoding = _sniff_encoding(path)
    with path.open("rb") as stream:
        header_raw = stream.readline()
        header = _header(path, _decode(header_raw, path, 1, encoding).rstrip("\r\n"))
        read = len(header_raw)
        for line_no in itertools.count(2):
            raw = stream.readline()
            if not raw:
                break
            read += len(raw)
            text = _decode(raw, path, line_no, encoding).rstrip("\r\n")
            if not text.strip():
                continue
            yield _line(header, text, path, line_no)
            if on_progress is not None and line_no % 10_000 == 0:
                on_progress(read)
        if on_progress is not None:
            on_progress(read)


def _entries(lines: Iterator[FecLine]) -> Iterator[list[FecLine]]:
    """Consecutive lines of one accounting entry (same journal, number, date and piece)."""
    for _, group in itertools.groupby(
        lines, key=lambda x: (x.journal, x.entry_num, x.entry_date, x.piece_ref)
    ):
        yield list(group)


def _is_receivable(line: FecLine) -> bool:
    return line.account.startswith("411")


@dataclass
class _Builder:
    """Accumulates records while the file streams; lettering resolved at the end."""

    path: Path
    currency: str
    payment_terms: timedelta
    as_of: date | None
    customers: dict[str, Customer] = field(default_factory=dict)
    invoices: list[Invoice] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    seen_numbers: dict[str, int] = field(default_factory=dict)
    # (customer, letter) -> [(date, key, is_debit, amount in minor units, letter date)]
    lettered: dict[tuple[str, str], list[tuple[date, str, bool, int, date | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def unique(self, number: str, line: FecLine) -> str:
        """`number`, made unique by the entry number and line when a piece is reused."""
        count = self.seen_numbers.get(number, 0)
        self.seen_numbers[number] = count + 1
        if count == 0:
            return number
        return f"{number}/{line.journal}{line.entry_num}-{line.line_no}"

    def add(self, entry: list[FecLine]) -> None:
        revenue = any(x.account.startswith("7") for x in entry)
        tax = sum((x.credit - x.debit for x in entry if x.account.startswith("4457")), Decimal(0))
        receivables = [x for x in entry if _is_receivable(x)]
        for line in receivables:
            if self.as_of is not None and line.entry_date > self.as_of:
                continue
            ref = line.aux_account or line.account
            if ref not in self.customers:
                self.customers[ref] = Customer(ref=ref, name=line.aux_label or ref)
            net = line.debit - line.credit
            if net == 0:
                continue
            # Padded files keep runs of spaces inside values ("VE  0123"): one space is the name.
            piece = " ".join(line.piece_ref.split()) or f"{line.journal}{line.entry_num}"
            day = line.piece_date or line.entry_date
            money = Money(abs(net), self.currency)
            if net > 0:
                key = self.unique(piece, line)
                due = line.payment_date or day + self.payment_terms
                share = tax if len(receivables) == 1 and 0 <= tax <= net else Decimal(0)
                self.invoices.append(
                    Invoice(
                        number=key,
                        customer_ref=ref,
                        issue_date=day,
                        due_date=due,
                        amount=money,
                        tax=Money(share, self.currency),
                        subject=line.label,
                    )
                )
            elif revenue:
                key = self.unique(piece, line)
                self.credit_notes.append(CreditNote(key, ref, day, money))
            else:
                key = f"FEC:{line.journal}:{line.entry_num}:{line.entry_date:%Y%m%d}:{piece}"
                key = self.unique(key, line)
                self.payments.append(
                    Payment(
                        key=key,
                        date=line.entry_date,
                        amount=money,
                        customer_ref=ref,
                        method=line.journal,
                        reference=piece,
                    )
                )
            if line.letter:
                self.lettered[(ref, line.letter.upper())].append(
                    (day, key, net > 0, money.to_minor(), line.letter_date)
                )

    def allocations(self) -> list[Allocation]:
        """Within each lettering group, credits settle debits oldest first."""
        credit_kind = {n.number: AllocationKind.CREDIT_NOTE for n in self.credit_notes}
        result: list[Allocation] = []
        for items in self.lettered.values():
            dates = [x[4] for x in items if x[4] is not None]
            when = max(dates) if dates else max(x[0] for x in items)
            if self.as_of is not None and when > self.as_of:
                continue  # lettered after the as-of date: still open then
            ordered = sorted(items)
            debit_keys = [x[1] for x in ordered if x[2]]
            debit_left = [x[3] for x in ordered if x[2]]
            credit_keys = [x[1] for x in ordered if not x[2]]
            credit_left = [x[3] for x in ordered if not x[2]]
            d = c = 0
            while d < len(debit_keys) and c < len(credit_keys):
                applied = min(debit_left[d], credit_left[c])
                result.append(
                    Allocation(
                        kind=credit_kind.get(credit_keys[c], AllocationKind.PAYMENT),
                        source=credit_keys[c],
                        invoice_number=debit_keys[d],
                        amount=Money.from_minor(applied, self.currency),
                        date=when,
                    )
                )
                debit_left[d] -= applied
                credit_left[c] -= applied
                d += debit_left[d] == 0
                c += credit_left[c] == 0
        return result


def extract(
    path: Path,
    *,
    as_of: date | None = None,
    currency: str = "EUR",
    payment_terms_days: int = 30,
    on_progress: Progress | None = None,
) -> FecLedger:
    """Customers, invoices, credit notes, payments and allocations from the FEC at `path`.

    `as_of` drops lines booked after it and lettering done after it, so the ledger is the
    one of that date. Due dates are not in the 18 columns: DateRglt when present, else the
    piece date plus `payment_terms_days`. Raises FormatError on the first unreadable line.
    """
    path = Path(path)
    builder = _Builder(path, currency, timedelta(days=payment_terms_days), as_of)
    count = 0
    for entry in _entries(iter_lines(path, on_progress)):
        count += len(entry)
        builder.add(entry)
    return FecLedger(
        customers=tuple(builder.customers.values()),
        invoices=tuple(builder.invoices),
        credit_notes=tuple(builder.credit_notes),
        payments=tuple(builder.payments),
        allocations=tuple(builder.allocations()),
        lines_read=count,
    )
