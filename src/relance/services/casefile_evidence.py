"""The evidence files of a case file, each checked against the hash relance recorded
when it kept it: the invoices (the imported PDF, else a duplicate drawn from the ledger),
the letters as printed or attached, the e-mails as handed to the server, the registered
letters' proofs, and the call log, disputes and promises as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from relance.adapters.render.duplicate import CASEFILE_TEMPLATE, render_duplicate
from relance.adapters.storage import repository_casefile as case_repo
from relance.adapters.storage.repository_letters import Evidence
from relance.core.casefile import CaseFileDocument, EvidenceMismatch, checked
from relance.core.contacts import Contact
from relance.core.letter import InvoiceRow, Letter, Tone
from relance.core.model import Creditor, Customer, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute, Promise
from relance.core.registered_mail import RegisteredRecord

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_part(text: str) -> str:
    """`text` as a part of a file name: letters, digits, dot, dash and underscore only."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


def invoice_files(
    creditor: Creditor,
    customer: Customer,
    invoices: Sequence[tuple[Invoice, Money]],
    stored: dict[str, case_repo.InvoiceDocument],
    as_of: date,
    language: str,
) -> list[CaseFileDocument]:
    """Each invoice of the claim (with what is still owed on it): its own PDF, checked
    against the hash its import recorded, else a duplicate marked as such."""
    files = []
    for invoice, open_balance in invoices:
        name = file_part(invoice.number)
        own = stored.get(invoice.number)
        if own is not None:
            path = f"invoices/{name}.pdf"
            content = checked(path, own.content, own.sha256)
            files.append(
                CaseFileDocument(path, content, "invoice", f"invoice {invoice.number}, as imported")
            )
            continue
        letter = _duplicate_carrier(creditor, customer, invoice, open_balance, as_of, language)
        row = letter.rows[0]
        files.append(
            CaseFileDocument(
                f"invoices/{name}-duplicate.pdf",
                render_duplicate(letter, row),
                "invoice-duplicate",
                f"invoice {invoice.number}, duplicate from the ledger",
            )
        )
    return files


def _duplicate_carrier(
    creditor: Creditor,
    customer: Customer,
    invoice: Invoice,
    open_balance: Money,
    as_of: date,
    language: str,
) -> Letter:
    """The letter-shaped record a duplicate is drawn from: creditor, debtor, one row."""
    row = InvoiceRow(
        invoice.number,
        invoice.issue_date,
        invoice.subject,
        invoice.amount,
        invoice.due_date,
        max((as_of - invoice.due_date).days, 0),
        open_balance,
        invoice.tax,
    )
    return Letter(
        creditor,
        customer,
        language,
        0,
        Tone.COURTEOUS,
        CASEFILE_TEMPLATE,
        creditor.address.city,
        as_of,
        "",
        "",
        (row,),
        (),
        open_balance,
        open_balance,
        as_of,
        (),
        (),
        False,
        creditor.signatory_name,
        creditor.signatory_title,
    )


def letter_files(kept: Iterable[Evidence]) -> list[CaseFileDocument]:
    """Each letter's PDF as it was printed or attached to an e-mail, checked."""
    files = []
    for evidence in kept:
        path = (
            f"letters/{evidence.dated.isoformat()}-action-{evidence.action_id}-"
            f"{file_part(evidence.channel)}.pdf"
        )
        content = checked(path, evidence.pdf, evidence.sha256)
        what = {"email": "attached to the e-mail", "registered_letter": "registered letter"}
        files.append(
            CaseFileDocument(
                path,
                content,
                "letter",
                f"level {evidence.level} letter {evidence.reference}, "
                f"{what.get(evidence.channel, 'printed letter')}",
            )
        )
    return files


def email_files(messages: Iterable[case_repo.SentMessage]) -> list[CaseFileDocument]:
    """Each e-mail exactly as handed to the server (or written for the mail client)."""
    files = []
    for message in messages:
        left = message.sent_at or message.updated_at
        day = left.date().isoformat() if left else "undated"
        path = f"emails/{day}-action-{message.action_id}-{file_part(message.channel)}.eml"
        content = checked(path, message.message, message.sha256)
        files.append(
            CaseFileDocument(
                path,
                content,
                "email",
                f"{message.level_name} e-mail {message.message_id}, "
                f"{message.status} to {', '.join(message.recipients)}",
            )
        )
    return files


def registered_file(
    records: Sequence[RegisteredRecord], letters: Sequence[CaseFileDocument]
) -> list[CaseFileDocument]:
    """The registered letters' proofs as JSON: tracking number, posting and receipt days,
    and the letter file whose SHA-256 is the one recorded when it was posted."""
    if not records:
        return []
    by_hash = {doc.entry().sha256: doc.path for doc in letters}
    proofs = []
    for record in records:
        letter = by_hash.get(record.pdf_sha256)
        if letter is None:
            raise EvidenceMismatch(
                f"registered letter of action {record.action_id}: no kept letter has the "
                f"SHA-256 {record.pdf_sha256} recorded for it"
            )
        proofs.append(
            {
                "action": record.action_id,
                "provider": record.provider,
                "state": record.state,
                "tracking_number": record.tracking_number,
                "posted_on": record.posted_on.isoformat() if record.posted_on else None,
                "received_on": record.received_on.isoformat() if record.received_on else None,
                "letter": letter,
                "letter_sha256": record.pdf_sha256,
            }
        )
    content = json.dumps(proofs, ensure_ascii=False, indent=1).encode() + b"\n"
    return [
        CaseFileDocument(
            "registered/registered-mail.json",
            content,
            "registered-mail",
            "registered letters: tracking, posting, receipt",
        )
    ]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _neutral(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _neutral(cell: str) -> str:
    # A note typed by a user must not run as a formula in a spreadsheet that opens the file.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def exchange_files(
    contacts: Sequence[Contact], disputes: Sequence[Dispute], promises: Sequence[Promise]
) -> list[CaseFileDocument]:
    """The call log (every contact logged), the disputes and the promises, as CSV."""
    calls = _csv(
        ("date", "channel", "direction", "outcome", "note"),
        (
            (
                c.on.isoformat(),
                c.channel.value,
                c.direction.value,
                c.outcome.value if c.outcome else "",
                c.note,
            )
            for c in contacts
        ),
    )
    opened = _csv(
        ("invoice", "opened", "reason", "resolved", "resolution"),
        (
            (
                d.invoice_number,
                d.opened.isoformat(),
                d.reason,
                d.resolved.isoformat() if d.resolved else "",
                d.resolution,
            )
            for d in disputes
        ),
    )
    promised = _csv(
        ("made_on", "due", "amount", "currency"),
        (
            (p.made_on.isoformat(), p.due.isoformat(), str(p.amount.amount), p.amount.currency)
            for p in promises
        ),
    )
    return [
        CaseFileDocument(
            "exchanges/contacts.csv",
            calls,
            "contacts",
            "the contact log: calls, e-mails and letters logged, sent and received",
        ),
        CaseFileDocument("exchanges/disputes.csv", opened, "disputes", "disputes raised"),
        CaseFileDocument("exchanges/promises.csv", promised, "promises", "promises to pay"),
    ]
