"""Reading and writing the letters' tables: outbox rows, evidence, registered-mail records.

Every function takes an open `Connection`; the caller decides the transaction. Records
cross this boundary as the core's records (`relance.core.outbox.OutboxRecord`,
`relance.core.registered_mail.RegisteredRecord`) so the services never see a row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_letters as tl
from relance.adapters.storage.lists import decode_list, encode_list
from relance.core.outbox import OutboxRecord, OutboxStatus
from relance.core.registered_mail import RegisteredRecord

# The event appended once when an action's communications have gone out.
SENT_EVENT = "letters.sent"


def _now() -> datetime:
    return datetime.now(UTC)


# -- the outbox -------------------------------------------------------------------------


def _outbox_record(row: Any) -> OutboxRecord:
    return OutboxRecord(
        action_id=row.outbox_key,
        channel=row.channel,
        message_id=row.message_id,
        recipients=decode_list(row.recipients),
        message=bytes(row.message),
        status=OutboxStatus(row.status),
        sent_at=row.sent_at,
        server_reply=row.server_reply,
        reason=row.reason,
    )


def outbox_get(conn: Connection, key: str) -> OutboxRecord | None:
    """The outbox record stored under `key` ("<action id>:<channel>"), or None."""
    row = conn.execute(select(tl.letter_outbox).where(tl.letter_outbox.c.outbox_key == key)).first()
    return None if row is None else _outbox_record(row)


# Once in one of these, a message is never replaced: it left, or it never will.
FINAL_STATUSES = (OutboxStatus.SENT, OutboxStatus.EXPORTED, OutboxStatus.CANCELLED)


def outbox_put(
    conn: Connection,
    action_id: int,
    record: OutboxRecord,
    status: OutboxStatus = OutboxStatus.PENDING,
    reason: str = "",
) -> None:
    """Store `record` under its key with `status`; a message that left or was cancelled
    is never replaced (ValueError)."""
    existing = outbox_get(conn, record.action_id)
    if existing is not None and existing.status in FINAL_STATUSES:
        raise ValueError(f"{record.action_id} is already {existing.status.value}")
    values = {
        "status": status.value,
        "message_id": record.message_id,
        "recipients": encode_list(record.recipients),
        "message": record.message,
        "sha256": record.sha256,
        "channel": record.channel,
        "action_id": action_id,
        "reason": reason,
        "updated_at": _now(),
    }
    if existing is None:
        conn.execute(
            insert(tl.letter_outbox).values(
                outbox_key=record.action_id, created_at=_now(), server_reply="", **values
            )
        )
    else:
        conn.execute(
            update(tl.letter_outbox)
            .where(tl.letter_outbox.c.outbox_key == record.action_id)
            .values(values)
        )


def outbox_mark_sent(conn: Connection, key: str, sent_at: datetime, server_reply: str) -> None:
    """Mark the record under `key` sent, with when and the server's reply."""
    result = conn.execute(
        update(tl.letter_outbox)
        .where(tl.letter_outbox.c.outbox_key == key)
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=sent_at,
            server_reply=server_reply,
            reason="",
            updated_at=_now(),
        )
    )
    if result.rowcount != 1:
        raise LookupError(f"no outbox record {key}")


