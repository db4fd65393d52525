"""The outbox: what was (or is about to be) sent for each action, so that each is sent at
most once (but for the one crash window below).

Sending goes in steps around the SMTP conversation:

1. before sending, the message (its Message-ID and exact bytes) is stored as *pending*;
2. just before the dot that ends the message (the instant the server may accept it), the
   SMTP sender of `relance send` records it as *handing over*;
3. once the server has accepted it, the record is marked *sent*, with the server's reply.

A run interrupted in step 1 finds the pending record on the next run and sends the very
same bytes with the very same Message-ID: the server cannot have had it. One interrupted
in step 2 may or may not have delivered it: the next run does not send it again but
names it for the user to settle (`relance handover`, docs/sending.md). An action whose
record is *sent* is never sent again.

`Outbox` is the port; `InMemoryOutbox` serves tests and previews;
the ledger keeps the records in `relance.adapters.storage.repository_letters`; the records
themselves are the core's (`relance.core.outbox`). A message may also
wait for a run with SMTP (*waiting*), be written as a file for the user's mail client
(*exported*) or be *cancelled*, stale or by the user: those never go to a server.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from relance.core.outbox import OutboxRecord, OutboxStatus


class Outbox(Protocol):
    """Storage of outgoing messages, keyed by action id."""

    def get(self, action_id: str) -> OutboxRecord | None:
        """The record of `action_id`, or None when nothing was prepared for it."""
        ...

    def put_pending(self, record: OutboxRecord) -> None:
        """Store `record` as pending (before the SMTP conversation)."""
        ...

    def mark_sent(self, action_id: str, sent_at: datetime, server_reply: str) -> None:
        """Mark the record of `action_id` as sent, with when and what the server replied."""
        ...


class InMemoryOutbox:
    """An `Outbox` in a dictionary: for tests, previews and single-process runs."""

    def __init__(self) -> None:
        self.records: dict[str, OutboxRecord] = {}

    def get(self, action_id: str) -> OutboxRecord | None:
        """The record of `action_id`, or None."""
        return self.records.get(action_id)

    def put_pending(self, record: OutboxRecord) -> None:
        """Store `record`; a record already sent is never replaced."""
        existing = self.records.get(record.action_id)
        if existing is not None and existing.status is OutboxStatus.SENT:
            raise ValueError(f"action {record.action_id} was already sent")
        self.records[record.action_id] = replace(record, status=OutboxStatus.PENDING)

    def mark_sent(self, action_id: str, sent_at: datetime, server_reply: str) -> None:
        """Mark the record of `action_id` sent."""
        record = self.records[action_id]
        self.records[action_id] = replace(
            record, status=OutboxStatus.SENT, sent_at=sent_at, server_reply=server_reply
        )
