"""The people who use relance's web workbench, and what each role may do.

Roles are ranked: each may do what the roles below it may. A viewer reads; a collector
also logs what customers say (calls, promises, disputes, notes); a manager also approves,
sends and changes settings; an admin also manages the users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What a user may do, from least to most."""

    VIEWER = "viewer"
    COLLECTOR = "collector"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """The role's place in the order viewer < collector < manager < admin."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role may do what `needed` may."""
        return self.rank >= needed.rank


LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class User:
    """An account of the web workbench (its password hash stays in storage)."""

    id: int
    email: str
    role: Role
    language: str | None  # None: the ledger's language
    created_at: datetime
    active: bool = True


def normalized_email(email: str) -> str:
    """The form an e-mail address is stored and looked up under: trimmed, lower case."""
    return email.strip().lower()
