"""The dunning policies: those in force, a policy's TOML text, importing one, and giving
a customer its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relance.adapters.policy_toml import (
    PolicyFileProblem,
    policy_from_dict,
    policy_from_toml,
    policy_to_dict,
    policy_to_toml,
)
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
    return policy_to_toml(_named(store, name))


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


class PolicyRefused(ValueError):
    """A policy edit with problems: `problems` name each level and field."""

    def __init__(self, problems: Sequence[PolicyFileProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


def edit_policy(
    store: Store,
    name: str,
    changes: Mapping[str, Any],
    levels: Sequence[Mapping[str, Any] | None],
    *,
    actor: str = "user",
) -> Policy:
    """Change some fields of the policy `name` and of its levels, checked as a policy file
    is, then store it. `levels` holds, for each level in order, the fields that change (a
    None value removes the field) or None to remove the level; entries past the policy's
    levels are new levels. PolicyRefused lists every problem; nothing is stored then."""
    data = policy_to_dict(_named(store, name))
    data.update({key: value for key, value in changes.items() if key != "name"})
    edited = []
    for position, fields in enumerate(levels):
        if fields is None:
            continue
        level = dict(data["levels"][position]) if position < len(data["levels"]) else {}
        level.update(fields)
        edited.append({key: value for key, value in level.items() if value is not None})
    data["levels"] = edited
    loaded, problems = policy_from_dict(data, f"policy {name!r}")
    if loaded is None:
        raise PolicyRefused(problems)
    with store.begin() as conn:
        policy_repo.save_policy(conn, loaded)
        repo.append_event(
            conn, "policy.edited", actor=actor, subject=loaded.name,
            data={"levels": [level.name for level in loaded.levels]},
        )  # fmt: skip
    return loaded


def _named(store: Store, name: str) -> Policy:
    for found in policies(store):
        if found.name == name:
            return found
    raise LookupError(f"no policy {name!r}")


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
