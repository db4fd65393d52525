"""The queue as the workbench pages it: the ids of the pending actions a filter keeps (the
pages load the fifty they show by id), and the stages and channels to filter on.

A run proposes a step for every customer in arrears (100,000 in a large ledger): the pages
read the ids of the queue, never its whole rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, cast, select

from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.lists import decode_list
from relance.core.actions import ActionStatus
from relance.core.policy import Channel


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which pending actions a page lists: of `statuses`, of one stage (level name) and
    one channel when given."""

    statuses: tuple[ActionStatus, ...]
    stage: str = ""
    channel: Channel | None = None


def _where(query: Any, which: QueueFilter) -> Any:
    a = d.dunning_actions
    query = query.where(a.c.status.in_([s.value for s in which.statuses]))
    if which.stage:
        query = query.where(a.c.level_name == which.stage)
    if which.channel is not None:
        # The channels are a JSON list of names: a name in quotes is found in its text.
        query = query.where(cast(a.c.channels, String).like(f'%"{which.channel.value}"%'))
    return query


def queue_ids(conn: Connection, which: QueueFilter) -> list[int]:
    """The ids of the actions `which` keeps, in order (the queue's order)."""
    a = d.dunning_actions
    return list(conn.execute(_where(select(a.c.id), which).order_by(a.c.id)).scalars())


def queue_facets(
    conn: Connection, statuses: Iterable[ActionStatus]
) -> tuple[tuple[str, ...], tuple[Channel, ...]]:
    """The stages and the channels of the actions of `statuses` (a few distinct values)."""
    a = d.dunning_actions
    kept = a.c.status.in_([s.value for s in statuses])
    stages = conn.execute(select(a.c.level_name).where(kept).distinct()).scalars()
    combos = conn.execute(select(cast(a.c.channels, String)).where(kept).distinct()).scalars()
    used = {name for combo in combos for name in decode_list(combo)}
    return tuple(sorted(stages)), tuple(c for c in Channel if c.value in used)
