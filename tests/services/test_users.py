"""The workbench's accounts: argon2 hashes, unique addresses, checked passwords."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from relance.adapters.storage.database import Store
from relance.core.users import Role
from relance.services import users
from relance.services.login_throttle import LoginThrottle


def test_an_account_stores_an_argon2id_hash_and_checks_the_password(store: Store) -> None:
    from relance.adapters.storage import repository_users

    made = users.add_user(store, "  Claire@Atelier.FR ", Role.MANAGER, "long enough pass")
    assert made.email == "claire@atelier.fr"
    with store.begin() as conn:
        found = repository_users.user_with_hash(conn, "claire@atelier.fr")
    assert found is not None
    stored = found[1]
    assert stored.startswith("$argon2id$") and "m=65536" in stored  # argon2-cffi's defaults
    assert "long enough pass" not in stored
    assert users.authenticate(store, "CLAIRE@atelier.fr", "long enough pass") == made
    assert users.authenticate(store, "claire@atelier.fr", "long enough pas") is None
    assert users.authenticate(store, "nobody@atelier.fr", "long enough pass") is None


def test_an_address_has_one_account_and_a_password_ten_characters(store: Store) -> None:
    users.add_user(store, "a@b.fr", Role.VIEWER, "0123456789")
    with pytest.raises(users.UserError, match="already an account"):
        users.add_user(store, "A@B.fr", Role.ADMIN, "0123456789")
    with pytest.raises(users.UserError, match="at least 10"):
        users.add_user(store, "c@b.fr", Role.ADMIN, "short")
    with pytest.raises(users.UserError, match="not an e-mail"):
        users.add_user(store, "nobody", Role.ADMIN, "0123456789")
    assert [u.email for u in users.list_users(store)] == ["a@b.fr"]
    assert users.user_count(store) == 1


def test_the_session_key_is_made_once_and_kept(store: Store) -> None:
    first = users.session_secret(store)
    assert len(first) >= 40
    assert users.session_secret(store) == first


def test_roles_are_ranked() -> None:
    assert Role.ADMIN.allows(Role.MANAGER) and Role.MANAGER.allows(Role.COLLECTOR)
    assert Role.COLLECTOR.allows(Role.VIEWER) and not Role.VIEWER.allows(Role.COLLECTOR)
    assert not Role.MANAGER.allows(Role.ADMIN)


def test_the_throttle_counts_failures_over_a_sliding_window() -> None:
    now = [datetime(2026, 11, 30, 9, tzinfo=UTC)]
    throttle = LoginThrottle(per_account=3, per_address=5, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.blocked_for("a", "10.0.0.1") is None
        throttle.failed("a", "10.0.0.1")
    assert throttle.blocked_for("a", "10.0.0.2") == timedelta(minutes=15)
    now[0] += timedelta(minutes=10)
    assert throttle.blocked_for("a", "10.0.0.2") == timedelta(minutes=5)
    throttle.succeeded("a")  # a success elsewhere (another window) clears the account
    assert throttle.blocked_for("a", "10.0.0.2") is None
    for name in "bc":
        throttle.failed(name, "10.0.0.1")
    assert throttle.blocked_for("d", "10.0.0.1") is not None  # 5 failures from this address
    now[0] += timedelta(minutes=15)
    assert throttle.blocked_for("d", "10.0.0.1") is None
