"""The REST API's tokens and its kept answers, as core records and plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from relance.adapters.storage import tables_api as ta
from relance.adapters.storage import tables_users as tu
from relance.core.api_tokens import ApiToken
from relance.core.users import Role


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes: the columns are stored in UTC
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _token(row: Any) -> ApiToken:
    created = _utc(row.created_at)
    assert created is not None
    return ApiToken(
        row.id, row.user_id, row.email, row.name, Role(row.role), created, _utc(row.revoked_at)
    )


def _tokens() -> Any:
    t = ta.api_tokens
    joined = t.join(tu.web_users, tu.web_users.c.id == t.c.user_id)
    return select(
        t.c.id, t.c.user_id, tu.web_users.c.email, t.c.name, t.c.role, t.c.created_at,
        t.c.revoked_at,
    ).select_from(joined)  # fmt: skip


def add_token(
    conn: Connection, user_id: int, name: str, role: Role, token_hash: str, created_at: datetime
) -> int:
    """Store a new token's hash; its id."""
    values = dict(
        user_id=user_id, name=name, role=role.value, token_hash=token_hash, created_at=created_at
    )
    query = insert(ta.api_tokens).values(**values).returning(ta.api_tokens.c.id)
    return int(conn.execute(query).scalar_one())


def token(conn: Connection, token_id: int) -> ApiToken | None:
    """The token `token_id`, or None."""
    row = conn.execute(_tokens().where(ta.api_tokens.c.id == token_id)).first()
    return None if row is None else _token(row)


def token_by_hash(conn: Connection, token_hash: str) -> ApiToken | None:
    """The token whose secret hashes to `token_hash`, or None."""
    row = conn.execute(_tokens().where(ta.api_tokens.c.token_hash == token_hash)).first()
    return None if row is None else _token(row)


def tokens(conn: Connection) -> list[ApiToken]:
    """Every token, revoked ones too, oldest first."""
    return [_token(row) for row in conn.execute(_tokens().order_by(ta.api_tokens.c.id))]


def revoke_token(conn: Connection, token_id: int, at: datetime) -> None:
    """Mark a token revoked at `at`."""
    query = update(ta.api_tokens).where(ta.api_tokens.c.id == token_id)
    conn.execute(query.values(revoked_at=at))


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    """A write's kept answer: the request's fingerprint and, once it finished, the answer."""

    fingerprint: str
    status: int | None
    media_type: str | None
    body: bytes | None


def claim_key(
    conn: Connection, user_id: int, key: str, fingerprint: str, at: datetime
) -> KeptAnswer | None:
    """Claim `key` for a new request (None), or the answer already kept under it."""
    table = ta.api_idempotency
    try:
        with conn.begin_nested():
            values = dict(user_id=user_id, key=key, fingerprint=fingerprint, created_at=at)
            conn.execute(insert(table).values(**values))
        return None
    except IntegrityError:
        pass
    query = select(table.c.fingerprint, table.c.status, table.c.media_type, table.c.body)
    row = conn.execute(query.where(table.c.user_id == user_id, table.c.key == key)).one()
    return KeptAnswer(row.fingerprint, row.status, row.media_type, row.body)


def keep_answer(
    conn: Connection, user_id: int, key: str, status: int, media_type: str, body: bytes
) -> None:
    """Keep the answer of the request that claimed `key`."""
    table = ta.api_idempotency
    query = update(table).where(table.c.user_id == user_id, table.c.key == key)
    conn.execute(query.values(status=status, media_type=media_type, body=body))


def release_key(conn: Connection, user_id: int, key: str) -> None:
    """Forget a claim whose request failed: the key may be used again."""
    table = ta.api_idempotency
    conn.execute(delete(table).where(table.c.user_id == user_id, table.c.key == key))
