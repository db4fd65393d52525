"""The REST API's tokens: shown once, kept as a hash, never above the account's role."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.core.users import Role
from relance.interfaces.cli.main import run
from relance.services import api_tokens, users


@pytest.fixture(autouse=True)
def cheap_passwords() -> object:
    from argon2 import PasswordHasher

    from relance.adapters import passwords

    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    passwords.use_hasher(previous)


def test_a_token_is_kept_as_its_hash_and_authenticates_its_account(store: Store) -> None:
    claire = users.add_user(store, "claire@atelier.fr", Role.MANAGER, "long enough pass")
    made = api_tokens.create_token(store, "Claire@Atelier.fr", "ERP")
    assert made.secret.startswith("rl_") and len(made.secret) > 40
    assert made.token.role is Role.MANAGER and made.token.user_email == "claire@atelier.fr"
    with store.begin() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert stored == hashlib.sha256(made.secret.encode()).hexdigest()
    acting = api_tokens.authenticate_token(store, made.secret)
    assert acting is not None and acting.id == claire.id and acting.role is Role.MANAGER
    assert api_tokens.authenticate_token(store, made.secret + "x") is None
    assert api_tokens.authenticate_token(store, "not a token") is None


def test_a_token_is_never_above_its_account_and_revoking_it_is_at_once(store: Store) -> None:
    users.add_user(store, "val@atelier.fr", Role.COLLECTOR, "long enough pass")
    with pytest.raises(users.UserError, match="cannot be manager"):
        api_tokens.create_token(store, "val@atelier.fr", "too high", Role.MANAGER)
    with pytest.raises(users.UserError, match="no active account"):
        api_tokens.create_token(store, "nobody@atelier.fr", "BI")
    with pytest.raises(users.UserError, match="name"):
        api_tokens.create_token(store, "val@atelier.fr", "  ")
    reader = api_tokens.create_token(store, "val@atelier.fr", "BI", Role.VIEWER)
    acting = api_tokens.authenticate_token(store, reader.secret)
    assert acting is not None and acting.role is Role.VIEWER
    revoked = api_tokens.revoke_token(store, reader.token.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert api_tokens.authenticate_token(store, reader.secret) is None
    assert [t.name for t in api_tokens.list_tokens(store)] == ["BI"]


def test_relance_token_prints_the_secret_once_and_lists_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Atelier Durand"]) == 0
    users.add_user(open_store(db), "erp@atelier.fr", Role.MANAGER, "long enough pass")
    capsys.readouterr()
    assert run(["token", "create", "--user", "erp@atelier.fr", "--name", "ERP", "--db", db]) == 0
    out = capsys.readouterr()
    secret = out.out.strip()
    assert secret.startswith("rl_") and "not be shown" in out.err
    assert run(["token", "list", "--db", db, "--format", "json"]) == 0
    listing = capsys.readouterr().out
    assert '"ERP"' in listing and secret not in listing
    assert run(["token", "revoke", "1", "--db", db]) == 0
    assert "revoked" in capsys.readouterr().out
    assert run(["token", "revoke", "9", "--db", db]) != 0
    assert run(["token", "create", "--user", "no@x.fr", "--name", "x", "--db", db]) != 0
