"""The REST API's tokens: make one for an account (shown once), list, revoke, authenticate.

A token is 32 random bytes; the ledger keeps only its SHA-256, which is enough for a secret
that long (no one guesses it, so no slow hash is needed) and lets a request be checked with
one indexed look-up.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from relance.adapters.storage import repository_api as api_repo
from relance.adapters.storage import repository_users as users_repo
from relance.adapters.storage.database import Store
from relance.core.api_tokens import TOKEN_PREFIX, ApiToken, acting_role
from relance.core.users import Role, User, normalized_email
from relance.services.users import UserError

MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: its record and its secret, which is shown this once."""

    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, email: str, name: str, role: Role | None = None) -> NewToken:
    """A new token acting for the account `email`, with `role` (the account's by default,
    never above it)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise UserError(f"a token's name has 1 to {MAX_NAME} characters")
    with store.begin() as conn:
        found = users_repo.user_with_hash(conn, normalized_email(email))
        if found is None or not found[0].active:
            raise UserError(f"no active account {email!r} (create it with `relance user add`)")
        account = found[0]
        wanted = role or account.role
        if not account.role.allows(wanted):
            raise UserError(
                f"{account.email} is {account.role.value}: a token of theirs cannot be "
                f"{wanted.value}"
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = api_repo.add_token(conn, account.id, name, wanted, _hash(secret), _now())
        made = api_repo.token(conn, token_id)
    assert made is not None
    return NewToken(made, secret)


def list_tokens(store: Store) -> list[ApiToken]:
    """Every token, the revoked ones too, oldest first."""
    with store.begin() as conn:
        return api_repo.tokens(conn)


def revoke_token(store: Store, token_id: int) -> ApiToken:
    """Revoke the token `token_id` (at once: its next request is refused)."""
    with store.begin() as conn:
        found = api_repo.token(conn, token_id)
        if found is None:
            raise UserError(f"no token {token_id}")
        if found.active:
            api_repo.revoke_token(conn, token_id, _now())
        revoked = api_repo.token(conn, token_id)
    assert revoked is not None
    return revoked


def authenticate_token(store: Store, secret: str) -> User | None:
    """The account a request with `secret` acts as, with the role it may use; None for an
    unknown or revoked token, or an account deactivated since."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with store.begin() as conn:
        found = api_repo.token_by_hash(conn, _hash(secret))
        if found is None or not found.active:
            return None
        account = users_repo.user_by_id(conn, found.user_id)
    if account is None or not account.active:
        return None
    return User(
        account.id,
        account.email,
        acting_role(found.role, account.role),
        account.language,
        account.created_at,
    )


def _now() -> datetime:
    return datetime.now(UTC)
