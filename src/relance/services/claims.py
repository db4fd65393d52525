"""Who is delivering an action right now: one `relance send` at a time per action.

Each sender names itself ``host:pid:token``. Before it delivers an action it claims it
(`relance.adapters.storage.repository_sending.claim_action`); a sender that finds the
action claimed by a live sender leaves it and says so. A claim left by a sender that
died (killed, crashed) is taken over: on the same host when its process is gone, from
another host once the claim is older than `STALE_AFTER`.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Store

# How long a claim from another host is trusted: far longer than any one delivery.
STALE_AFTER = timedelta(minutes=30)


def new_owner() -> str:
    """The name of this sender: host, process id and a token of this run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str, claimed_at: datetime | None, now: datetime | None = None) -> bool:
    """True when the sender named `owner` can no longer be delivering."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        return not _process_alive(int(pid_text))
    if claimed_at is None:
        return True
    at = claimed_at if claimed_at.tzinfo else claimed_at.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) - at > STALE_AFTER


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def claim(store: Store, action_id: int, owner: str) -> str | None:
    """Claim `action_id` for `owner`; None when claimed, else who is delivering it."""
    with rs.exclusive(store.engine) as conn:
        return rs.claim_action(
            conn, action_id, owner, datetime.now(UTC), lambda o, at: owner_is_dead(o, at)
        )


def claim_all(store: Store, action_ids: list[int], owner: str) -> dict[int, str | None]:
    """Claim each of `action_ids` for `owner`, in one transaction: by id, None when
    claimed, else who is delivering it."""
    if not action_ids:
        return {}
    now = datetime.now(UTC)
    with rs.exclusive(store.engine) as conn:
        return {
            action_id: rs.claim_action(
                conn, action_id, owner, now, lambda o, at: owner_is_dead(o, at)
            )
            for action_id in action_ids
        }


def release_all(store: Store, action_ids: list[int], owner: str) -> None:
    """Give back the claims on `action_ids` that `owner` still holds, in one transaction."""
    if not action_ids:
        return
    with rs.exclusive(store.engine) as conn:
        for action_id in action_ids:
            rs.release_action(conn, action_id, owner)
