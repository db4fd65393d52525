"""Policies as TOML: the shipped defaults, a round trip, and errors naming file, level, field."""

from __future__ import annotations

from pathlib import Path

from relance.adapters.policy_toml import (
    default_policies,
    policy_from_toml,
    policy_to_toml,
)
from relance.core.policy import Channel, Tone, validate


def test_the_shipped_policies_follow_the_seeds_process() -> None:
    policies = {p.name: p for p in default_policies()}
    assert set(policies) == {"business", "consumer"}
    for kind, policy in policies.items():
        assert validate(policy) == ()
        names = [level.name for level in policy.levels]
        assert names == ["informal", "letter1", "letter2", "letter3", "final", "handoff"]
        informal, letter1, letter2, letter3, final, handoff = policy.levels
        assert informal.channels == (Channel.CALL, Channel.EMAIL)
        assert informal.after_due_days == 1 and informal.tone is Tone.COURTEOUS
        assert letter1.after_due_days == 14  # no later than 14 days after the due date
        assert letter1.template(Channel.LETTER) == f"{kind}/letter1"
        assert letter2.recalls_previous and Channel.CALL in letter2.channels
        assert letter3.tone is Tone.FIRM and letter3.after_previous_days == 14
        assert final.channels[0] is Channel.REGISTERED_LETTER and final.formal_notice
        assert final.template(Channel.REGISTERED_LETTER) == f"{kind}/letter4"
        assert set(handoff.channels) == {Channel.AGENCY_HANDOFF, Channel.WRITE_OFF_REVIEW}
        assert policy.limits.max_calls == 7
    # The 40 EUR indemnity never applies to consumers (C. com. L441-10, D441-5).
    assert all("indemnity" not in level.charges for level in policies["consumer"].levels)
    assert "indemnity" in policies["business"].levels[2].charges


def test_a_policy_written_and_read_back_is_the_same(tmp_path: Path) -> None:
    for policy in default_policies():
        path = tmp_path / f"{policy.name}.toml"
        path.write_text(policy_to_toml(policy), encoding="utf-8")
        read, problems = policy_from_toml(path.read_text(encoding="utf-8"), str(path))
        assert problems == ()
        assert read == policy


BROKEN = """
name = "custom"

[[levels]]
name = "first"
after_due_days = 3
channels = ["sms", "email"]

[[levels]]
name = "second"
after_previous_days = "ten"
channels = ["letter"]
tone = "rude"
templates = { letter = "business/letter1" }
"""


def test_errors_name_the_file_the_level_and_the_field() -> None:
    policy, problems = policy_from_toml(BROKEN, "custom.toml")
    assert policy is None
    found = {(p.level, p.field) for p in problems}
    assert found == {
        ("first", "channels"),  # SMS is never a channel
        ("first", "templates.email"),  # an e-mail needs a template
        ("second", "after_previous_days"),
        ("second", "tone"),
    }
    messages = [str(p) for p in problems]
    assert all(m.startswith("custom.toml: ") for m in messages)
    assert any("SMS" in m and "level 'first'" in m for m in messages)


def test_invalid_toml_and_float_amounts_are_reported() -> None:
    _, problems = policy_from_toml("name = ", "x.toml")
    assert [p.field for p in problems] == ["toml"]
    text = policy_to_toml(default_policies()[0]).replace(
        'name = "letter1"', 'name = "letter1"\nmin_amount = 10.5'
    )
    _, problems = policy_from_toml(text, "y.toml")
    assert [(p.level, p.field) for p in problems] == [("letter1", "min_amount")]


def test_unknown_fields_are_reported_rather_than_ignored() -> None:
    text = policy_to_toml(default_policies()[0]).replace(
        'name = "letter1"', 'name = "letter1"\nafter_days = 3'
    )
    _, problems = policy_from_toml(text, "z.toml")
    assert [(p.level, p.field) for p in problems] == [("letter1", "after_days")]
