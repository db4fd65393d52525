"""Dunning policies as TOML: read (with problems naming the file, level and field),
write, and the default policies shipped in `relance/policies/`.

The TOML shape mirrors `relance.core.policy.Policy`: policy-wide keys, a `[limits]`
table and one `[[levels]]` table per level, with `templates` a table from channel to key.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import tomli_w

from relance.core.fees import FeeRule, parse_fee
from relance.core.policy import (
    CallWindow,
    Channel,
    ContactLimits,
    Grouping,
    Level,
    Policy,
    Tone,
    validate,
)


@dataclass(frozen=True, slots=True)
class PolicyFileProblem:
    """A problem found reading a policy file; `level` is None for a policy-wide field."""

    source: str
    level: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"level {self.level!r}, " if self.level is not None else ""
        return f"{self.source}: {where}field {self.field!r}: {self.message}"


_TRIGGERS = {"after_due_days": "trigger", "after_previous_days": "trigger"}


class _Reader:
    """Collects problems while turning TOML values into typed ones."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[PolicyFileProblem] = []

    def report(self, level: str | None, name: str, message: str) -> None:
        self.problems.append(PolicyFileProblem(self.source, level, name, message))

    def integer(
        self, table: dict[str, Any], key: str, level: str | None, default: int | None
    ) -> int | None:
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(level, key, f"expected a whole number of days, got {value!r}")
            return default
        return value

    def boolean(self, table: dict[str, Any], key: str, level: str | None, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.report(level, key, f"expected true or false, got {value!r}")
            return default
        return value

    def strings(self, table: dict[str, Any], key: str, level: str | None) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(level, key, f"expected a list of strings, got {value!r}")
            return []
        return list(value)

    def channel(self, value: str, level: str | None, key: str) -> Channel | None:
        if value.lower() == "sms":
            self.report(level, key, "SMS is not a channel: debtors are never sent text messages")
            return None
        try:
            return Channel(value)
        except ValueError:
            known = ", ".join(c.value for c in Channel)
            self.report(level, key, f"unknown channel {value!r}; known: {known}")
            return None

    def clock(self, value: object, key: str) -> time | None:
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            self.report(None, key, f"expected a time like 08:00, got {value!r}")
            return None


def _level(reader: _Reader, table: dict[str, Any], position: int) -> Level | None:
    name = table.get("name")
    label = name if isinstance(name, str) and name else f"#{position + 1}"
    if not isinstance(name, str) or not name:
        reader.report(label, "name", "a level needs a name")
    channels = [
        found
        for raw in reader.strings(table, "channels", label)
        if (found := reader.channel(raw, label, "channels")) is not None
    ]
    templates = _templates(reader, table, label)
    tone = _tone(reader, table, label)
    min_amount = _min_amount(reader, table, label)
    for key in table:
        if key not in _LEVEL_KEYS:
            reader.report(label, key, "unknown field")
    return Level(
        name=name if isinstance(name, str) else "",
        channels=tuple(channels),
        templates=tuple(templates),
        after_due_days=reader.integer(table, "after_due_days", label, None),
        after_previous_days=reader.integer(table, "after_previous_days", label, None),
        tone=tone,
        needs_approval=reader.boolean(table, "needs_approval", label, True),
        min_amount=min_amount,
        charges=tuple(reader.strings(table, "charges", label)),
        fee=_fee(reader, table, label),
        recalls_previous=reader.boolean(table, "recalls_previous", label, False),
        formal_notice=reader.boolean(table, "formal_notice", label, False),
        attach_statement=reader.boolean(table, "attach_statement", label, False),
    )


_LEVEL_KEYS = frozenset(
    {
        "name",
        "channels",
        "templates",
        "tone",
        "min_amount",
        "after_due_days",
        "after_previous_days",
        "needs_approval",
        "charges",
        "fee",
        "recalls_previous",
        "formal_notice",
        "attach_statement",
    }
)


def _templates(reader: _Reader, table: dict[str, Any], label: str) -> list[tuple[Channel, str]]:
    """The level's template key per channel (`templates = { letter = "..." }`)."""
    templates: list[tuple[Channel, str]] = []
    raw_templates = table.get("templates", {})
    if not isinstance(raw_templates, dict):
        reader.report(label, "templates", "expected a table from channel to template key")
        raw_templates = {}
    for raw_channel, key in raw_templates.items():
        channel = reader.channel(raw_channel, label, f"templates.{raw_channel}")
        if channel is None:
            continue
        if not isinstance(key, str):
            reader.report(label, f"templates.{raw_channel}", f"expected a key, got {key!r}")
            continue
        templates.append((channel, key))
    return templates


def _tone(reader: _Reader, table: dict[str, Any], label: str) -> Tone:
    """The level's tone, courteous unless it names another."""
    tone_text = table.get("tone", Tone.COURTEOUS.value)
    try:
        return Tone(tone_text)
    except ValueError:
        known = ", ".join(t.value for t in Tone)
        reader.report(label, "tone", f"unknown tone {tone_text!r}; known: {known}")
        return Tone.COURTEOUS


def _min_amount(reader: _Reader, table: dict[str, Any], label: str) -> Decimal:
    """The least amount owed for the level to be proposed (0 when not given)."""
    raw_amount = table.get("min_amount", "0")
    try:
        # Strings or integers only: a TOML float would bring binary rounding into money.
        if isinstance(raw_amount, float | bool):
            raise InvalidOperation
        return Decimal(str(raw_amount))
    except InvalidOperation:
        reader.report(label, "min_amount", f"expected an amount as a string, got {raw_amount!r}")
        return Decimal(0)


def _fee(reader: _Reader, table: dict[str, Any], label: str | None) -> FeeRule | None:
    """A level's fee: "10" (fixed, in the invoice's currency) or "15 %" of the amount chased."""
    raw = table.get("fee")
    if raw is None:
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        reader.report(label, "fee", f'expected a fee as a string ("10" or "15 %"), got {raw!r}')
        return None
    try:
        return parse_fee(str(raw))
    except ValueError as exc:
        reader.report(label, "fee", str(exc))
        return None


def _limits(reader: _Reader, table: object) -> ContactLimits:
    if not isinstance(table, dict):
        reader.report(None, "limits", "expected a table")
        return ContactLimits()
    defaults = ContactLimits()
    window = defaults.call_window
    raw_window = table.get("call_window")
    if raw_window is not None:
        if isinstance(raw_window, list) and len(raw_window) == 2:
            start = reader.clock(raw_window[0], "limits.call_window")
            end = reader.clock(raw_window[1], "limits.call_window")
            if start is not None and end is not None:
                window = CallWindow(start, end)
        else:
            reader.report(
                None, "limits.call_window", "expected [start, end], e.g. ['08:00', '21:00']"
            )
    max_contacts = reader.integer(table, "max_contacts", None, None)
    return ContactLimits(
        max_calls=reader.integer(table, "max_calls", None, defaults.max_calls) or 0,
        window_days=reader.integer(table, "window_days", None, defaults.window_days) or 0,
        quiet_after_conversation_days=reader.integer(
            table, "quiet_after_conversation_days", None, defaults.quiet_after_conversation_days
        )
        or 0,
        max_contacts=max_contacts,
        call_window=window,
    )


def policy_from_toml(
    text: str, source: str = "<policy>"
) -> tuple[Policy | None, tuple[PolicyFileProblem, ...]]:
    """Read one policy from TOML text. Returns the policy (None when it cannot be used)
    and every problem found, each naming `source`, the level and the field."""
    reader = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reader.report(None, "toml", f"not valid TOML: {exc}")
        return None, tuple(reader.problems)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        reader.report(None, "name", "a policy needs a name")
        name = ""
    raw_levels = data.get("levels", [])
    if not isinstance(raw_levels, list) or not all(isinstance(t, dict) for t in raw_levels):
        reader.report(None, "levels", "expected [[levels]] tables")
        raw_levels = []
    levels = [
        level
        for position, table in enumerate(raw_levels)
        if (level := _level(reader, table, position)) is not None
    ]
    for key in data:
        if key not in {
            "name",
            "description",
            "min_gap_days",
            "promise_grace_days",
            "plan_grace_days",
            "limits",
            "levels",
            "grouping",
        }:
            reader.report(None, key, "unknown field")
    description = data.get("description", "")
    policy = Policy(
        name=name,
        levels=tuple(levels),
        description=description if isinstance(description, str) else "",
        min_gap_days=reader.integer(data, "min_gap_days", None, 7) or 0,
        promise_grace_days=reader.integer(data, "promise_grace_days", None, 3) or 0,
        plan_grace_days=reader.integer(data, "plan_grace_days", None, 5) or 0,
        limits=_limits(reader, data.get("limits", {})),
        grouping=_grouping(reader, data.get("grouping", Grouping.CUSTOMER.value)),
    )
    problems = list(reader.problems)
    reported = {(p.level, _TRIGGERS.get(p.field, p.field)) for p in problems}
    for problem in validate(policy):
        # A field already reported while reading is not reported twice; a trigger that
        # could not be read is not reported again as a missing trigger.
        if (problem.level, _TRIGGERS.get(problem.field, problem.field)) not in reported:
            problems.append(
                PolicyFileProblem(source, problem.level, problem.field, problem.message)
            )
    return (None if problems else policy), tuple(problems)


def _grouping(reader: _Reader, value: object) -> Grouping:
    try:
        return Grouping(str(value))
    except ValueError:
        known = ", ".join(g.value for g in Grouping)
        reader.report(None, "grouping", f"unknown grouping {value!r}; known: {known}")
        return Grouping.CUSTOMER


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The TOML-ready form of `policy` (amounts as strings, times as HH:MM)."""
    limits: dict[str, Any] = {
        "max_calls": policy.limits.max_calls,
        "window_days": policy.limits.window_days,
        "quiet_after_conversation_days": policy.limits.quiet_after_conversation_days,
        "call_window": [
            policy.limits.call_window.start.strftime("%H:%M"),
            policy.limits.call_window.end.strftime("%H:%M"),
        ],
    }
    if policy.limits.max_contacts is not None:
        limits["max_contacts"] = policy.limits.max_contacts
    levels: list[dict[str, Any]] = []
    for level in policy.levels:
        table: dict[str, Any] = {"name": level.name}
        if level.after_due_days is not None:
            table["after_due_days"] = level.after_due_days
        if level.after_previous_days is not None:
            table["after_previous_days"] = level.after_previous_days
        table["channels"] = [channel.value for channel in level.channels]
        table["tone"] = level.tone.value
        table["needs_approval"] = level.needs_approval
        if level.min_amount:
            table["min_amount"] = str(level.min_amount)
        if level.charges:
            table["charges"] = list(level.charges)
        if level.fee is not None:
            table["fee"] = str(level.fee)
        if level.recalls_previous:
            table["recalls_previous"] = True
        if level.formal_notice:
            table["formal_notice"] = True
        if level.attach_statement:
            table["attach_statement"] = True
        if level.templates:
            table["templates"] = {channel.value: key for channel, key in level.templates}
        levels.append(table)
    return {
        "name": policy.name,
        "description": policy.description,
        "min_gap_days": policy.min_gap_days,
        "promise_grace_days": policy.promise_grace_days,
        "plan_grace_days": policy.plan_grace_days,
        "grouping": policy.grouping.value,
        "limits": limits,
        "levels": levels,
    }


def policy_to_toml(policy: Policy) -> str:
    """`policy` as TOML text that `policy_from_toml` reads back to an equal policy."""
    return tomli_w.dumps(policy_to_dict(policy))


def policy_from_dict(
    data: dict[str, Any], source: str
) -> tuple[Policy | None, tuple[PolicyFileProblem, ...]]:
    """`policy_from_toml` on data shaped as `policy_to_dict` gives it (a form's edits
    applied): read back through TOML, so an edit is checked exactly as a file is."""
    return policy_from_toml(tomli_w.dumps(data), source)


@functools.cache  # read once a process: a send checks every action against them
def default_policies() -> tuple[Policy, ...]:
    """The policies shipped with relance (business, consumer), sorted by name.

    A shipped file with a problem is a bug, so it raises ValueError naming it.
    """
    folder = resources.files("relance") / "policies"
    found: list[Policy] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        policy, problems = policy_from_toml(
            entry.read_text(encoding="utf-8"), f"relance/policies/{entry.name}"
        )
        if policy is None:
            raise ValueError("; ".join(str(p) for p in problems))
        found.append(policy)
    return tuple(found)
