"""ISO 20022 bank-to-customer cash management reader: camt.053 (statement), camt.052
(intraday report) and camt.054 (debit/credit notification), message versions 02 to 08.

Elements are found by local name, so one reader serves every version's namespace. Each
booked entry (`Ntry`) becomes one `BankTransaction`, or one per transaction detail
(`TxDtls`) when the bank booked a batch. The matching keys are taken where the versions put
them: `Refs/EndToEndId`, the debtor's name and IBAN (`RltdPties`, with or without the `Pty`
level of version 08), the unstructured text `RmtInf/Ustrd` and the ISO 11649 creditor
reference `RmtInf/Strd/CdtrRefInf/Ref`. The file is parsed incrementally, one entry at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.numbers import plain_decimal
from relance.adapters.formats.xmlroot import refuse_doctype, root_of, split_tag
from relance.core.bank import BankTransaction, transaction_key, unique_keys
from relance.core.iso_codes import check_currency
from relance.core.money import Money

_ROOTS = ("BkToCstmrStmt", "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn")
_STATEMENTS = ("Stmt", "Rpt", "Ntfctn")


def identify(path: Path, head: bytes) -> bool:
    """True when the head of the file is an ISO 20022 camt.052/053/054 document."""
    if b"urn:iso:std:iso:20022:tech:xsd:camt.05" in head:
        return True
    return root_of(path, head)[0].startswith("urn:iso:std:iso:20022:tech:xsd:camt.05")


def _local(element: etree._Element) -> str:
    return split_tag(element.tag)[1]


def _find(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first element along `path` (local names separated by /), any namespace."""
    if element is None:
        return None
    found = element.xpath("./" + "/".join(f"*[local-name()='{p}']" for p in path.split("/")))
    assert isinstance(found, list)
    first = found[0] if found else None
    return first if isinstance(first, etree._Element) else None


