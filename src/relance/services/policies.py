"""The dunning policies: those in force, a policy's TOML text, importing one, and giving
a customer its own."""

from __future__ import annotations

from pathlib import Path

from relance.adapters.policy_toml import policy_from_toml, policy_to_toml
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage.database import Store
from relance.core.policy import Policy
from relance.services.customer_lookup import known_customer


def policies(store: Store) -> tuple[Policy, ...]:
    """The policies in force (stored, or the shipped defaults)."""
    with store.begin() as conn:
        return policy_repo.load_policies(conn)


def export_policy(store: Store, name: str) -> str:
    """One policy as TOML text (LookupError when unknown)."""
    for found in policies(store):
        if found.name == name:
            return policy_to_toml(found)
    raise LookupError(f"no policy {name!r}")


def import_policy(store: Store, path: Path, *, actor: str = "user") -> Policy:
    """Read a policy file and store it, replacing the policy of the same name; a file
    with problems raises ValueError naming the file, the level and the field."""
    loaded, problems = policy_from_toml(path.read_text(encoding="utf-8"), str(path))
    if loaded is None:
        raise ValueError("; ".join(str(p) for p in problems))
    with store.begin() as conn:
        policy_repo.save_policy(conn, loaded)
        repo.append_event(
            conn,
            "policy.imported",
            actor=actor,
            subject=loaded.name,
            data={"file": path.name, "levels": [level.name for level in loaded.levels]},
        )
    return loaded


def assign_policy(
    store: Store, customer_ref: str, name: str | None, *, actor: str = "user"
) -> None:
    """Give a customer a policy by name (None: back to the assignment rules)."""
    with store.begin() as conn:
        known_customer(conn, customer_ref)
        if name is not None and name not in {p.name for p in policy_repo.load_policies(conn)}:
            raise LookupError(f"no policy {name!r}")
        policy_repo.assign_customer_policy(conn, customer_ref, name)
        repo.append_event(
            conn,
            "policy.assigned",
            actor=actor,
            customer_ref=customer_ref,
            subject=name or "(by rule)",
        )
