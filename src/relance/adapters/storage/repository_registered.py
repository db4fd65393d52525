"""The registered letters still waiting for their acknowledgement of receipt, for the page
where a manager records their posting and receipt (`relance registered`)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_letters as tl
from relance.adapters.storage.repository_letters import registered_record
from relance.core.registered_mail import RegisteredRecord


def awaiting_receipt(conn: Connection, limit: int) -> list[tuple[RegisteredRecord, str, str]]:
    """(record, customer, level) of the `limit` oldest registered letters not yet received."""
    r, a = tl.registered_mail, td.dunning_actions
    query = (
        select(r, a.c.customer_ref, a.c.level_name)
        .join(a, a.c.id == r.c.action_id)
        .where(r.c.received_on.is_(None))
        .order_by(r.c.action_id)
        .limit(limit)
    )
    return [
        (registered_record(row), row.customer_ref, row.level_name) for row in conn.execute(query)
    ]
