"""The outbox on the database: each step in a transaction of its own.

`put_pending` is committed before the SMTP conversation begins and `mark_sent` right
after the server accepts the message, so a run interrupted anywhere between the two
finds the pending record on the next run and sends the very same bytes once; a record
marked sent is never sent again (see `relance.adapters.deliver.outbox`).

Keys are ``"<action id>:<channel>"``: one action may send more than one message.
"""

from __future__ import annotations

from datetime import datetime

from relance.adapters.deliver.outbox import OutboxRecord
from relance.adapters.storage import repository_letters as rl
from relance.bootstrap import Store


def outbox_key(action_id: int, channel: str) -> str:
    """The outbox key of one action's message on `channel`."""
    return f"{action_id}:{channel}"


def action_of(key: str) -> int:
    """The action id inside an outbox key."""
    return int(key.split(":", 1)[0])


class DbOutbox:
    """An `Outbox` whose every call is one committed transaction on `store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, action_id: str) -> OutboxRecord | None:
        """The record stored under the key `action_id`, or None."""
        with self.store.begin() as conn:
            return rl.outbox_get(conn, action_id)

    def put_pending(self, record: OutboxRecord) -> None:
        """Store `record` as pending, committed before anything is sent."""
        with self.store.begin() as conn:
            rl.outbox_put_pending(conn, action_of(record.action_id), record)

    def mark_sent(self, action_id: str, sent_at: datetime, server_reply: str) -> None:
        """Mark the record sent, committed at once."""
        with self.store.begin() as conn:
            rl.outbox_mark_sent(conn, action_id, sent_at, server_reply)
