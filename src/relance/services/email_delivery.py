"""One action's e-mail, delivered in the run's mode: through SMTP, written as a file for the
user's mail client, or left waiting in the outbox.

Through SMTP the message is stored as pending before the conversation, recorded as
handing over just before the dot that ends it, and marked sent, with its evidence (the PDF
attached, kept from the rendering), in the transaction that follows the server's
acceptance. A run interrupted while it was pending builds the message again from the
ledger of its own day and sends it under the same Message-ID; one interrupted while it was
handing over leaves it for the user to settle (`relance.services.handover`), never sends
it again by itself. A refusal puts the message back to waiting, with the server's reply
as its reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from relance.adapters.deliver.mime import Attachment
from relance.adapters.deliver.print_batch import write_atomically
from relance.adapters.deliver.smtp import Mailer, build_message, describe_failure
from relance.adapters.deliver.smtp_conversation import HandoverUncertain
from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Connection
from relance.core.outbox import OutboxRecord, OutboxStatus
from relance.core.policy import Channel
from relance.services.composing import Composed
from relance.services.send_records import EmailMode, SendRun, SentEmail, evidence_of

NO_SMTP = (
    "no SMTP server configured: it leaves with the next `relance send` that has one, "
    "after a check against the ledger of that day"
)


@dataclass(frozen=True, slots=True)
class EmailDelivery:
    """What became of an action's e-mail: its status and the record stored."""

    status: OutboxStatus
    sent: SentEmail
    record: OutboxRecord
    notes: tuple[str, ...] = ()

    @property
    def waits(self) -> bool:
        """True when the e-mail only waits in the outbox (nothing reached the debtor)."""
        return self.status is OutboxStatus.WAITING


def outbox_key(action_id: int) -> str:
    """The outbox key of an action's e-mail."""
    return f"{action_id}:{Channel.EMAIL.value}"


@runtime_checkable
class HandsOver(Protocol):
    """A mailer that says when it hands the end of a message to the server."""

    def hand_over(
        self,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        on_handover: Callable[[], None] | None = None,
    ) -> str:
        """Send, calling `on_handover` just before the server may accept the message."""
        ...


class HandoverUnsettled(HandoverUncertain):
    """The action's e-mail was being handed over when an earlier send stopped: it is not
    sent again until the user says whether it arrived."""


def unsettled_reason(record: OutboxRecord) -> str:
    """What the user reads about a message left handing over, and what to do."""
    key = record.action_id.split(":", 1)[0]
    return (
        f"e-mail {record.message_id} was being handed to the server when a send stopped: "
        "whether the server accepted it is not known. Look for that Message-ID in the "
        f"server's log or the Sent folder, then run `relance handover {key} --sent` if it "
        f"left, or `relance handover {key} --resend` to send it under the same Message-ID"
    )


def deliver_email(run: SendRun, composed: Composed, email: RenderedCommunication) -> EmailDelivery:
    """Deliver `composed`'s e-mail in `run.mode`. Raises what the server (or the disk)
    raised, once the message is back to waiting with the reason; `HandoverUnsettled` when
    an earlier send may have delivered it already."""
    record = _build(run, composed, email)
    item = composed.item
    sent = SentEmail(item.id, item.action.customer_ref, record.message_id, record.recipients)
    if run.mode is EmailMode.WAIT:
        with rs.exclusive(run.store.engine) as conn:
            rl.outbox_put(conn, item.id, record, OutboxStatus.WAITING, NO_SMTP)
        return EmailDelivery(OutboxStatus.WAITING, sent, record)
    if run.mode is EmailMode.FILES:
        file = _write_eml(run.out_dir / "emails", email, record)
        with rs.exclusive(run.store.engine) as conn:
            rl.outbox_put(conn, item.id, record, OutboxStatus.EXPORTED, f"written to {file}")
            _keep_evidence(conn, composed, email)
        return EmailDelivery(OutboxStatus.EXPORTED, _with_file(sent, file), record)
    return _through_smtp(run, composed, email, record, sent)


