"""Use case: `relance handover`, the e-mails a send left *handing over*, settled by the user.

A `relance send` stopped (killed, a lost line) in the instant after it gave the server the
end of a message and before it recorded the server's reply cannot know whether the message
arrived; nor can the next send: SMTP has no way to ask a server what it accepted. So such a
message is never sent again by itself. The user looks for its Message-ID (the server's log,
the Sent folder of the account) and settles it: *sent* (it left: the step is completed by
the next send) or *resend* (it did not, or in doubt: the next send sends the very same
bytes under the same Message-ID, so that a copy that did arrive shows as a duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Store
from relance.core.outbox import OutboxStatus
from relance.services.email_delivery import outbox_key


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A message left handing over: its action, customer, Message-ID and recipients."""

    action_id: int
    customer_ref: str
    message_id: str
    recipients: tuple[str, ...]
    since: datetime | None


def unsettled(store: Store) -> list[Unsettled]:
    """Every message left handing over by a send that stopped, oldest first."""
    with store.begin() as conn:
        entries = rl.outbox_entries(conn, (OutboxStatus.HANDING_OVER,))
    return [
        Unsettled(
            e.action_id,
            e.customer_ref,
            e.record.message_id,
            e.record.recipients,
            e.updated_at,
        )
        for e in entries
    ]


def settle(
    store: Store, action_id: int, *, sent: bool, actor: str, now: datetime | None = None
) -> str:
    """Settle the message of `action_id` left handing over: `sent` when the user found it
    at the server, else to be sent again under the same Message-ID. Returns the Message-ID;
    LookupError when the action has no message handing over."""
    key = outbox_key(action_id)
    with rs.exclusive(store.engine) as conn:
        record = rl.outbox_get(conn, key)
        if record is None or record.status is not OutboxStatus.HANDING_OVER:
            raise LookupError(f"action {action_id} has no e-mail left handing over")
        if sent:
            reply = f"confirmed by {actor}: found at the server"
            rl.outbox_mark_sent(conn, key, now or datetime.now(UTC), reply)
        else:
            reason = f"to be sent again under the same Message-ID, as {actor} asked"
            rl.outbox_set_status(conn, key, OutboxStatus.PENDING, reason)
    return record.message_id
