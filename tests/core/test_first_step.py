"""A new customer's first step made from its totals (`first_step`) is the step the engine
makes (`decide`), field for field, flags included.

A property test (hypothesis): a customer with nothing on record but its overdue open
invoices (in one to three currencies, some past the first level's delay, some not), under
the default policies and variants of them (a level per step, a first level that writes
nothing, a minimum amount, no call allowed, no contact allowed, no delay), on a random day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.adapters.policy_toml import default_policies
from relance.core.actions import Flag, OverdueItem
from relance.core.engine import decide
from relance.core.first_step import first_step, merged
from relance.core.ledger import Ledger
from relance.core.model import Customer
from relance.core.policy import Channel, ContactLimits, Grouping, Policy

AS_OF = date(2026, 6, 1)


def variants() -> list[Policy]:
    """The default policies, and each with one thing changed that plays on a first step."""
    found = []
    for policy in default_policies():
        first = policy.levels[0]
        found += [
            policy,
            replace(policy, grouping=Grouping.STAGE),
            replace(policy, levels=(replace(first, channels=(Channel.CALL,)), *policy.levels[1:])),
            replace(policy, levels=(replace(first, min_amount=Decimal(500)), *policy.levels[1:])),
            replace(policy, levels=(replace(first, after_due_days=None), *policy.levels[1:])),
            replace(policy, limits=ContactLimits(max_calls=0)),
            replace(policy, limits=ContactLimits(max_contacts=0)),
        ]
    return found


POLICIES = variants()
invoice = st.tuples(
    st.integers(1, 120),  # days overdue
    st.sampled_from(["EUR", "EUR", "USD", "JPY"]),
    st.integers(1, 90_000),  # open balance in minor units
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(invoice, min_size=1, max_size=7),
    st.integers(0, len(POLICIES) - 1),
    st.booleans(),
)
def test_the_first_step_is_the_engines(invoices, which, same_day):
    policy = POLICIES[which]
    items: list[OverdueItem] = []
    for n, (days, currency, minor) in enumerate(invoices):
        # Some invoices fall due the same day: their order is their number's.
        due = AS_OF - timedelta(days=invoices[0][0] if same_day and n % 2 else days)
        amount = Decimal(minor) if currency == "JPY" else Decimal(minor).scaleb(-2)
        items.append((f"F{(7 * n) % 10}{n}", due, currency, amount))
    customer = Customer("C1", "Client", policy=policy.name)
    engine = decide(
        Ledger(customers=(customer,)), [policy], as_of=AS_OF, overdue={"C1": items}, credit={}
    )
    ordered = sorted(items, key=lambda item: (item[1], item[0]))
    balances: dict[str, Decimal] = {}
    for _, _, currency, amount in items:
        balances[currency] = balances.get(currency, Decimal(0)) + amount
    flags: list[Flag] = []
    proposal = first_step(
        "C1", policy, AS_OF, [item[0] for item in ordered], [item[1] for item in ordered],
        balances, flags,
    )  # fmt: skip
    assert (proposal,) == engine.proposals if proposal is not None else not engine.proposals
    assert tuple(flags) == engine.flags
    assert not engine.cancellations


def test_merged_decisions_keep_the_engines_order():
    """First steps of some customers merged with the engine's decision of others read as
    one decision of the engine over all of them: sorted by customer."""
    policy = default_policies()[0]
    due = AS_OF - timedelta(days=60)
    customers = tuple(Customer(f"C{n}", "Client", policy=policy.name) for n in range(6))
    overdue = {c.ref: [(f"F{c.ref}", due, "EUR", Decimal("100.00"))] for c in customers}
    whole = decide(Ledger(customers=customers), [policy], as_of=AS_OF, overdue=overdue, credit={})
    theirs = {c.ref: overdue[c.ref] for c in customers[::2]}
    engine_part = decide(
        Ledger(customers=customers[::2]), [policy], as_of=AS_OF, overdue=theirs, credit={}
    )
    firsts = [
        first_step(c.ref, policy, AS_OF, [f"F{c.ref}"], [due], {"EUR": Decimal("100.00")}, [])
        for c in customers[1::2]
    ]
    assert len(whole.proposals) == 6
    assert merged(engine_part, [p for p in firsts if p], []) == whole
