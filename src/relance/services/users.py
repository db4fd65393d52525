"""The web workbench's accounts: create, list, check a password, remember a language.

Each account has a role (`relance.core.users.Role`); passwords are stored as argon2 hashes.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from relance.adapters.passwords import hash_password, needs_rehash, verify_password
from relance.adapters.storage import repository_users as users_repo
from relance.adapters.storage.database import Store
from relance.core.users import LANGUAGES, Role, User, normalized_email

MIN_PASSWORD_LENGTH = 10
SESSION_SECRET = "session"


class UserError(ValueError):
    """An account cannot be created or changed as asked (the message says why)."""


def add_user(store: Store, email: str, role: Role, password: str) -> User:
    """Create an account; the address must be new and the password long enough."""
    address = normalized_email(email)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise UserError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    with store.begin() as conn:
        if users_repo.user_with_hash(conn, address) is not None:
            raise UserError(f"there is already an account for {address}")
        return users_repo.add_user(conn, address, hash_password(password), role, _now())


def list_users(store: Store) -> list[User]:
    """Every account, by e-mail address."""
    with store.begin() as conn:
        return users_repo.users(conn)


def user_count(store: Store) -> int:
    """How many active accounts there are (`relance serve` beyond loopback needs one)."""
    with store.begin() as conn:
        return users_repo.user_count(conn)


def user(store: Store, user_id: int) -> User | None:
    """The active account `user_id`, or None (deleted or deactivated since)."""
    with store.begin() as conn:
        found = users_repo.user_by_id(conn, user_id)
    return found if found is not None and found.active else None


def authenticate(store: Store, email: str, password: str) -> User | None:
    """The active account whose address and password these are, or None.

    An unknown address costs the same time as a wrong password (a decoy hash is checked).
    A hash made with weaker parameters than today's is replaced on a successful login.
    """
    with store.begin() as conn:
        found = users_repo.user_with_hash(conn, normalized_email(email))
        account, stored = found if found is not None else (None, None)
        if not verify_password(stored, password) or account is None or not account.active:
            return None
        if stored is not None and needs_rehash(stored):
            users_repo.set_password_hash(conn, account.id, hash_password(password))
        return account


def choose_language(store: Store, user_id: int, language: str | None) -> None:
    """Record the account's language for the workbench (None: the ledger's)."""
    if language is not None and language not in LANGUAGES:
        raise UserError(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    with store.begin() as conn:
        users_repo.set_language(conn, user_id, language)


def session_secret(store: Store) -> str:
    """The key that signs session cookies, made and stored on first use."""
    with store.begin() as conn:
        existing = users_repo.secret(conn, SESSION_SECRET)
        if existing is not None:
            return existing
        made = secrets.token_urlsafe(48)
        users_repo.save_secret(conn, SESSION_SECRET, made)
        return made


def _now() -> datetime:
    return datetime.now(UTC)
