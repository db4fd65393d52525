"""OFX statement reader (OFX 1.x SGML and 2.x XML), through ofxtools' parser.

ofxtools builds the element tree (it closes SGML's unclosed tags); its strict conversion to
models is not used, because real bank files break the spec in harmless ways (a bank id longer
than nine characters, no sign-on block, blank lines before the header) and must still be
read. The values that matter are checked here instead: every STMTTRN needs a posting date and
an amount, and a bad one is a FormatError naming the transaction. FITID, the bank's unique
id of a transaction, is the key when present.
"""

from __future__ import annotations

import io
import warnings
from collections import Counter
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

from ofxtools.Parser import OFXTree

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import plain_decimal
from relance.core.bank import BankTransaction, transaction_key, unique_keys
from relance.core.iso_codes import check_currency
from relance.core.money import Money

_V1_HEADER = (
    b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    b"CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
_STATEMENTS = ("STMTRS", "CCSTMTRS")


def identify(path: Path, head: bytes) -> bool:
    """True when the head of the file is an OFX document (SGML header, XML PI or <OFX>)."""
    start = head[:4096].lstrip()
    return start.startswith(b"OFXHEADER") or b"<?OFX" in start or start.upper().startswith(b"<OFX>")


def _text(element: Element | None, tag: str) -> str:
    if element is None:
        return ""
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str, file: Path, where: str, field: str) -> date | None:
    if not value:
        return None
    digits = value[:8]
    try:
        if len(digits) != 8 or not digits.isdigit():
            raise ValueError(value)
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise FormatError(file, where, field, f"not an OFX date: {value!r}") from exc


def _tree(file: Path) -> Element:
    raw = file.read_bytes().lstrip()
    if not raw.startswith((b"OFXHEADER", b"<?xml")):
        if b"<OFX>" not in raw[:4096].upper():
            raise FormatError(file, "header", "OFXHEADER", "not an OFX file")
        raw = _V1_HEADER + raw  # a body without its header, as some banks send
    parser = OFXTree()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # private tags such as <INTU.BID> are harmless
            parser.parse(io.BytesIO(raw))
    except Exception as exc:  # ofxtools raises many kinds; all mean an unreadable file
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FormatError(file, "header", "", f"not readable as OFX: {message}") from exc
    root = parser.getroot()
    if root is None:
        raise FormatError(file, "OFX", "", "empty document")
    return root


def extract(path: Path) -> tuple[BankTransaction, ...]:
    """Every STMTTRN of every bank or card statement in the OFX file at `path`.

    Amounts are signed as in the file (credits positive). Raises FormatError naming the
    statement transaction and field of the first value that cannot be read.
    """
    file = Path(path)
    root = _tree(file)
    result: list[BankTransaction] = []
    seen: Counter[tuple[str, ...]] = Counter()
    statements = [e for tag in _STATEMENTS for e in root.iter(tag)]
    # An OFX answer without a statement (only a sign-on) is valid and holds no transaction.
    count = 0
    for statement in statements:
        try:
            currency = check_currency(_text(statement, "CURDEF") or "EUR")
        except ValueError as exc:
            raise FormatError(file, statement.tag, "CURDEF", str(exc)) from exc
        account_from = statement.find("BANKACCTFROM")
        if account_from is None:
            account_from = statement.find("CCACCTFROM")
        account = _text(account_from, "ACCTID")
        for line in statement.iter("STMTTRN"):
            count += 1
            fitid = _text(line, "FITID")
            where = f"STMTTRN #{count}" + (f" FITID {fitid}" if fitid else "")
            raw_amount = _text(line, "TRNAMT")
            try:
                value = plain_decimal(raw_amount)
            except ValueError as exc:
                raise FormatError(file, where, "TRNAMT", f"not an amount: {raw_amount!r}") from exc
            line_currency = _text(line, "CURRENCY/CURSYM") or currency
            try:
                amount = Money(value, check_currency(line_currency))
            except ValueError as exc:
                raise FormatError(file, where, "CURRENCY", str(exc)) from exc
            posted = _date(_text(line, "DTPOSTED"), file, where, "DTPOSTED")
            if posted is None:
                raise FormatError(file, where, "DTPOSTED", "posting date missing")
            available = _date(_text(line, "DTAVAIL"), file, where, "DTAVAIL")
            name = _text(line, "NAME") or _text(line.find("PAYEE"), "NAME")
            memo = _text(line, "MEMO")
            content = (posted.isoformat(), str(amount), name, memo, _text(line, "REFNUM"))
            seen[content] += 1
            result.append(
                BankTransaction(
                    key=transaction_key(account, fitid, *content, str(seen[content])),
                    booking_date=posted,
                    value_date=available,
                    amount=amount,
                    payer_name=name,
                    remittance=memo if memo != name else "",
                    account=account,
                    bank_reference=fitid,
                    source_file=file.name,
                )
            )
    return unique_keys(result)
