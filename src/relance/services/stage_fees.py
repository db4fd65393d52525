"""Fees a policy level charges, once per invoice and stage, kept as receivable lines of
their own (docs/law.md, "Fees"): what a letter shows, and what sending it records.

A letter's step (`LetterStep`) is read from its queued action: the charges the level
names and, from the policy in force, the fee it charges. The fee is computed when the
letter is composed and recorded when it is sent, so a preview never charges anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from relance.adapters.policy_toml import default_policies, policy_from_toml
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_rates as rates_repo
from relance.adapters.storage.database import Connection
from relance.core.engine import Action
from relance.core.fees import FeeRule, StageFee, stage_fee
from relance.core.model import CustomerKind
from relance.core.money import Money
from relance.core.queued import QueuedStep
from relance.services.rule_sets import rule_set_or_table

CHARGE_NAMES = ("interest", "indemnity", "fee")


@dataclass(frozen=True, slots=True)
class LetterStep:
    """What a letter's level adds to the principal: the charges it names (only those),
    whether it is a formal notice, and the fee it charges per invoice."""

    charges: tuple[str, ...] = ()
    formal_notice: bool = False
    level: int = 0
    level_name: str = ""
    fee: FeeRule | None = None


def step_of(
    conn: Connection,
    action: Action,
    step: QueuedStep,
    texts: tuple[tuple[str, str], ...] | None = None,
) -> LetterStep:
    """The step of a queued action: its charges and notice as proposed, its level's fee
    from the policy in force (none when the policy or level is gone); `texts`: the stored
    policies' texts by name, when already read."""
    if texts is None:
        texts = policy_repo.policy_texts(conn)
    fee = _level_fees(texts).get((action.policy, action.level_name))
    return LetterStep(
        step.charges,
        step.formal_notice,
        action.level,
        action.level_name,
        fee,
    )


@lru_cache(maxsize=8)
def _level_fees(texts: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], FeeRule]:
    """The fee of each (policy, level) of the stored policies (the shipped ones when none
    is stored), parsed once per set of texts: a batch composes many letters."""
    policies = default_policies() if not texts else tuple(
        policy for name, text in texts
        if (policy := policy_from_toml(text, f"stored policy {name!r}")[0]) is not None
    )  # fmt: skip
    return {
        (policy.name, level.name): level.fee
        for policy in policies
        for level in policy.levels
        if level.fee is not None
    }


def fees_of_step(
    conn: Connection, step: LetterStep, balances: Mapping[str, Money], on: date
) -> tuple[tuple[StageFee, ...], tuple[StageFee, ...]]:
    """(fees recorded at earlier levels on these invoices, fees this step would charge):
    one per invoice still owed that this level has not charged yet. The caller decides
    whether the debtor may be charged at all (never a consumer)."""
    recorded = rates_repo.stage_fees(conn, list(balances))
    earlier = tuple(f for f in recorded if f.level != step.level)
    if step.fee is None:
        return earlier, ()
    charged = {f.invoice_number: f for f in recorded if f.level == step.level}
    new = tuple(
        charged.get(number) or stage_fee(step.fee, number, owed, step.level, step.level_name, on)
        for number, owed in sorted(balances.items())
        if owed.is_positive
    )
    return earlier, new


def record_stage_fees(
    conn: Connection, fees: tuple[StageFee, ...], customer_ref: str, on: date
) -> int:
    """Record the fees a letter sent on `on` charged (those already recorded are kept as
    they were); returns how many were new, with an event of that day for each."""
    numbers = [fee.invoice_number for fee in fees]
    known = {(f.invoice_number, f.level) for f in rates_repo.stage_fees(conn, numbers)}
    ids = repo.invoice_ids(conn, numbers)
    added = 0
    for fee in fees:
        if (fee.invoice_number, fee.level) in known:
            continue
        rates_repo.add_stage_fee(conn, fee, ids[fee.invoice_number])
        repo.append_event(
            conn,
            "stage_fee",
            actor="send",
            customer_ref=customer_ref,
            subject=fee.invoice_number,
            data={"level": fee.level_name, "amount": str(fee.amount.amount),
                  "currency": fee.amount.currency, "basis": fee.basis},
            dated=on,
        )  # fmt: skip
        added += 1
    return added


def charge_sent_letter(
    conn: Connection, action: Action, queued: QueuedStep,
    balances: Mapping[str, Money], on: date,
) -> int:  # fmt: skip
    """Record the fees the level of a letter just sent charges on its invoices; none for
    a consumer or under rules that forbid collection fees (CPCE L111-8). Returns how
    many were recorded."""
    step = step_of(conn, action, queued)
    if step.fee is None:
        return 0
    creditor = repo.load_creditor(conn)
    customers = repo.load_customers(conn, [action.customer_ref])
    if creditor is None or not customers or customers[0].kind is CustomerKind.CONSUMER:
        return 0
    contract = law_repo.load_contracts(conn, [action.customer_ref]).get(action.customer_ref)
    if not rule_set_or_table(creditor, customers[0], contract).fees_allowed:
        return 0
    _, new = fees_of_step(conn, step, balances, on)
    return record_stage_fees(conn, new, action.customer_ref, on)
