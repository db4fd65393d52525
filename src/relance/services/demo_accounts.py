"""The demo ledger's workbench accounts, one per role, with a password everyone knows.

For the demo only (`relance demo`): a real ledger's accounts are made with `relance user
add`, each with its own password.
"""

from __future__ import annotations

from relance.adapters.storage.database import Store
from relance.core.users import Role
from relance.services import users

DEMO_PASSWORD = "relance-demo"
DEMO_ACCOUNTS = tuple((f"{role.value}@demo.relance.example", role) for role in Role)


def create_demo_accounts(store: Store) -> tuple[tuple[str, Role], ...]:
    """Add an account per role to the demo ledger (those it has already are kept)."""
    existing = {account.email for account in users.list_users(store)}
    for email, role in DEMO_ACCOUNTS:
        if email not in existing:
            users.add_user(store, email, role, DEMO_PASSWORD)
    return DEMO_ACCOUNTS
