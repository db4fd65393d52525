"""Dunning policies: the ordered levels of the collection process and their rules.

A `Policy` is plain data: levels (when each step is due, by which channels, in which
tone, with which charges), the minimum gap between two steps, the contact limits and the
grace periods of promises and plans. `validate` returns problems that name the level and
the field; `assign` picks a customer's policy by explicit name or by rule.

The engine (`relance.core.engine`) reads policies; it never changes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from enum import StrEnum

from relance.core.fees import FeeRule
from relance.core.model import Customer, CustomerKind


class Channel(StrEnum):
    """How a step reaches the debtor.

    There is no SMS channel, on purpose (docs/law.md, "Contacting the debtor").
    """

    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    REGISTERED_LETTER = "registered_letter"
    AGENCY_HANDOFF = "agency_handoff"
    WRITE_OFF_REVIEW = "write_off_review"


# Channels that send a written document and so need a template; the others are tasks
# for the user (a call to make, a file to hand to an agency, a write-off to review).
WRITTEN_CHANNELS = frozenset({Channel.EMAIL, Channel.LETTER, Channel.REGISTERED_LETTER})
TASK_CHANNELS = frozenset({Channel.CALL, Channel.AGENCY_HANDOFF, Channel.WRITE_OFF_REVIEW})


class Tone(StrEnum):
    """The register of a step's wording, rising with the level."""

    COURTEOUS = "courteous"
    FIRM = "firm"
    FORMAL = "formal"


# Named hooks for the charges a level may add; their amounts come from the law module.
CHARGE_HOOKS = frozenset({"interest", "indemnity", "fee"})


class Grouping(StrEnum):
    """How a customer's invoices at different stages share a step.

    CUSTOMER: one letter per customer; the step covers the invoices at its own stage and
    lists the others apart, as also due, each at its own stage (a task without a letter,
    such as an agency handoff, carries only its own invoices). STAGE: one step per stage;
    each letter covers only the invoices at its stage.
    """

    CUSTOMER = "customer"
    STAGE = "stage"


@dataclass(frozen=True, slots=True)
class CallWindow:
    """Local hours in which a call task may be carried out.

    Default 08:00-21:00: US Regulation F presumes a call before 8 a.m. or after 9 p.m.
    inconvenient (12 CFR 1006.6(b)(1), see docs/law.md); a sound rule elsewhere too.
    """

    start: time = time(8, 0)
    end: time = time(21, 0)

    def allows(self, local_time: time) -> bool:
        """True when a call at `local_time` (the debtor's local time) is within the window."""
        return self.start <= local_time < self.end


@dataclass(frozen=True, slots=True)
class ContactLimits:
    """How often a customer may be contacted.

    Defaults after US Regulation F, 12 CFR 1006.14(b)(2) (docs/law.md): more than 7
    calls within 7 consecutive days, or a call within 7 days after a telephone
    conversation, is presumed harassment. `max_contacts` optionally caps every channel.
    """

    max_calls: int = 7
    window_days: int = 7
    quiet_after_conversation_days: int = 7
    max_contacts: int | None = None
    call_window: CallWindow = field(default_factory=CallWindow)


@dataclass(frozen=True, slots=True)
class Level:
    """One step of the process.

    The step is due when every trigger given is met ("at least N days", never "exactly"):
    `after_due_days` counts from the due date of the customer's oldest overdue invoice;
    `after_previous_days` counts from the day the previous level was carried out, or from
    the customer's last response if that came later (a response restarts the wait).
    """

    name: str
    channels: tuple[Channel, ...]
    templates: tuple[tuple[Channel, str], ...] = ()
    after_due_days: int | None = None
    after_previous_days: int | None = None
    tone: Tone = Tone.COURTEOUS
    needs_approval: bool = True
    min_amount: Decimal = Decimal(0)
    charges: tuple[str, ...] = ()
    # a fee this level charges once per invoice, fixed or a percentage of the amount chased,
    # between businesses only (docs/law.md, "Fees")
    fee: FeeRule | None = None
    recalls_previous: bool = False  # the wording recalls the previous step and its date
    formal_notice: bool = False  # a mise en demeure in France
    # the customer's statement of account goes with the letter (extra pages) and the
    # e-mail (a second PDF attached): docs/statement.md
    attach_statement: bool = False

    def template(self, channel: Channel) -> str | None:
        """The template key for `channel`, or None for a task without a document."""
        for key_channel, key in self.templates:
            if key_channel is channel:
                return key
        return None