def _build(run: SendRun, composed: Composed, email: RenderedCommunication) -> OutboxRecord:
    """The message of the e-mail as of the run's day, under the Message-ID it was first
    given (a waiting or interrupted message keeps its identity)."""
    creditor = composed.creditor
    assert creditor is not None and email.email is not None  # composed means both exist
    key = outbox_key(composed.item.id)
    with run.store.begin() as conn:
        earlier = rl.outbox_get(conn, key)
    if earlier is not None and earlier.status is OutboxStatus.HANDING_OVER:
        raise HandoverUnsettled(unsettled_reason(earlier))  # it may have left already
    from_address = run.sender or creditor.email
    attachments = [Attachment(email.pdf_name, email.pdf.pdf)] if email.pdf is not None else []
    if composed.statement is not None:  # the level attaches the statement of account
        attachments.append(Attachment(*composed.statement))
    message = build_message(
        email.email,
        sender=from_address,
        sender_name=creditor.name,
        recipients=composed.recipients,
        sent_at=run.now,
        attachments=attachments,
        message_id=earlier.message_id if earlier is not None else None,
        reply_to=creditor.email if creditor.email and creditor.email != from_address else "",
    )
    return OutboxRecord(
        action_id=key,
        channel=Channel.EMAIL.value,
        message_id=message.message_id,
        recipients=composed.recipients,
        message=message.data,
    )


def _through_smtp(
    run: SendRun,
    composed: Composed,
    email: RenderedCommunication,
    record: OutboxRecord,
    sent: SentEmail,
) -> EmailDelivery:
    assert run.mailer is not None
    creditor = composed.creditor
    assert creditor is not None
    item = composed.item
    with rs.exclusive(run.store.engine) as conn:
        rl.outbox_put(conn, item.id, record, OutboxStatus.PENDING)

    def handing_over() -> None:
        with rs.exclusive(run.store.engine) as conn:
            rl.outbox_set_status(conn, record.action_id, OutboxStatus.HANDING_OVER, "")

    try:
        reply = _hand_over(run.mailer, run.sender or creditor.email, record, handing_over)
    except HandoverUncertain as exc:
        reason = f"{exc}; {unsettled_reason(record)}"
        with rs.exclusive(run.store.engine) as conn:
            rl.outbox_set_status(conn, record.action_id, OutboxStatus.HANDING_OVER, reason)
        raise HandoverUncertain(reason) from exc
    except Exception as exc:
        with rs.exclusive(run.store.engine) as conn:
            reason = f"not sent on {run.as_of.isoformat()}: {describe_failure(exc)}"
            rl.outbox_set_status(conn, record.action_id, OutboxStatus.WAITING, reason)
        raise
    with rs.exclusive(run.store.engine) as conn:
        rl.outbox_mark_sent(conn, record.action_id, run.now, reply)
        _keep_evidence(conn, composed, email)
    notes: tuple[str, ...] = ()
    if "; refused: " in reply:
        refused = reply.split("; refused: ", 1)[1]
        notes = (
            f"action {item.id} ({item.action.customer_ref}): e-mail sent, but the server "
            f"refused {refused}",
        )
    return EmailDelivery(OutboxStatus.SENT, sent, record, notes)


def _hand_over(
    mailer: Mailer, sender: str, record: OutboxRecord, on_handover: Callable[[], None]
) -> str:
    """Send `record`; a mailer that cannot say when it hands over is simply asked to send
    (the message then stays pending until the server's reply is recorded)."""
    if isinstance(mailer, HandsOver):
        return mailer.hand_over(sender, record.recipients, record.message, on_handover)
    return mailer.send(sender, record.recipients, record.message)


def _keep_evidence(conn: Connection, composed: Composed, email: RenderedCommunication) -> None:
    """Keep the letter attached to the e-mail (an informal e-mail attaches none)."""
    if email.pdf is not None:
        rl.record_evidence(conn, evidence_of(composed.item, Channel.EMAIL, email))


def _write_eml(folder: Path, email: RenderedCommunication, record: OutboxRecord) -> Path:
    """The message as an ``.eml`` file, readable by its owner only (it holds personal
    data), written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in email.letter.reference)
    path = folder / f"{name}.eml"
    write_atomically(path, record.message)
    os.chmod(path, 0o600)
    return path


def _with_file(sent: SentEmail, file: Path) -> SentEmail:
    return SentEmail(
        sent.action_id, sent.customer_ref, sent.message_id, sent.recipients, False, file
    )
