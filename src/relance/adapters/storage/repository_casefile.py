"""What a customer's case file reads of the stored evidence, with the hash relance
recorded when it kept each piece: the e-mails as handed to the server (or written to a
file), the registered letters' records, the invoices' own PDFs. The letters' PDFs are
`repository_letters.load_evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_letters as tl
from relance.adapters.storage.lists import decode_list
from relance.adapters.storage.repository_letters import registered_record
from relance.adapters.storage.tables_documents import documents
from relance.core.registered_mail import RegisteredRecord

# The outbox states of a message that left for the debtor.
_LEFT = ("sent", "exported")


@dataclass(frozen=True, slots=True)
class SentMessage:
    """An e-mail that left: its bytes, and the SHA-256 recorded when they were stored."""

    action_id: int
    channel: str
    status: str
    message_id: str
    recipients: tuple[str, ...]
    message: bytes
    sha256: str
    sent_at: datetime | None
    updated_at: datetime | None  # when it was written to a file, for an exported one
    server_reply: str
    level_name: str


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An invoice's own PDF in the document store, with the hash its invoice names."""

    number: str
    sha256: str
    content: bytes
    first_name: str


def sent_messages(conn: Connection, customer_ref: str) -> list[SentMessage]:
    """The customer's e-mails that left (sent or written to a file), oldest first."""
    o, a = tl.letter_outbox, td.dunning_actions
    query = (
        select(o, a.c.level_name)
        .join(a, a.c.id == o.c.action_id)
        .where(a.c.customer_ref == customer_ref, o.c.status.in_(_LEFT))
        .order_by(o.c.id)
    )
    return [
        SentMessage(
            row.action_id,
            row.channel,
            row.status,
            row.message_id,
            decode_list(row.recipients),
            bytes(row.message),
            row.sha256,
            row.sent_at,
            row.updated_at,
            row.server_reply,
            row.level_name,
        )
        for row in conn.execute(query)
    ]


def registered_letters(conn: Connection, customer_ref: str) -> list[RegisteredRecord]:
    """The customer's registered letters' records (tracking, posting, receipt)."""
    r, a = tl.registered_mail, td.dunning_actions
    query = (
        select(r)
        .join(a, a.c.id == r.c.action_id)
        .where(a.c.customer_ref == customer_ref)
        .order_by(r.c.id)
    )
    return [registered_record(row) for row in conn.execute(query)]


def invoice_documents(conn: Connection, customer_ref: str) -> dict[str, InvoiceDocument]:
    """The stored PDFs of the customer's invoices that have one, by invoice number."""
    inv, cust = t.invoices, t.customers
    query = (
        select(inv.c.number, inv.c.pdf_sha256, documents.c.content, documents.c.first_name)
        .join(cust, cust.c.id == inv.c.customer_id)
        .join(documents, documents.c.sha256 == inv.c.pdf_sha256)
        .where(cust.c.ref == customer_ref)
    )
    return {
        row.number: InvoiceDocument(row.number, row.pdf_sha256, bytes(row.content), row.first_name)
        for row in conn.execute(query)
    }
