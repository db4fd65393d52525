"""What was (or is about to be) sent for each action: an outgoing message's record and where
it stands. The delivery adapters send and keep these records (`relance.adapters.deliver.outbox`);
storage stores them (`relance.adapters.storage.repository_letters`); both speak of them in
these words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OutboxStatus(StrEnum):
    """Where an outgoing message stands."""

    WAITING = "waiting"  # for a run with SMTP; checked again against the ledger first
    PENDING = "pending"  # stored before the conversation; the server cannot have it yet
    # The server was given the end of the message and may have accepted it: a send that
    # stopped here leaves it for the user to settle (`relance handover`), never resends it.
    HANDING_OVER = "handing_over"
    SENT = "sent"
    EXPORTED = "exported"  # written as a file for the user's mail client
    CANCELLED = "cancelled"  # stale or cancelled by the user: it never leaves


# The messages that may still leave (after the check against the ledger).
OPEN_STATUSES = (OutboxStatus.WAITING, OutboxStatus.PENDING)


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One outgoing message of one action, stored as it is (to be) sent."""

    action_id: str
    channel: str
    message_id: str
    recipients: tuple[str, ...]
    message: bytes
    status: OutboxStatus = OutboxStatus.PENDING
    sent_at: datetime | None = None
    server_reply: str = ""
    reason: str = ""

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes sent: the evidence of what the debtor received."""
        return hashlib.sha256(self.message).hexdigest()
