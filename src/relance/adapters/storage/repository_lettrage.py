"""What the payments page reads beside the queue of unmatched credits: the statement lines
matched most recently (by a rule or a person), which a manager may unmatch."""

from __future__ import annotations

from sqlalchemy import Connection, select

from relance.adapters.storage import tables_bank as tb
from relance.core.bank import MatchState


def recently_matched_keys(conn: Connection, limit: int) -> list[str]:
    """The keys of the `limit` lines matched last, latest first."""
    b = tb.bank_transactions
    query = (
        select(b.c.key)
        .where(b.c.state.in_([MatchState.AUTOMATIC.value, MatchState.MANUAL.value]))
        .order_by(b.c.matched_at.desc(), b.c.id.desc())
        .limit(limit)
    )
    return [key for (key,) in conn.execute(query)]
