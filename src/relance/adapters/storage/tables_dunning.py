"""The dunning tables: the action queue, the contact log, the pauses, flags and policies.

Customers and invoices are referred to by their business keys (reference, number), as the
core does, so a run loads what `decide` needs without joins; foreign keys on those keys
keep every row naming a customer, invoice or action the ledger has. Amounts are integer minor
units beside a currency, as everywhere else. What changes these rows is also appended
to the event log (`tables.events`), which is never rewritten.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
)

from relance.adapters.storage.tables import metadata, money

# The queue. `key` is the engine's natural key (customer, date, level, invoices), so a
# second run for the same date finds its proposals; `id` is what the user types.
dunning_actions = Table(
    "dunning_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    # indexed by ix_dunning_actions_customer_status, which it leads
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False),
    Column("policy", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("level_name", Text, nullable=False),
    Column("channels", JSON, nullable=False),  # Channel values (lists: `lists.py`)
    Column("invoice_numbers", JSON, nullable=False),  # list of invoice numbers
    Column("proposed_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("done_on", Date, nullable=True),
    Column("outcome", Text, nullable=False, default=""),
    Column("cancel_reason", String(32), nullable=True),
    Column("details", JSON, nullable=False),  # the proposal: templates, tone, balances, why…
    # The stage each invoice reaches with this step, beside `invoice_numbers`; NULL when
    # the step takes every invoice to the step's own level.
    Column("invoice_levels", JSON, nullable=True),
    Index("ix_dunning_actions_customer_status", "customer_ref", "status"),
    Index("ix_dunning_actions_status", "status"),
)

dunning_contacts = Table(
    "dunning_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("on", Date, nullable=False),
    Column("at_time", Time, nullable=True),  # the debtor's local time of a call, if known
    Column("channel", String(32), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("outcome", String(32), nullable=True),
    Column("note", Text, nullable=False, default=""),
    Column("action_key", Text, ForeignKey("dunning_actions.key"), nullable=True, index=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

disputes = Table(
    "disputes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_number", Text, ForeignKey("invoices.number"), nullable=False, index=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("opened", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("resolved", Date, nullable=True),
    Column("resolution", Text, nullable=False, default=""),
)

promises = Table(
    "promises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("made_on", Date, nullable=False),
    Column("due", Date, nullable=False),
    *money(),
    Column("note", Text, nullable=False, default=""),
)

payment_plans = Table(
    "payment_plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("invoice_numbers", JSON, nullable=False),
    Column("agreed_on", Date, nullable=False),
    Column("every", String(16), nullable=False),  # '1m', '14d': as the user typed it
)

plan_instalments = Table(
    "plan_instalments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("payment_plans.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("due", Date, nullable=False),
    *money(),
)

holds = Table(
    "holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("since", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("until", Date, nullable=True),
)

# Flags have stable keys: each is recorded once, the day it was first raised.
dunning_flags = Table(
    "dunning_flags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("message", Text, nullable=False),
    Column("invoice_number", Text, ForeignKey("invoices.number"), nullable=True, index=True),
    Column("raised_on", Date, nullable=False),
)

# Policies are stored as the TOML text a user imports and exports; none stored means the
# shipped defaults apply.
dunning_policies = Table(
    "dunning_policies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("toml", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Assignment rules, tried in `position` order; none stored means the default rules.
policy_rules = Table(
    "policy_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("policy", Text, nullable=False),
    Column("kind", String(16), nullable=True),
    Column("country", String(2), nullable=True),
    Column("tag", Text, nullable=True),
)

# One row per daily run: the business date it decided for, when it started and ended.
# A run takes this table first (a write on SQLite, an exclusive lock on PostgreSQL), so
# two runs never decide at once; the latest date is the one a run may not go back from.
dunning_runs = Table(
    "dunning_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("actor", Text, nullable=False, default=""),
)

# Legal action or insolvency proceedings against a customer, from `since` until `until`:
# no step of the daily run goes to a customer in one.
customer_proceedings = Table(
    "customer_proceedings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date, nullable=True),
    Column("note", Text, nullable=False, default=""),
)
