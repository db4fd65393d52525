"""Policies: levels, validation naming the level and field, assignment by name or rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from decimal import Decimal

from relance.core.model import Customer, CustomerKind
from relance.core.policy import (
    AssignmentRule,
    CallWindow,
    Channel,
    ContactLimits,
    Level,
    Policy,
    PolicyIndex,
    Tone,
    assign,
    validate,
)


def two_level_policy(name: str = "short") -> Policy:
    return Policy(
        name=name,
        levels=(
            Level(
                "reminder",
                (Channel.EMAIL,),
                ((Channel.EMAIL, "informal_email"),),
                after_due_days=1,
            ),
            Level(
                "letter",
                (Channel.LETTER,),
                ((Channel.LETTER, "business/letter1"),),
                after_previous_days=10,
                tone=Tone.FIRM,
                charges=("interest",),
            ),
        ),
    )


def test_a_sound_policy_has_no_problems() -> None:
    assert validate(two_level_policy()) == ()


def test_a_letter_without_a_template_is_reported_on_its_level_and_field() -> None:
    policy = two_level_policy()
    broken = replace(policy, levels=(policy.levels[0], replace(policy.levels[1], templates=())))
    problems = validate(broken)
    assert [(p.level, p.field) for p in problems] == [("letter", "templates.letter")]
    assert "level 'letter'" in str(problems[0]) and "templates.letter" in str(problems[0])


def test_a_level_without_trigger_unknown_charge_and_negative_amount_are_all_reported() -> None:
    policy = two_level_policy()
    bad = replace(
        policy.levels[1],
        after_previous_days=None,
        charges=("bribe",),
        min_amount=Decimal("-1"),
    )
    fields = {p.field for p in validate(replace(policy, levels=(policy.levels[0], bad)))}
    assert fields == {"after_due_days", "charges", "min_amount"}


def test_the_first_level_must_count_from_the_due_date() -> None:
    policy = two_level_policy()
    first = replace(policy.levels[0], after_due_days=None, after_previous_days=3)
    problems = validate(replace(policy, levels=(first, policy.levels[1])))
    assert [(p.level, p.field) for p in problems] == [("reminder", "after_due_days")]


def test_two_levels_with_one_name_and_a_bad_call_window_are_reported() -> None:
    policy = two_level_policy()
    twin = replace(policy.levels[1], name="reminder")
    limits = ContactLimits(call_window=CallWindow(time(21), time(8)))
    problems = validate(replace(policy, levels=(policy.levels[0], twin), limits=limits))
    assert {(p.level, p.field) for p in problems} == {
        ("reminder", "name"),
        (None, "limits.call_window"),
    }


def test_calls_are_allowed_from_eight_in_the_morning_until_nine_at_night() -> None:
    window = ContactLimits().call_window
    assert not window.allows(time(7, 59))
    assert window.allows(time(8, 0))
    assert window.allows(time(20, 59))
    assert not window.allows(time(21, 0))


def test_the_default_limit_is_seven_calls_in_seven_days() -> None:
    limits = ContactLimits()
    assert (limits.max_calls, limits.window_days) == (7, 7)


def test_level_template_lookup() -> None:
    level = two_level_policy().levels[0]
    assert level.template(Channel.EMAIL) == "informal_email"
    assert level.template(Channel.CALL) is None


def test_assignment_prefers_the_customers_own_policy_then_the_first_matching_rule() -> None:
    business, consumer, vip = (two_level_policy(n) for n in ("business", "consumer", "vip"))
    policies = (business, consumer, vip)
    rules = (
        AssignmentRule("vip", tag="key-account"),
        AssignmentRule("consumer", kind=CustomerKind.CONSUMER),
        AssignmentRule("business", country="FR"),
    )
    acme = Customer("C1", "Acme", country="FR")
    assert assign(acme, policies, rules) is business
    assert assign(replace(acme, tags=("key-account",)), policies, rules) is vip
    assert assign(replace(acme, kind=CustomerKind.CONSUMER), policies, rules) is consumer
    assert assign(replace(acme, policy="consumer", tags=("key-account",)), policies, rules) is (
        consumer
    )
    assert assign(replace(acme, country="DE"), policies, rules) is None
    index = PolicyIndex(policies, rules)
    assert index.for_customer(replace(acme, tags=("key-account",))) is vip
    assert index.for_customer(acme) is business


def test_default_rules_split_businesses_and_consumers() -> None:
    policies = (two_level_policy("business"), two_level_policy("consumer"))
    person = Customer("P1", "Jeanne", kind=CustomerKind.CONSUMER)
    firm = Customer("B1", "Acme")
    assert assign(person, policies) is policies[1]
    assert assign(firm, policies) is policies[0]
