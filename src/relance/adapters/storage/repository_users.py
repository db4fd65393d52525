"""The web workbench's users and secrets, as core records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from relance.adapters.storage import tables_users as tu
from relance.core.users import Role, User


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        language=row.language,
        # SQLite hands back naive datetimes: the column is stored in UTC
        created_at=row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC),
        active=bool(row.active),
    )


def add_user(
    conn: Connection, email: str, password_hash: str, role: Role, created_at: datetime
) -> User:
    """Insert an account; the e-mail address must be new (a unique constraint says so)."""
    new_id = conn.execute(
        insert(tu.web_users)
        .values(
            email=email,
            password_hash=password_hash,
            role=role.value,
            language=None,
            active=True,
            created_at=created_at,
        )
        .returning(tu.web_users.c.id)
    ).scalar_one()
    return User(new_id, email, role, None, created_at)


def users(conn: Connection) -> list[User]:
    """Every account, by e-mail address."""
    rows = conn.execute(select(tu.web_users).order_by(tu.web_users.c.email))
    return [_user(row) for row in rows]


def user_count(conn: Connection) -> int:
    """How many active accounts there are."""
    query = select(func.count()).select_from(tu.web_users).where(tu.web_users.c.active)
    return int(conn.execute(query).scalar_one())


def user_by_id(conn: Connection, user_id: int) -> User | None:
    """The account `user_id`, or None."""
    row = conn.execute(select(tu.web_users).where(tu.web_users.c.id == user_id)).first()
    return None if row is None else _user(row)


def user_with_hash(conn: Connection, email: str) -> tuple[User, str] | None:
    """The account of `email` (stored form) with its password hash, or None."""
    row = conn.execute(select(tu.web_users).where(tu.web_users.c.email == email)).first()
    return None if row is None else (_user(row), row.password_hash)


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash (a new password, or a rehash with new costs)."""
    query = update(tu.web_users).where(tu.web_users.c.id == user_id)
    conn.execute(query.values(password_hash=password_hash))


def set_language(conn: Connection, user_id: int, language: str | None) -> None:
    """Record the language an account chose for the workbench (None: the ledger's)."""
    query = update(tu.web_users).where(tu.web_users.c.id == user_id)
    conn.execute(query.values(language=language))


def secret(conn: Connection, name: str) -> str | None:
    """The secret stored under `name`, or None."""
    query = select(tu.web_secrets.c.value).where(tu.web_secrets.c.name == name)
    return conn.execute(query).scalar_one_or_none()


def save_secret(conn: Connection, name: str, value: str) -> None:
    """Store a new secret under `name`."""
    conn.execute(insert(tu.web_secrets).values(name=name, value=value))