def _text(element: etree._Element | None, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _texts(element: etree._Element | None, path: str) -> list[str]:
    if element is None:
        return []
    found = element.xpath("./" + "/".join(f"*[local-name()='{p}']" for p in path.split("/")))
    assert isinstance(found, list)
    return [(e.text or "").strip() for e in found if isinstance(e, etree._Element) and e.text]


def _where(element: etree._Element, index: int) -> str:
    return f"Ntry #{index} (line {element.sourceline})"


def _date(element: etree._Element, path: str, file: Path, where: str) -> date | None:
    value = _text(element, path + "/Dt") or _text(element, path + "/DtTm")[:10]
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise FormatError(file, where, path, f"not a date: {value!r}") from exc


def _amount(element: etree._Element, file: Path, where: str) -> Money:
    node = _find(element, "Amt")
    if node is None:
        raise FormatError(file, where, "Amt", "amount missing")
    raw = (node.text or "").strip()
    try:
        currency = check_currency(node.get("Ccy", ""))
        value = plain_decimal(raw)
    except ValueError as exc:
        raise FormatError(
            file, where, "Amt", f"not an amount: {raw!r} {node.get('Ccy')!r}"
        ) from exc
    if value < 0:
        raise FormatError(file, where, "Amt", f"not a positive amount: {raw!r}")
    return Money(value, currency)


def _party(details: etree._Element | None, role: str) -> tuple[str, str]:
    """(name, IBAN) of the debtor or creditor of a transaction, versions 02 to 08."""
    name = _text(details, f"RltdPties/{role}/Nm") or _text(details, f"RltdPties/{role}/Pty/Nm")
    iban = _text(details, f"RltdPties/{role}Acct/Id/IBAN")
    return name, iban


def _entries(
    file: Path, on_progress: Callable[[int], None] | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """(our account, entry element) for each Ntry, streamed; elements freed after use.

    `on_progress` gets the bytes read so far every thousand entries and at the end.
    """
    account = ""
    statements = 0
    entries = 0
    root_ok = False
    with file.open("rb") as stream:
        refuse_doctype(stream.read(65536), file)
        stream.seek(0)
        context = etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        try:
            for event, element in context:
                name = _local(element)
                if event == "start":
                    if name in _ROOTS:
                        root_ok = True
                    elif name in _STATEMENTS and root_ok:
                        statements += 1
                        account = ""
                    continue
                if name == "Acct" and not account:
                    account = _text(element, "Id/IBAN") or _text(element, "Id/Othr/Id")
                elif name == "Ntry":
                    yield account, element
                    # Free the entry and the emptied ones before it: memory stays flat.
                    element.clear()
                    while element.getprevious() is not None:
                        parent = element.getparent()
                        assert parent is not None
                        del parent[0]
                    entries += 1
                    if on_progress is not None and entries % 1000 == 0:
                        on_progress(stream.tell())
        except etree.XMLSyntaxError as exc:
            raise FormatError(file, str(exc.lineno), "", f"not well-formed XML: {exc.msg}") from exc
        if on_progress is not None:
            on_progress(stream.tell())
    if not root_ok:
        raise FormatError(file, "Document", "", "not a camt.052/053/054 document")
    if not statements:
        raise FormatError(file, "Document", "Stmt", "no statement, report or notification")


def _detail_amount(detail: object, file: Path, where: str, number: int) -> Money | None:
    """A transaction detail's own amount (AmtDtls/TxAmt/Amt, or Amt in later versions)."""
    assert isinstance(detail, etree._Element)
    holder = _find(detail, "AmtDtls/TxAmt")
    if holder is None and _find(detail, "Amt") is not None:
        holder = detail
    return _amount(holder, file, f"{where} TxDtls #{number}") if holder is not None else None


def _merged(details: list[object]) -> etree._Element:
    """One detail standing for several: first party and references, every text."""
    first = details[0]
    assert isinstance(first, etree._Element)
    merged = etree.fromstring(etree.tostring(first))
    texts = [t for d in details if isinstance(d, etree._Element) for t in _texts(d, "RmtInf/Ustrd")]
    info = _find(merged, "RmtInf")
    if info is None:
        info = etree.SubElement(merged, "RmtInf")
    for old in info.xpath("./*[local-name()='Ustrd']"):
        info.remove(old)
    for text in texts:
        etree.SubElement(info, "Ustrd").text = text
    return merged


@dataclass(frozen=True, slots=True)
class _Booked:
    """What one booked entry says for each of the transactions of its details."""

    file: Path
    account: str
    sign: str  # CRDT or DBIT
    reversal: bool
    booking: date
    valued: date | None
    entry_ref: str
    batch: bool  # each detail is a transaction with its own amount


def _entry_transactions(
    file: Path, account: str, entry: etree._Element, index: int, seen: Counter[tuple[str, ...]]
) -> list[BankTransaction]:
    """The transactions of one entry: none when it is not booked, one per detail of a batch
    whose details each carry an amount, one otherwise."""
    where = _where(entry, index)
    status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
    if status and status != "BOOK":
        return []  # pending or information only: not money on the account yet
    sign = _text(entry, "CdtDbtInd")
    if sign not in ("CRDT", "DBIT"):
        raise FormatError(file, where, "CdtDbtInd", f"not CRDT or DBIT: {sign!r}")
    # CdtDbtInd is the direction of the booking even on a reversal; a reversed entry
    # undoes an earlier one (a returned transfer) and is flagged, not re-signed.
    reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    entry_amount = _amount(entry, file, where)
    booked = _date(entry, "BookgDt", file, where)
    valued = _date(entry, "ValDt", file, where)
    if booked is None and valued is None:
        raise FormatError(file, where, "BookgDt", "no booking or value date")
    entry_ref = _text(entry, "AcctSvcrRef")
    details = entry.xpath("./*[local-name()='NtryDtls']/*[local-name()='TxDtls']")
    assert isinstance(details, list)
    amounts = [_detail_amount(d, file, where, n) for n, d in enumerate(details, start=1)]
    # A batch is split only when the bank gave each transaction its own amount; else the
    # entry stays one credit, its details' texts joined.
    batch = len(details) > 1 and all(a is not None for a in amounts)
    if len(details) > 1 and not batch:
        details = [_merged(details)]
    booking = booked or valued
    assert booking is not None
    head = _Booked(file, account, sign, reversal, booking, valued, entry_ref, batch)
    result = []
    for number, detail in enumerate(details or [None]):
        assert detail is None or isinstance(detail, etree._Element)
        amount = amounts[number] if batch and amounts[number] is not None else entry_amount
        assert amount is not None
        result.append(_transaction(head, detail, number, amount, seen))
    return result


def _transaction(
    head: _Booked,
    detail: etree._Element | None,
    number: int,
    amount: Money,
    seen: Counter[tuple[str, ...]],
) -> BankTransaction:
    if head.sign == "DBIT":
        amount = -amount
    name, iban = _party(detail, "Dbtr" if head.sign == "CRDT" else "Cdtr")
    remittance = " ".join(_texts(detail, "RmtInf/Ustrd"))
    reference = _text(detail, "RmtInf/Strd/CdtrRefInf/Ref")
    end_to_end = _text(detail, "Refs/EndToEndId")
    if end_to_end == "NOTPROVIDED":
        end_to_end = ""
    entry_ref = head.entry_ref
    bank_id = _text(detail, "Refs/AcctSvcrRef") or (
        f"{entry_ref}/{number + 1}" if entry_ref and head.batch else entry_ref
    )
    content = (head.booking.isoformat(), str(amount), name, iban, remittance, reference,
               end_to_end)  # fmt: skip
    seen[content] += 1
    return BankTransaction(
        key=transaction_key(head.account, bank_id, *content, str(seen[content])),
        booking_date=head.booking,
        value_date=head.valued,
        amount=amount,
        payer_name=name,
        payer_iban=iban,
        remittance=remittance,
        structured_reference=reference,
        end_to_end_id=end_to_end,
        account=head.account,
        bank_reference=bank_id,
        source_file=head.file.name,
        reversal=head.reversal,
    )


def extract(
    path: Path, on_progress: Callable[[int], None] | None = None
) -> tuple[BankTransaction, ...]:
    """Every booked entry of the camt file at `path`, credits positive, debits negative.

    Raises FormatError naming the entry and field when a value cannot be read.
    `on_progress` is called with the bytes read so far, for a progress bar.
    """
    file = Path(path)
    result: list[BankTransaction] = []
    seen: Counter[tuple[str, ...]] = Counter()
    for index, (account, entry) in enumerate(_entries(file, on_progress), start=1):
        result.extend(_entry_transactions(file, account, entry, index, seen))
    return unique_keys(result)
