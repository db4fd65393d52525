"""The REST API under test: the workbench's seeded ledger, one token per role.

`api` is the whole web application (the API mounted at /api/v1) on the `store` fixture
(SQLite and PostgreSQL) with a fixed business day; `api.client(role)` is a client whose
requests carry the token of that role's account.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from tests.interfaces.web.conftest import TODAY, cheap_passwords, email_of, seed_ledger

from relance.adapters.storage.database import Store
from relance.core.users import Role
from relance.interfaces.web.app import build_app
from relance.services import api_tokens

__all__ = ["TODAY", "Api", "cheap_passwords"]


@dataclass
class Api:
    """The application on a seeded ledger, and a token per role."""

    app: Starlette
    store: Store
    tokens: dict[Role, str]
    clients: list[TestClient] = field(default_factory=list)

    def client(self, role: Role | None = None, token: str | None = None) -> TestClient:
        """A client sending the token of `role` (or `token`; none when both are None)."""
        secret = token or (self.tokens[role] if role else None)
        headers = {"authorization": f"Bearer {secret}"} if secret else {}
        made = TestClient(self.app, base_url="http://testserver/api/v1", headers=headers)
        self.clients.append(made)
        return made


def make_api(store: Store, folder: Path) -> Api:
    """The application on a seeded ledger with a token for each role's account."""
    seed_ledger(store, folder)
    tokens = {
        role: api_tokens.create_token(store, email_of(role), f"{role.value} token").secret
        for role in Role
    }
    app = build_app(store, today=lambda: TODAY, letters_dir=folder / "letters")
    return Api(app, store, tokens)


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Iterator[Api]:
    """The API on the seeded ledger (SQLite and PostgreSQL), its day 30 November 2026."""
    made = make_api(store, tmp_path)
    yield made
    for client in made.clients:
        client.close()
