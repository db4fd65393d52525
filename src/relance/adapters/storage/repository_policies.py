"""The dunning policies (their TOML text) and the rules assigning them to customers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    Connection,
    insert,
    select,
    update,
)

from relance.adapters.policy_toml import default_policies, policy_from_toml, policy_to_toml
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.core.model import CustomerKind
from relance.core.policy import DEFAULT_RULES, AssignmentRule, Policy

# -- policies and their assignment ------------------------------------------------------


def stored_policy_texts(conn: Connection) -> dict[str, str]:
    """The TOML text of each stored policy, by name."""
    query = select(d.dunning_policies.c.name, d.dunning_policies.c.toml)
    return {name: text for name, text in conn.execute(query.order_by(d.dunning_policies.c.name))}


def policy_texts(conn: Connection) -> tuple[tuple[str, str], ...]:
    """`stored_policy_texts` as (name, TOML) pairs sorted by name: the key the caches of
    the levels' fees and statements are read with, and what a send reads once a chunk."""
    return tuple(sorted(stored_policy_texts(conn).items()))


def load_policies(conn: Connection) -> tuple[Policy, ...]:
    """The stored policies, or the shipped defaults when none is stored.

    A stored text is checked when it is saved, so a problem here is a bug: ValueError.
    """
    texts = stored_policy_texts(conn)
    if not texts:
        return default_policies()
    return _parsed(tuple(texts.items()))


@functools.lru_cache(maxsize=8)
def _parsed(texts: tuple[tuple[str, str], ...]) -> tuple[Policy, ...]:
    """The stored policies' texts parsed, once per set of texts: a send checks every
    action against them."""
    found: list[Policy] = []
    for name, text in texts:
        policy, problems = policy_from_toml(text, f"stored policy {name!r}")
        if policy is None:
            raise ValueError("; ".join(str(p) for p in problems))
        found.append(policy)
    return tuple(found)


def save_policy(conn: Connection, policy: Policy) -> None:
    """Store `policy` (replacing the one of the same name). The first policy stored
    also stores the defaults beside it, so importing one does not drop the others."""
    texts = stored_policy_texts(conn)
    if not texts:
        for shipped in default_policies():
            if shipped.name != policy.name:
                _write_policy(conn, shipped, exists=False)
    _write_policy(conn, policy, exists=policy.name in texts)


def _write_policy(conn: Connection, policy: Policy, *, exists: bool) -> None:
    values = {"toml": policy_to_toml(policy), "updated_at": datetime.now(UTC)}
    table = d.dunning_policies
    if exists:
        conn.execute(update(table).where(table.c.name == policy.name).values(values))
    else:
        conn.execute(insert(table).values(name=policy.name, **values))


def load_rules(conn: Connection) -> tuple[AssignmentRule, ...]:
    """The assignment rules in order, or the default ones when none is stored."""
    r = d.policy_rules
    rows = list(conn.execute(select(r).order_by(r.c.position, r.c.id)))
    if not rows:
        return DEFAULT_RULES
    return tuple(
        AssignmentRule(row.policy, CustomerKind(row.kind) if row.kind else None, row.country,
                       row.tag)
        for row in rows
    )  # fmt: skip


def save_rules(conn: Connection, rules: Sequence[AssignmentRule]) -> None:
    """Replace the assignment rules."""
    conn.execute(d.policy_rules.delete())
    if rules:
        conn.execute(
            insert(d.policy_rules),
            [
                {
                    "position": position,
                    "policy": rule.policy,
                    "kind": rule.kind.value if rule.kind else None,
                    "country": rule.country,
                    "tag": rule.tag,
                }
                for position, rule in enumerate(rules)
            ],
        )


def assign_customer_policy(conn: Connection, customer_ref: str, name: str | None) -> None:
    """Give a customer a policy by name (None: the assignment rules choose)."""
    conn.execute(update(t.customers).where(t.customers.c.ref == customer_ref).values(policy=name))
