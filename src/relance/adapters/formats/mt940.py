"""SWIFT MT940 / MT942 statement reader, through the `mt-940` library.

The library splits the tags (:61: statement lines, :86: information) and decodes the German
SEPA sub-fields (?20 EREF+, SVWZ+ …) into purpose, applicant name and end-to-end reference.
This module keeps what matching needs: the bank reference as key, value and entry dates,
the signed amount, the payer's name and IBAN and the remittance text, also from the
`/NAME/…/REMI/…` structured :86: of Dutch banks.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import mt940 as mt940_library
from stdnum import iban as iban_number

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import checked
from relance.core.bank import BankTransaction, transaction_key, unique_keys
from relance.core.iso_codes import check_currency
from relance.core.money import Money

_TAG = re.compile(rb"^:(20|25|28C?|60[FM]|61|62[FM]):", re.MULTILINE)
# Codes of the structured :86: used by Dutch and other banks (/EREF/…/BENM//NAME/…/REMI/…).
_SWIFT_FIELD = re.compile(
    r"/(EREF|BENM|ORDP|NAME|REMI|ISDT|IBAN|BIC|CSID|MARF|ADDR|PREF|RTRN|CDTRREF|CDTRREFTP|CNTP"
    r"|ID|PURP|ULTC|ULTD|EXCH|CHGS|TRCD|BUSP|OCMT|SVWZ)/"
)
_IBAN_START = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def identify(path: Path, head: bytes) -> bool:
    """True when the head holds the MT940/942 tags :20:, :25: and a :60: or :61: line."""
    tags = {m.group(1)[:2] for m in _TAG.finditer(head[:8192].replace(b"\r\n", b"\n"))}
    return {b"20", b"25"} <= tags and bool(tags & {b"60", b"61"})


def _split_iban(text: str) -> tuple[str, str]:
    """(IBAN, rest) when `text` starts with a valid IBAN glued to a name, else ("", text)."""
    found = _IBAN_START.match(text.replace(" ", "")[:40])
    if found:
        for end in range(len(found.group(0)), 14, -1):
            candidate = found.group(0)[:end]
            if iban_number.is_valid(candidate):
                return candidate, text[end:].strip()
    return "", text


def _swift_fields(details: str) -> dict[str, str]:
    """The /CODE/value pairs of a structured :86: (NAME, REMI, EREF...)."""
    flat = details.replace("\n", "")
    parts = _SWIFT_FIELD.split(flat)
    fields: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        fields.setdefault(parts[i], parts[i + 1].strip("/ "))
    return fields


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return date(value.year, value.month, value.day)


def _read(file: Path) -> Any:
    raw = file.read_bytes()
    if not identify(file, raw[:8192]):
        raise FormatError(file, "1", ":20:", "not an MT940/MT942 statement")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # SWIFT's character set fits; older files are Latin-1
    try:
        return mt940_library.parse(text)
    except Exception as exc:  # the library raises many kinds on a malformed tag
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FormatError(file, "statement", "", f"not readable as MT940: {message}") from exc


def _amount(data: Any, file: Path, where: str) -> Money:
    """The signed amount of one :61: line, in its currency."""
    amount_field = data.get("amount")
    if amount_field is None or not isinstance(amount_field.amount, Decimal):
        raise FormatError(file, where, "amount", "amount missing")
    try:
        currency = check_currency(str(amount_field.currency or data.get("currency") or ""))
    except ValueError as exc:
        raise FormatError(file, where, "currency", str(exc)) from exc
    try:
        return Money(checked(amount_field.amount), currency)
    except ValueError as exc:
        raise FormatError(file, where, "amount", str(exc)) from exc


def extract(path: Path) -> tuple[BankTransaction, ...]:
    """Every :61: line of the MT940/MT942 file at `path`, credits positive.

    Raises FormatError naming the statement line and field that cannot be read.
    """
    file = Path(path)
    transactions = _read(file)
    account = str(transactions.data.get("account_identification") or "")
    result: list[BankTransaction] = []
    seen: Counter[tuple[str, ...]] = Counter()
    for number, line in enumerate(transactions, start=1):
        data = line.data
        where = f":61: #{number}"
        amount = _amount(data, file, where)
        value_date = _as_date(data.get("date"))
        booked = _as_date(data.get("entry_date")) or value_date
        if booked is None:
            raise FormatError(file, where, "date", "no value or entry date")
        details = str(data.get("transaction_details") or "")
        fields = _swift_fields(details) if _SWIFT_FIELD.search(details) else {}
        payer_iban, name = _split_iban(str(data.get("applicant_name") or ""))
        payer_iban = str(data.get("applicant_iban") or "") or payer_iban
        name = name or fields.get("NAME", "")
        extra = str(data.get("extra_details") or "").replace(" ", "")
        if not payer_iban and iban_number.is_valid(extra):
            payer_iban = extra
        remittance = str(data.get("purpose") or "") or fields.get("REMI", "")
        if not remittance and not fields:
            remittance = " ".join(details.split())
        end_to_end = str(data.get("end_to_end_reference") or "") or fields.get("EREF", "")
        reference = str(data.get("bank_reference") or "")
        if reference.upper() == "NONREF":
            reference = ""
        content = (booked.isoformat(), str(amount), name, payer_iban, remittance, details)
        seen[content] += 1
        result.append(
            BankTransaction(
                key=transaction_key(account, reference, *content, str(seen[content])),
                booking_date=booked,
                value_date=value_date,
                amount=amount,
                payer_name=" ".join(name.split()),
                payer_iban=payer_iban,
                remittance=remittance,
                end_to_end_id=end_to_end,
                account=account,
                bank_reference=reference,
                source_file=file.name,
            )
        )
    return unique_keys(result)