@dataclass(frozen=True, slots=True)
class Policy:
    """An ordered list of levels, with the rules that hold across them."""

    name: str
    levels: tuple[Level, ...]
    description: str = ""
    min_gap_days: int = 7
    promise_grace_days: int = 3
    plan_grace_days: int = 5
    limits: ContactLimits = field(default_factory=ContactLimits)
    grouping: Grouping = Grouping.CUSTOMER

    def level_index(self, name: str) -> int:
        """Position of the level called `name` (ValueError when unknown)."""
        for index, level in enumerate(self.levels):
            if level.name == name:
                return index
        raise ValueError(f"policy {self.name!r} has no level {name!r}")


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """Something wrong in a policy; `level` is None for a policy-wide field."""

    policy: str
    level: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"level {self.level!r}, " if self.level is not None else ""
        return f"policy {self.policy!r}: {where}field {self.field!r}: {self.message}"


def validate(policy: Policy) -> tuple[PolicyProblem, ...]:
    """Every problem in `policy`, each naming the level and field; empty when sound."""
    problems: list[PolicyProblem] = []

    def report(level: str | None, name: str, message: str) -> None:
        problems.append(PolicyProblem(policy.name, level, name, message))

    if not policy.name.strip():
        report(None, "name", "a policy needs a name")
    if not policy.levels:
        report(None, "levels", "a policy needs at least one level")
    for name, value in (
        ("min_gap_days", policy.min_gap_days),
        ("promise_grace_days", policy.promise_grace_days),
        ("plan_grace_days", policy.plan_grace_days),
    ):
        if value < 0:
            report(None, name, "must not be negative")
    limits = policy.limits
    if limits.max_calls < 0:
        report(None, "limits.max_calls", "must not be negative")
    if limits.window_days < 1:
        report(None, "limits.window_days", "must be at least 1")
    if limits.quiet_after_conversation_days < 0:
        report(None, "limits.quiet_after_conversation_days", "must not be negative")
    if limits.max_contacts is not None and limits.max_contacts < 1:
        report(None, "limits.max_contacts", "must be at least 1 when given")
    if limits.call_window.start >= limits.call_window.end:
        report(None, "limits.call_window", "the start must come before the end")

    seen: set[str] = set()
    for position, level in enumerate(policy.levels):
        label = level.name or f"#{position + 1}"
        if not level.name.strip():
            report(label, "name", "a level needs a name")
        elif level.name in seen:
            report(label, "name", "two levels have this name")
        seen.add(level.name)
        problems.extend(_level_problems(policy.name, label, position, level))
    return tuple(problems)