def outbox_set_status(conn: Connection, key: str, status: OutboxStatus, reason: str) -> bool:
    """Move a message that has not left to `status` with its reason; False when it had
    already left or been cancelled."""
    o = tl.letter_outbox
    result = conn.execute(
        update(o)
        .where(o.c.outbox_key == key, o.c.status.not_in([s.value for s in FINAL_STATUSES]))
        .values(status=status.value, reason=reason, updated_at=_now())
    )
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An outbox message as the user sees it: which action and customer, where it stands."""

    record: OutboxRecord
    action_id: int
    customer_ref: str
    level_name: str
    created_at: datetime
    updated_at: datetime | None


def outbox_entries(
    conn: Connection,
    statuses: Sequence[OutboxStatus] | None = None,
    action_ids: Sequence[int] | None = None,
) -> list[OutboxEntry]:
    """Outbox messages with their action's customer, oldest first, optionally only those
    in `statuses` or of `action_ids`."""
    o, a = tl.letter_outbox, td.dunning_actions
    query = (
        select(o, a.c.customer_ref, a.c.level_name)
        .outerjoin(a, a.c.id == o.c.action_id)
        .order_by(o.c.id)
    )
    if statuses is not None:
        query = query.where(o.c.status.in_([s.value for s in statuses]))
    if action_ids is not None:
        query = query.where(o.c.action_id.in_(list(action_ids)))
    return [
        OutboxEntry(
            _outbox_record(row),
            row.action_id,
            row.customer_ref or "",
            row.level_name or "",
            row.created_at,
            row.updated_at,
        )
        for row in conn.execute(query)
    ]


def outbox_of_action(conn: Connection, action_id: int) -> list[OutboxRecord]:
    """Every outbox record of one action."""
    query = select(tl.letter_outbox).where(tl.letter_outbox.c.action_id == action_id)
    return [_outbox_record(row) for row in conn.execute(query.order_by(tl.letter_outbox.c.id))]


# -- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """A letter as it was sent or printed: its PDF, hash and what it was for."""

    action_id: int
    channel: str
    customer_ref: str
    level: int
    template_key: str
    reference: str
    rf_reference: str
    dated: date
    file_name: str
    pages: int
    pdf: bytes
    sha256: str
    print_batch: int | None = None


def record_evidence(conn: Connection, evidence: Evidence) -> bool:
    """Keep `evidence` once per action and channel; returns False when it was already kept.

    A re-run after an interruption renders the same letter again (same bytes: the PDF is
    written without a timestamp), so the first record stands.
    """
    if hashlib.sha256(evidence.pdf).hexdigest() != evidence.sha256:
        raise ValueError(f"evidence of action {evidence.action_id}: the hash does not match")
    found = conn.execute(
        select(tl.letter_evidence.c.id).where(
            tl.letter_evidence.c.action_id == evidence.action_id,
            tl.letter_evidence.c.channel == evidence.channel,
        )
    ).first()
    if found is not None:
        return False
    conn.execute(
        insert(tl.letter_evidence).values(
            action_id=evidence.action_id,
            channel=evidence.channel,
            customer_ref=evidence.customer_ref,
            level=evidence.level,
            template_key=evidence.template_key,
            reference=evidence.reference,
            rf_reference=evidence.rf_reference,
            dated=evidence.dated,
            file_name=evidence.file_name,
            pages=evidence.pages,
            pdf=evidence.pdf,
            sha256=evidence.sha256,
            recorded_at=_now(),
            print_batch=evidence.print_batch,
        )
    )
    return True


def _evidence(row: Any) -> Evidence:
    return Evidence(
        row.action_id,
        row.channel,
        row.customer_ref,
        row.level,
        row.template_key,
        row.reference,
        row.rf_reference,
        row.dated,
        row.file_name,
        row.pages,
        bytes(row.pdf),
        row.sha256,
        row.print_batch,
    )


def load_evidence(
    conn: Connection,
    *,
    action_id: int | None = None,
    customer_ref: str | None = None,
    print_batch: int | None = None,
) -> list[Evidence]:
    """Kept letters, of one action, one customer or one print batch, oldest first (a
    batch's letters in the order they were printed)."""
    e = tl.letter_evidence
    query = select(e).order_by(e.c.dated, e.c.id)
    if print_batch is not None:
        query = select(e).where(e.c.print_batch == print_batch).order_by(e.c.id)
    if action_id is not None:
        query = query.where(e.c.action_id == action_id)
    if customer_ref is not None:
        query = query.where(e.c.customer_ref == customer_ref)
    return [_evidence(row) for row in conn.execute(query)]


def letters_sent_to(
    conn: Connection, customer_ref: str, before_level: int
) -> list[tuple[int, date]]:
    """(level, date) of the letters kept for a customer below `before_level`, one per level
    and date (a letter and its e-mail copy count once)."""
    return letters_sent_to_each(conn, [customer_ref], before_level).get(customer_ref, [])


def letters_sent_to_each(
    conn: Connection, refs: Sequence[str], before_level: int
) -> dict[str, list[tuple[int, date]]]:
    """`letters_sent_to` of each of `refs` (those with none left out), in one query."""
    e = tl.letter_evidence
    query = (
        select(e.c.customer_ref, e.c.level, e.c.dated)
        .where(e.c.customer_ref.in_(list(refs)), e.c.level < before_level)
        .distinct()
        .order_by(e.c.dated, e.c.level, e.c.customer_ref)
    )
    found: dict[str, list[tuple[int, date]]] = {}
    for row in conn.execute(query):
        found.setdefault(row.customer_ref, []).append((row.level, row.dated))
    return found


# -- registered mail --------------------------------------------------------------------


def registered_record(row: Any) -> RegisteredRecord:
    """A registered-mail row as its record."""
    return RegisteredRecord(
        action_id=str(row.action_id),
        provider=row.provider,
        pdf_sha256=row.pdf_sha256,
        tracking_number=row.tracking_number,
        posted_on=row.posted_on,
        received_on=row.received_on,
    )


def load_registered(conn: Connection, action_id: int) -> RegisteredRecord | None:
    """The registered-mail record of an action, or None."""
    row = conn.execute(
        select(tl.registered_mail).where(tl.registered_mail.c.action_id == action_id)
    ).first()
    return None if row is None else registered_record(row)


def save_registered(conn: Connection, action_id: int, record: RegisteredRecord) -> None:
    """Insert or update the registered-mail record of an action."""
    values = {
        "provider": record.provider,
        "pdf_sha256": record.pdf_sha256,
        "tracking_number": record.tracking_number,
        "posted_on": record.posted_on,
        "received_on": record.received_on,
        "updated_at": _now(),
    }
    if load_registered(conn, action_id) is None:
        conn.execute(insert(tl.registered_mail).values(action_id=action_id, **values))
    else:
        conn.execute(
            update(tl.registered_mail)
            .where(tl.registered_mail.c.action_id == action_id)
            .values(values)
        )


def printed_actions(conn: Connection, action_ids: Sequence[int] | None = None) -> set[int]:
    """Ids of the actions (all, or among `action_ids`) whose letter (plain or registered)
    was already printed."""
    e = tl.letter_evidence
    query = select(e.c.action_id).where(e.c.channel.in_(["letter", "registered_letter"]))
    if action_ids is not None:
        query = query.where(e.c.action_id.in_(list(action_ids)))
    return {row.action_id for row in conn.execute(query)}


def sent_event_exists(conn: Connection, action_id: int) -> bool:
    """True when the event log already says the action's communications went out."""
    query = select(t.events.c.id).where(
        t.events.c.kind == SENT_EVENT, t.events.c.subject == f"action {action_id}"
    )
    return conn.execute(query.limit(1)).first() is not None


def sent_invoices(conn: Connection, action_id: int) -> list[str]:
    """The invoices the action's letter claimed, as its sent event recorded them."""
    query = select(t.events.c.data).where(
        t.events.c.kind == SENT_EVENT, t.events.c.subject == f"action {action_id}"
    )
    row = conn.execute(query.limit(1)).first()
    return [str(number) for number in (row.data or {}).get("invoices", [])] if row else []


# The outbox states in which a message may have reached the debtor: accepted by the server,
# exported for the user's mail client, or handed to the server without its answer recorded.
_LEFT_STATUSES = ("sent", "exported", "pending")


def documents_left(conn: Connection, action_ids: Sequence[int]) -> set[int]:
    """The actions among `action_ids` of which some document left for the debtor: an
    e-mail sent or exported, or a letter kept as evidence (as every printed one is)."""
    ids = list(action_ids)
    if not ids:
        return set()
    o, e = tl.letter_outbox, tl.letter_evidence
    mailed = select(o.c.action_id).where(o.c.action_id.in_(ids), o.c.status.in_(_LEFT_STATUSES))
    kept = select(e.c.action_id).where(e.c.action_id.in_(ids))
    return set(conn.execute(mailed).scalars()) | set(conn.execute(kept).scalars())


@dataclass(frozen=True, slots=True)
class ToldStep:
    """A dunning step that told the debtor about its invoices, with the day it did."""

    level: str
    customer_ref: str
    day: date
    invoice_numbers: tuple[str, ...]


def steps_that_told(conn: Connection, customer_refs: Sequence[str]) -> list[ToldStep]:
    """The steps of these customers that told the debtor: done, or with a document that
    left whatever their status (an approved step waiting for its call has sent its e-mail)."""
    act = td.dunning_actions
    steps = conn.execute(
        select(
            act.c.id,
            act.c.status,
            act.c.customer_ref,
            act.c.level_name,
            act.c.done_on,
            act.c.proposed_on,
            act.c.invoice_numbers,
        ).where(act.c.customer_ref.in_(sorted(set(customer_refs))))
    ).all()
    left = documents_left(conn, [step.id for step in steps])
    return [
        ToldStep(
            step.level_name,
            step.customer_ref,
            step.done_on or step.proposed_on,
            decode_list(step.invoice_numbers),
        )
        for step in steps
        if step.status == "done" or step.id in left
    ]
