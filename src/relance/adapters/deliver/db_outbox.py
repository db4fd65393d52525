"""The outbox on the database: each step in a transaction of its own.

`put_pending` is committed before the SMTP conversation begins and `mark_sent` right
after the server accepts the message. What this guarantees: an action's e-mail is handed
to the server at most once, and a run interrupted before the server's acceptance finds
the pending record on the next run and sends those very bytes (built again only when the
recipients were corrected meanwhile). The one exception: if the process dies after the
server accepted the message but before `mark_sent` commits, the next run sends it a
second time, with the same Message-ID (see `relance.adapters.deliver.outbox`). A record
marked sent is never sent again. A pending record may also wait for SMTP: a run without
a server writes the message as an ``.eml`` file and leaves it pending (`pending`).

Keys are ``"<action id>:<channel>"``: one action may send more than one message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from relance.adapters.deliver.outbox import OutboxRecord, OutboxStatus
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import tables_letters as tl
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

    def pending(self) -> list[OutboxRecord]:
        """Every record not yet sent, oldest first (interrupted runs, ``.eml`` runs)."""
        o = tl.letter_outbox
        query = select(o.c.outbox_key).where(o.c.status == OutboxStatus.PENDING.value)
        with self.store.begin() as conn:
            keys = [row.outbox_key for row in conn.execute(query.order_by(o.c.id))]
            found = [rl.outbox_get(conn, key) for key in keys]
        return [record for record in found if record is not None]