def _level_problems(policy: str, label: str, position: int, level: Level) -> list[PolicyProblem]:
    problems: list[PolicyProblem] = []

    def report(name: str, message: str) -> None:
        problems.append(PolicyProblem(policy, label, name, message))

    if not level.channels:
        report("channels", "a level needs at least one channel")
    if len(set(level.channels)) != len(level.channels):
        report("channels", "a channel is listed twice")
    templated = {channel for channel, _ in level.templates}
    for channel in level.channels:
        if channel in WRITTEN_CHANNELS and channel not in templated:
            report(f"templates.{channel}", "a written channel needs a template key")
    for channel, key in level.templates:
        if channel not in level.channels:
            report(f"templates.{channel}", "a template for a channel the level does not use")
        if not key.strip():
            report(f"templates.{channel}", "an empty template key")
    if level.after_due_days is None and level.after_previous_days is None:
        report("after_due_days", "a level needs a trigger: after_due_days or after_previous_days")
    if position == 0 and level.after_due_days is None:
        report("after_due_days", "the first level is triggered by days after the due date")
    for name, value in (
        ("after_due_days", level.after_due_days),
        ("after_previous_days", level.after_previous_days),
    ):
        if value is not None and value < 0:
            report(name, "must not be negative")
    if level.min_amount < 0:
        report("min_amount", "must not be negative")
    for charge in level.charges:
        if charge not in CHARGE_HOOKS:
            report("charges", f"unknown charge {charge!r}; known: {sorted(CHARGE_HOOKS)}")
    if level.recalls_previous and position == 0:
        report("recalls_previous", "the first level has no previous level to recall")
    if level.attach_statement and not WRITTEN_CHANNELS.intersection(level.channels):
        report("attach_statement", "a statement goes with a letter or an e-mail: add one")
    return problems


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """Give `policy` to customers matching every criterion set (None matches anything)."""

    policy: str
    kind: CustomerKind | None = None
    country: str | None = None
    tag: str | None = None

    def matches(self, customer: Customer) -> bool:
        """True when `customer` meets every criterion of the rule."""
        return self.matches_shape(customer.kind, customer.country, customer.tags)

    def matches_shape(self, kind: CustomerKind, country: str, tags: tuple[str, ...]) -> bool:
        """True when a customer of this kind, country and tags meets every criterion."""
        return (
            (self.kind is None or kind is self.kind)
            and (self.country is None or country.upper() == self.country.upper())
            and (self.tag is None or self.tag in tags)
        )


# The defaults: the business policy for businesses, the consumer policy for consumers.
DEFAULT_RULES: tuple[AssignmentRule, ...] = (
    AssignmentRule("consumer", kind=CustomerKind.CONSUMER),
    AssignmentRule("business", kind=CustomerKind.BUSINESS),
)


def assign(
    customer: Customer,
    policies: Sequence[Policy],
    rules: Iterable[AssignmentRule] = DEFAULT_RULES,
) -> Policy | None:
    """The policy that applies to `customer`: its explicit one by name, else the first
    rule that matches (rules are tried in order); None when nothing applies."""
    return _assign_shape(
        customer.policy, customer.kind, customer.country, customer.tags, policies, rules
    )


def _assign_shape(
    explicit: str | None,
    kind: CustomerKind,
    country: str,
    tags: tuple[str, ...],
    policies: Sequence[Policy],
    rules: Iterable[AssignmentRule],
) -> Policy | None:
    by_name = {policy.name: policy for policy in policies}
    if explicit is not None:
        return by_name.get(explicit)
    for rule in rules:
        if rule.matches_shape(kind, country, tags) and rule.policy in by_name:
            return by_name[rule.policy]
    return None


class PolicyIndex:
    """Assignment done once per (explicit policy, kind, country, tags) shape, so a run
    over 200,000 customers does not walk the rules for each one."""

    def __init__(
        self, policies: Sequence[Policy], rules: Iterable[AssignmentRule] = DEFAULT_RULES
    ) -> None:
        self._policies = tuple(policies)
        self._rules = tuple(rules)
        self._cache: dict[tuple[str | None, str, str, tuple[str, ...]], Policy | None] = {}

    def for_customer(self, customer: Customer) -> Policy | None:
        """Same answer as `assign`, memoized by what the rules look at."""
        return self.for_shape(customer.policy, customer.kind, customer.country, customer.tags)

    def for_shape(
        self, explicit: str | None, kind: CustomerKind, country: str, tags: tuple[str, ...]
    ) -> Policy | None:
        """The policy of a customer with this explicit policy (or None), kind, country and
        tags: what the rules look at, read without a whole `Customer`."""
        key = (explicit, kind.value, country, tags)
        try:
            return self._cache[key]
        except KeyError:
            found = _assign_shape(explicit, kind, country, tags, self._policies, self._rules)
            self._cache[key] = found
            return found
