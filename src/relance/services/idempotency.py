"""Idempotent writes: a request replayed under the same `Idempotency-Key` gets the first
answer and writes nothing more.

A key is claimed before the request runs (a unique row per account and key, so two copies
sent at once cannot both run); its answer is kept when it finishes. A request that failed
on the server's side releases its key, so it can be tried again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from relance.adapters.storage import repository_api as api_repo
from relance.adapters.storage.database import Store

MAX_KEY = 255


@dataclass(frozen=True, slots=True)
class Claimed:
    """The key is this request's: run it, then `keep` its answer (or `release` the key)."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The key answered before: send this answer again."""

    status: int
    media_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Conflict:
    """The key cannot serve this request: `reason` says why (another body, or still running)."""

    reason: str
    in_progress: bool


Claim = Claimed | Replay | Conflict


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def claim(store: Store, user_id: int, key: str, print_: str) -> Claim:
    """Claim `key` for the request whose fingerprint is `print_`."""
    with store.begin() as conn:
        kept = api_repo.claim_key(conn, user_id, key, print_, datetime.now(UTC))
    if kept is None:
        return Claimed()
    if kept.fingerprint != print_:
        return Conflict(
            "this Idempotency-Key was used for another request (another path or body)", False
        )
    if kept.status is None or kept.body is None or kept.media_type is None:
        return Conflict("the first request with this Idempotency-Key is still running", True)
    return Replay(kept.status, kept.media_type, kept.body)


def keep(store: Store, user_id: int, key: str, status: int, media_type: str, body: bytes) -> None:
    """Keep the answer of the request that claimed `key`."""
    with store.begin() as conn:
        api_repo.keep_answer(conn, user_id, key, status, media_type, body)


def release(store: Store, user_id: int, key: str) -> None:
    """Forget `key`: its request failed and wrote nothing."""
    with store.begin() as conn:
        api_repo.release_key(conn, user_id, key)
