"""The REST API's tokens: who a token acts for and with which role.

A token acts for one workbench account and never above its role: the role it was made with,
lowered to the account's own when the account's role was lowered since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from relance.core.users import Role

TOKEN_PREFIX = "rl_"  # so a token pasted somewhere it should not be is recognisable


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token as stored (its secret is not: only its hash is)."""

    id: int
    user_id: int
    user_email: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


def acting_role(token_role: Role, account_role: Role) -> Role:
    """The role a request with the token has: the lower of the token's and the account's."""
    return token_role if account_role.allows(token_role) else account_role
