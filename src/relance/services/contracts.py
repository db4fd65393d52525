"""Use cases of a customer's contract terms and formal notices (mises en demeure),
with an event in the log for each decision (see docs/law.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.engine import Action
from relance.core.jurisdiction import Contract, consumer_contract_refusals
from relance.core.model import Customer, CustomerKind
from relance.core.queued import QueuedStep
from relance.services import rule_sets
from relance.services.rule_sets import need_creditor

# -- contracts and formal notices ---------------------------------------------

_CONTRACT_FIELDS = frozenset(f.name for f in dataclasses.fields(Contract)) - {"formal_notice"}


def set_contract(
    store: Store,
    customer_ref: str,
    changes: Mapping[str, Any],
    actor: str = "user",
    reason: str = "",
) -> Contract:
    """Change some of a customer's contract terms (the others are kept) and log it.

    `changes` names `Contract` fields (rule_set, rate, fee_per_invoice, fee_per_letter,
    discount, limitation_years, waive_interest, waive_indemnity). A named rule set must
    exist, and not be one for businesses only when the customer is a consumer
    (`RuleSetNotForConsumers`, a ValueError naming both). For a consumer, the law's
    protections are no terms to change: a collection fee or a longer limitation period
    raises `ConsumerProtected` (a ValueError). Returns the contract as stored.
    """
    unknown = set(changes) - _CONTRACT_FIELDS
    if unknown:
        raise ValueError(f"not contract terms: {', '.join(sorted(unknown))}")
    rule_set = changes.get("rule_set")
    with store.begin() as conn:
        found = repo.load_customers(conn, [customer_ref])
        if not found:
            raise LookupError(f"unknown customer {customer_ref!r}")
        customer = found[0]
        if rule_set is not None:
            # UnknownRuleSet (a LookupError) names the known codes
            rule_sets.rules()[0].check_for(rule_set, customer.kind, customer_ref)
        if customer.kind is CustomerKind.CONSUMER:
            _refuse_for_consumer(conn, customer, Contract(**changes))
        current = law_repo.load_contracts(conn, [customer_ref]).get(customer_ref, Contract())
        contract = dataclasses.replace(current, **changes)
        law_repo.save_contract(conn, customer_ref, contract)
        repo.append_event(
            conn,
            "contract_terms",
            actor=actor,
            customer_ref=customer_ref,
            subject=customer_ref,
            data={key: _plain(value) for key, value in changes.items()},
            reason=reason,
        )
    return contract


class ConsumerProtected(ValueError):
    """A contract term the law forbids against a consumer (docs/law.md, "Consumers")."""


def _refuse_for_consumer(conn: Connection, customer: Customer, changes: Contract) -> None:
    creditor = need_creditor(conn)
    by_law = rule_sets.rules()[0].select(creditor.country, customer.country, customer.kind)
    refusals = consumer_contract_refusals(by_law, changes)
    if refusals:
        raise ConsumerProtected(f"customer {customer.ref!r} is a consumer: " + "; ".join(refusals))


def _plain(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def contract_of(store: Store, customer_ref: str) -> Contract:
    """The customer's stored contract terms (an empty `Contract` when none)."""
    with store.begin() as conn:
        law_repo.customer_id(conn, customer_ref)
        return law_repo.load_contracts(conn, [customer_ref]).get(customer_ref, Contract())


def record_formal_notice(
    conn: Connection,
    customer_ref: str,
    on: date,
    invoice_number: str | None = None,
    note: str = "",
    actor: str = "user",
) -> None:
    """Record that a customer received a formal notice on `on` (for one invoice or all).

    Against a consumer in France, legal-rate interest runs from the day after it, on the
    invoice it names; a notice for the whole customer (`invoice_number` None) covers only
    the invoices already due on `on`.
    """

    law_repo.add_formal_notice(conn, customer_ref, on, invoice_number, note)
    repo.append_event(
        conn,
        "formal_notice",
        actor=actor,
        customer_ref=customer_ref,
        subject=invoice_number or customer_ref,
        data={"date": on.isoformat(), "invoice": invoice_number},
        reason=note,
        dated=on,
    )


def formal_notice_for(
    store: Store, target: str, on: date, note: str = "", actor: str = "user"
) -> tuple[str, str | None]:
    """Record a formal notice for an invoice (by number) or a whole customer (by ref);
    returns (customer ref, invoice number or None). LookupError when neither."""
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[target])
        ref, number = (invoices[0].customer_ref, target) if invoices else (target, None)
        record_formal_notice(conn, ref, on, number, note, actor)
    return ref, number


def formal_notice_sent(
    conn: Connection,
    action: Action,
    step: QueuedStep,
    numbers: Sequence[str],
    letter: str,
    on: date,
    *,
    registered: bool,
    actor: str = "send",
) -> None:
    """Record the formal notice a sent letter gives, one per invoice it demands.

    A registered letter's notice counts from its receipt (C. civ. 1231-6, 1344-1: "à
    compter de la mise en demeure"), recorded by `formal_notice_received` when the
    acknowledgement of receipt (or the first presentation) comes back; until then
    nothing is recorded, so no interest runs from the day it was printed. A notice by
    e-mail alone is dated the day it was sent.
    """
    if not step.formal_notice or registered:
        return
    for number in numbers:
        record_formal_notice(conn, action.customer_ref, on, number, f"formal notice, {letter}",
                             actor)  # fmt: skip


def formal_notice_received(
    conn: Connection, action: Action, step: QueuedStep, on: date, actor: str = "user"
) -> None:
    """Record that the registered formal notice of `action` was received (or first
    presented) on `on`, for each invoice it demanded: interest at the legal rate runs
    from there against a consumer (docs/law.md, "Consumers")."""
    if not step.formal_notice:
        return
    for number in action.invoice_numbers:
        record_formal_notice(conn, action.customer_ref, on, number,
                             f"formal notice received, action {action.key}", actor)  # fmt: skip
