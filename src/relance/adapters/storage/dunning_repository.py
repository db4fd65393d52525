"""Reading and writing the dunning tables: the queue, contacts, pauses, flags, policies.

Like `repository`, every function takes an open `Connection`; the service decides where a
transaction begins and ends. The loaders for a run (`overdue_by_customer`,
`customers_for_run`, `unapplied_credit`) move only what the engine needs: the overdue open
invoices with their open balance, grouped by customer, the customers concerned, and each
customer's credit summed by the database. The biggest reads and writes of a run go through
the driver (`driver_rows`, `insert_many`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Select,
    Table,
    Time,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)

from relance.adapters.policy_toml import default_policies, policy_from_toml, policy_to_toml
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.engine import Action, ActionStatus, Flag, InvoiceStep, OverdueItem, Proposal
from relance.core.model import Address, Allocation, AllocationKind, Customer, CustomerKind
from relance.core.money import Money, minor_units
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.plans import Instalment, PaymentPlan
from relance.core.policy import DEFAULT_RULES, AssignmentRule, CallWindow, Channel, Policy

CHUNK = 5000

# -- through the driver: the big reads and writes of a run ------------------------
#
# A run reads a million overdue invoices and writes a queue entry and an event per
# customer. SQLAlchemy's per-row work (Row objects, result and bind processing) is most
# of that time, so these few statements are compiled by SQLAlchemy for the connection's
# dialect, then executed on the DBAPI cursor of the same connection (same transaction);
# values are converted here, once per distinct value where they repeat.


def _driver_params(conn: Connection, compiled: Any) -> Any:
    """The bound values of a compiled statement, as the driver takes them."""
    dialect = conn.dialect
    values = compiled.construct_params()
    processed = {}
    for name, value in values.items():
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        processed[name] = processor(value) if processor is not None else value
    if compiled.positional:
        return tuple(processed[name] for name in compiled.positiontup)
    return processed


def driver_rows(
    conn: Connection, query: Select[Any], batch: int = 20_000
) -> Iterator[Sequence[Any]]:
    """The rows of `query` as the DBAPI driver returns them: no type processing, so dates
    come back as text on SQLite (see `DayReader`). Read `batch` rows at a time."""
    compiled = query.compile(dialect=conn.dialect)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), _driver_params(conn, compiled))
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()


def insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert `rows` (values in the order of `columns`, as Python values) with the
    driver's executemany, each value converted by its column's type as SQLAlchemy would
    (dates, JSON), in chunks of CHUNK rows."""
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    converters = [_converter(table.c[name].type, dialect) for name in columns]
    to_convert = [(n, convert) for n, convert in enumerate(converters) if convert is not _same]
    order = None
    if compiled.positional and compiled.positiontup is not None:
        order = [columns.index(name) for name in compiled.positiontup]
        if order == list(range(len(columns))):
            order = None  # already in the statement's order
    sql = str(compiled)
    chunk: list[Any] = []
    for row in rows:
        values = list(row)
        for n, convert in to_convert:
            values[n] = convert(values[n])
        if not compiled.positional:
            chunk.append(dict(zip(columns, values, strict=True)))
        elif order is None:
            chunk.append(tuple(values))
        else:
            chunk.append(tuple([values[n] for n in order]))
        if len(chunk) >= CHUNK:
            conn.exec_driver_sql(sql, chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, chunk)


def _same(value: Any) -> Any:
    return value


# SQLite keeps JSON as text: what SQLAlchemy's processor would write (json.dumps), made
# without its layers of calls and without the check for cycles (plain data here).
_JSON_TEXT = json.JSONEncoder(check_circular=False).encode


def _converter(column_type: Any, dialect: Any) -> Callable[[Any], Any]:
    """The column type's bind processor; for dates and times, remembered per value (a
    run writes the same day or instant in every row); JSON text made directly on SQLite."""
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return _same
    if isinstance(column_type, JSON) and dialect.name == "sqlite":
        return lambda value: processor(value) if value is None else _JSON_TEXT(value)
    if not isinstance(column_type, Date | DateTime | Time):
        return cast(Callable[[Any], Any], processor)
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = processor(value)
            return converted

    return convert


class DayReader:
    """Dates from driver values: ISO text on SQLite, `date` elsewhere. One `date` object
    per distinct day, shared by every row that has it (a million rows hold a few
    hundred distinct due dates)."""

    def __init__(self) -> None:
        self._days: dict[Any, date] = {}

    def __call__(self, value: Any) -> date:
        day = self._days.get(value)
        if day is None:
            day = value if isinstance(value, date) else date.fromisoformat(value)
            self._days[value] = day
        return day


def overdue_by_customer(
    conn: Connection, as_of: date, customer_ref: str | None = None
) -> dict[str, list[OverdueItem]]:
    """Each customer's invoices past due on `as_of` (and issued by then) with something
    still owed: (number, due date, currency, open balance), the shape `decide` takes as
    `overdue`."""
    inv, cust, alloc = t.invoices, t.customers, t.allocations
    refs_query = select(cust.c.id, cust.c.ref)
    if customer_ref is not None:
        refs_query = refs_query.where(cust.c.ref == customer_ref)
    refs: dict[int, str] = {id_: ref for id_, ref in driver_rows(conn, refs_query)}
    # Three plain reads (customers' references, sums allocated by `as_of`, invoices past
    # due) and the subtraction here: SQLite reads them faster than one join on a grouped
    # subquery, and only invoices with an allocation have a sum to look up.
    invoices_query = select(
        inv.c.customer_id, inv.c.id, inv.c.number, inv.c.due_date, inv.c.currency,
        inv.c.amount_minor,
    ).where(inv.c.issue_date <= as_of, inv.c.due_date < as_of)  # fmt: skip
    allocated_query = (
        select(alloc.c.invoice_id, func.sum(alloc.c.amount_minor))
        .where(alloc.c.date <= as_of)
        .group_by(alloc.c.invoice_id)
    )
    if customer_ref is not None:
        if not refs:
            return {}
        (customer_id,) = refs
        invoices_query = invoices_query.where(inv.c.customer_id == customer_id)
        allocated_query = allocated_query.where(
            alloc.c.invoice_id.in_(select(inv.c.id).where(inv.c.customer_id == customer_id))
        )
    allocated = {invoice_id: int(paid) for invoice_id, paid in driver_rows(conn, allocated_query)}
    # The loop below runs once per overdue invoice: lookups are inlined, and each distinct
    # due date, currency and reference is made once and shared by the rows that have it.
    days: dict[Any, date] = {}
    currencies: dict[str, tuple[str, int]] = {}  # the currency and its minor-unit exponent
    found: dict[str, list[OverdueItem]] = {}
    by_id: dict[int, list[OverdueItem]] = {}
    for customer_id, invoice_id, number, due, currency_text, amount in driver_rows(
        conn, invoices_query
    ):
        paid = allocated.get(invoice_id)
        owed = amount if paid is None else amount - paid
        if owed <= 0:
            continue
        day = days.get(due)
        if day is None:
            day = days[due] = due if isinstance(due, date) else date.fromisoformat(due)
        known = currencies.get(currency_text)
        if known is None:
            known = currencies[currency_text] = (currency_text, -minor_units(currency_text))
        # An integer count of minor units scaled by the exponent is exact: no rounding.
        item = (number, day, known[0], Decimal(owed).scaleb(known[1]))
        mine = by_id.get(customer_id)
        if mine is None:
            by_id[customer_id] = found[refs[customer_id]] = [item]
        else:
            mine.append(item)
    return found


_CUSTOMER_COLUMNS = (
    "ref", "name", "kind", "country", "language", "address_lines", "postal_code", "city",
    "email", "phone", "credit_limit_minor", "credit_limit_currency", "tags", "hold_reason",
    "do_not_contact", "registration_id", "vat_number", "ibans", "policy", "created",
)  # fmt: skip


def _listed(text: str) -> tuple[str, ...]:
    """A comma-separated column as a tuple, as `repository` reads it (mostly empty)."""
    return tuple(filter(None, text.split(","))) if text else ()


def customers_for_run(conn: Connection, refs: Collection[str]) -> list[Customer]:
    """The customers among `refs`, as `repository.load_customers` makes them, read
    through the driver (a run needs every customer with an overdue invoice)."""
    c = t.customers.c
    query = select(*(c[name] for name in _CUSTOMER_COLUMNS)).order_by(c.ref)
    day = DayReader()
    kinds = {kind.value: kind for kind in CustomerKind}
    no_address: dict[str, Address] = {}  # most rows of a big ledger share an empty address
    found = []
    for row in driver_rows(conn, query):
        (ref, name, kind, country, language, lines, postal_code, city, email, phone,
         limit_minor, limit_currency, tags, hold_reason, do_not_contact, registration_id,
         vat_number, ibans, policy, created) = row  # fmt: skip
        if ref not in refs:
            continue
        if not lines and not postal_code and not city:
            address = no_address.get(country)
            if address is None:
                address = no_address[country] = Address((), "", "", country)
        else:
            address = Address(tuple(filter(None, lines.split("\n"))), postal_code, city, country)
        found.append(
            Customer(
                ref, name, kinds[kind], country, language, address, email, phone,
                None if limit_minor is None else Money.from_minor(limit_minor, limit_currency),
                _listed(tags), hold_reason, bool(do_not_contact),
                registration_id, vat_number, _listed(ibans), policy,
                None if created is None else day(created),
            )
        )  # fmt: skip
    return found


def unapplied_credit(
    conn: Connection, as_of: date, customer_ref: str | None = None
) -> dict[str, dict[str, Decimal]]:
    """Each customer's payments and credit notes received by `as_of` and not yet
    allocated, per currency (only positive amounts are kept)."""
    minor: dict[tuple[str, str], int] = {}

    def add(rows: Iterable[Any], sign: int) -> None:
        for ref, currency, amount in rows:
            minor[(ref, currency)] = minor.get((ref, currency), 0) + sign * int(amount)

    cust = t.customers
    for source, date_col, key_col, kind in (
        (t.payments, t.payments.c.date, t.payments.c.key, AllocationKind.PAYMENT),
        (t.credit_notes, t.credit_notes.c.date, t.credit_notes.c.number,
         AllocationKind.CREDIT_NOTE),
    ):  # fmt: skip
        received = (
            select(cust.c.ref, source.c.currency, func.sum(source.c.amount_minor))
            .join(cust, cust.c.id == source.c.customer_id)
            .where(date_col <= as_of)
            .group_by(cust.c.ref, source.c.currency)
        )
        used = (
            select(cust.c.ref, t.allocations.c.currency, func.sum(t.allocations.c.amount_minor))
            .select_from(t.allocations)
            .join(source, key_col == t.allocations.c.source)
            .join(cust, cust.c.id == source.c.customer_id)
            .where(and_(t.allocations.c.kind == kind.value, t.allocations.c.date <= as_of))
            .group_by(cust.c.ref, t.allocations.c.currency)
        )
        if customer_ref is not None:
            received = received.where(cust.c.ref == customer_ref)
            used = used.where(cust.c.ref == customer_ref)
        add(conn.execute(received), 1)
        add(conn.execute(used), -1)
    credit: dict[str, dict[str, Decimal]] = {}
    for (ref, currency), amount in minor.items():
        if amount > 0:
            credit.setdefault(ref, {})[currency] = Decimal(amount).scaleb(-minor_units(currency))
    return credit


# -- the queue --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueuedAction:
    """A row of the queue: the engine's action, its short id and the proposal's details."""

    id: int
    action: Action
    details: Mapping[str, Any]
    outcome: str = ""
    cancel_reason: str | None = None


def proposal_details(proposal: Proposal) -> dict[str, Any]:
    """What the letters and the user need of a proposal, as JSON-ready data."""
    recalls = proposal.recalls
    templates, window = _level_details(proposal.templates, proposal.call_window)
    return {
        "templates": dict(templates),
        "tone": proposal.tone.value,
        "needs_approval": proposal.needs_approval,
        "charges": list(proposal.charges),
        "formal_notice": proposal.formal_notice,
        "balances": [[str(m.amount), m.currency] for m in proposal.balances],
        "oldest_due": proposal.oldest_due.isoformat(),
        "days_overdue": proposal.days_overdue,
        "recalls": None
        if recalls is None
        else {
            "key": recalls.key,
            "level_name": recalls.level_name,
            "done_on": recalls.done_on.isoformat() if recalls.done_on else None,
        },
        "call_window": None if window is None else list(window),
        "why": proposal.why,
        "invoices": [invoice_step_details(step) for step in proposal.invoices],
    }


def invoice_step_details(step: InvoiceStep) -> dict[str, Any]:
    """One invoice of a step as JSON-ready data: its stage with this step, whether the
    step covers it (else it is listed apart, as also due) and the steps it went through."""
    return {
        "number": step.number,
        "stage": step.stage,
        "stage_name": step.stage_name,
        "covered": step.covered,
        "history": [[name, day.isoformat()] for name, day in step.history],
    }


@lru_cache(maxsize=256)
def channel_values(channels: tuple[Channel, ...]) -> tuple[str, ...]:
    """The channels' names (a level's few combinations, remembered: a run asks 200,000
    times)."""
    return tuple(channel.value for channel in channels)


@lru_cache(maxsize=256)
def _level_details(
    templates: tuple[tuple[Channel, str], ...], window: CallWindow | None
) -> tuple[tuple[tuple[str, str], ...], tuple[str, str] | None]:
    # The same for every proposal of a level: made once, not 200,000 times a run.
    return (
        tuple((channel.value, key) for channel, key in templates),
        None if window is None else (window.start.strftime("%H:%M"), window.end.strftime("%H:%M")),
    )


_ACTION_COLUMNS = (
    "key", "customer_ref", "policy", "level", "level_name", "channels", "invoice_numbers",
    "proposed_on", "status", "done_on", "outcome", "cancel_reason", "details", "invoice_levels",
)  # fmt: skip


def insert_proposals(
    conn: Connection,
    proposals: Sequence[Proposal],
    details: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, int]:
    """Queue `proposals` (approved at once when their level needs no approval), with
    their `details` when already made (else `proposal_details`); returns the new ids by
    action key."""
    a = d.dunning_actions
    # Every id given from here on is above the highest one now (SQLite takes max + 1, a
    # PostgreSQL sequence only grows), so the new rows are found by id, not by key.
    before = conn.execute(select(func.coalesce(func.max(a.c.id), 0))).scalar_one()
    insert_many(
        conn,
        a,
        _ACTION_COLUMNS,
        (
            (
                p.action.key,
                p.action.customer_ref,
                p.action.policy,
                p.action.level,
                p.action.level_name,
                ",".join(channel_values(p.action.channels)),
                list(p.action.invoice_numbers),
                p.action.proposed_on,
                (ActionStatus.PROPOSED if p.needs_approval else ActionStatus.APPROVED).value,
                None,
                "",
                None,
                proposal_details(p) if details is None else details[n],
                list(p.action.invoice_levels) if p.action.invoice_levels else None,
            )
            for n, p in enumerate(proposals)
        ),
    )
    wanted = {p.action.key for p in proposals}
    # Rows of another transaction committed meanwhile may show up: keep our keys only.
    return {
        key: id_
        for key, id_ in driver_rows(conn, select(a.c.key, a.c.id).where(a.c.id > before))
        if key in wanted
    }


def _action(row: Any) -> Action:
    return Action(
        row.key,
        row.customer_ref,
        row.policy,
        row.level,
        row.level_name,
        tuple(Channel(c) for c in row.channels.split(",") if c),
        tuple(row.invoice_numbers),
        row.proposed_on,
        ActionStatus(row.status),
        row.done_on,
        tuple(row.invoice_levels) if row.invoice_levels else (),
    )


def engine_actions(
    conn: Connection, as_of: date, customer_ref: str | None = None
) -> list[tuple[int, Action]]:
    """The actions a run must know, with their ids: every pending or done action, and the
    cancelled ones proposed on `as_of` (so a second run for that date repeats nothing)."""
    a = d.dunning_actions
    query = select(
        a.c.id, a.c.key, a.c.customer_ref, a.c.policy, a.c.level, a.c.level_name,
        a.c.channels, a.c.invoice_numbers, a.c.proposed_on, a.c.status, a.c.done_on,
        a.c.invoice_levels,
    ).where(
        or_(a.c.status != ActionStatus.CANCELLED.value, a.c.proposed_on == as_of),
        a.c.proposed_on <= as_of,
    )  # fmt: skip
    if customer_ref is not None:
        query = query.where(a.c.customer_ref == customer_ref)
    return [(row.id, _action(row)) for row in conn.execute(query.order_by(a.c.id))]


def load_queue(
    conn: Connection,
    statuses: Iterable[ActionStatus] | None = None,
    customer_ref: str | None = None,
    ids: Iterable[int] | None = None,
) -> list[QueuedAction]:
    """Queued actions by id, optionally only those with `statuses`, of one customer, or
    among `ids`."""
    a = d.dunning_actions
    query = select(a).order_by(a.c.id)
    if statuses is not None:
        query = query.where(a.c.status.in_([s.value for s in statuses]))
    if customer_ref is not None:
        query = query.where(a.c.customer_ref == customer_ref)
    if ids is not None:
        query = query.where(a.c.id.in_(list(ids)))
    return [
        QueuedAction(row.id, _action(row), row.details, row.outcome, row.cancel_reason)
        for row in conn.execute(query)
    ]


def set_action_status(
    conn: Connection,
    action_id: int,
    status: ActionStatus,
    *,
    done_on: date | None = None,
    outcome: str = "",
    cancel_reason: str | None = None,
) -> None:
    """Move one action to `status`."""
    values: dict[str, Any] = {"status": status.value}
    if done_on is not None:
        values["done_on"] = done_on
    if outcome:
        values["outcome"] = outcome
    if cancel_reason is not None:
        values["cancel_reason"] = cancel_reason
    conn.execute(
        update(d.dunning_actions).where(d.dunning_actions.c.id == action_id).values(values)
    )


# -- the contact log ---------------------------------------------------------------


def add_contact(conn: Connection, contact: Contact, at_time: time | None = None) -> None:
    """Append one entry to the contact log."""
    conn.execute(
        insert(d.dunning_contacts).values(
            customer_ref=contact.customer_ref,
            on=contact.on,
            at_time=at_time,
            channel=contact.channel.value,
            direction=contact.direction.value,
            outcome=contact.outcome.value if contact.outcome else None,
            note=contact.note,
            action_key=contact.action_key,
            recorded_at=datetime.now(UTC),
        )
    )


def load_contacts(conn: Connection, as_of: date, customer_ref: str | None = None) -> list[Contact]:
    """Contacts made on or before `as_of`, in the order they were logged."""
    c = d.dunning_contacts
    query = select(c).where(c.c.on <= as_of).order_by(c.c.id)
    if customer_ref is not None:
        query = query.where(c.c.customer_ref == customer_ref)
    return [
        Contact(
            row.customer_ref,
            row.on,
            ContactChannel(row.channel),
            Direction(row.direction),
            CallOutcome(row.outcome) if row.outcome else None,
            row.note,
            row.action_key,
        )
        for row in conn.execute(query)
    ]


# -- pauses: disputes, promises, plans, holds -------------------------------------------


def add_dispute(conn: Connection, dispute: Dispute, customer_ref: str) -> None:
    """Record a dispute on an invoice."""
    conn.execute(
        insert(d.disputes).values(
            invoice_number=dispute.invoice_number,
            customer_ref=customer_ref,
            opened=dispute.opened,
            reason=dispute.reason,
            resolved=dispute.resolved,
            resolution=dispute.resolution,
        )
    )


def open_dispute_id(conn: Connection, invoice_number: str) -> int | None:
    """The id of the unresolved dispute on `invoice_number`, if any."""
    query = select(d.disputes.c.id).where(
        d.disputes.c.invoice_number == invoice_number, d.disputes.c.resolved.is_(None)
    )
    return conn.execute(query.order_by(d.disputes.c.id.desc())).scalars().first()


def resolve_dispute(conn: Connection, dispute_id: int, resolved: date, resolution: str) -> None:
    """Close a dispute."""
    conn.execute(
        update(d.disputes)
        .where(d.disputes.c.id == dispute_id)
        .values(resolved=resolved, resolution=resolution)
    )


def load_disputes(conn: Connection, customer_ref: str | None = None) -> list[Dispute]:
    """Every dispute, resolved or not."""
    query = select(d.disputes).order_by(d.disputes.c.id)
    if customer_ref is not None:
        query = query.where(d.disputes.c.customer_ref == customer_ref)
    return [
        Dispute(row.invoice_number, row.opened, row.reason, row.resolved, row.resolution)
        for row in conn.execute(query)
    ]


def add_promise(conn: Connection, promise: Promise, note: str = "") -> None:
    """Record a promise to pay."""
    conn.execute(
        insert(d.promises).values(
            key=promise.key,
            customer_ref=promise.customer_ref,
            made_on=promise.made_on,
            due=promise.due,
            amount_minor=promise.amount.to_minor(),
            currency=promise.amount.currency,
            note=note,
        )
    )


def load_promises(conn: Connection, customer_ref: str | None = None) -> list[Promise]:
    """Every promise to pay."""
    query = select(d.promises).order_by(d.promises.c.id)
    if customer_ref is not None:
        query = query.where(d.promises.c.customer_ref == customer_ref)
    return [
        Promise(
            row.key,
            row.customer_ref,
            row.made_on,
            row.due,
            Money.from_minor(row.amount_minor, row.currency),
        )
        for row in conn.execute(query)
    ]


def add_plan(conn: Connection, plan: PaymentPlan, every: str) -> int:
    """Record a payment plan and its instalments; returns its id."""
    plan_id = conn.execute(
        insert(d.payment_plans)
        .values(
            key=plan.key,
            customer_ref=plan.customer_ref,
            invoice_numbers=list(plan.invoice_numbers),
            agreed_on=plan.agreed_on,
            every=every,
        )
        .returning(d.payment_plans.c.id)
    ).scalar_one()
    conn.execute(
        insert(d.plan_instalments),
        [
            {
                "plan_id": plan_id,
                "position": position,
                "due": instalment.due,
                "amount_minor": instalment.amount.to_minor(),
                "currency": instalment.amount.currency,
            }
            for position, instalment in enumerate(plan.instalments)
        ],
    )
    return int(plan_id)


def load_plans(conn: Connection, customer_ref: str | None = None) -> list[PaymentPlan]:
    """Every payment plan with its instalments."""
    plans = d.payment_plans
    query = select(plans).order_by(plans.c.id)
    if customer_ref is not None:
        query = query.where(plans.c.customer_ref == customer_ref)
    rows = list(conn.execute(query))
    if not rows:
        return []
    parts: dict[int, list[Instalment]] = {}
    inst = d.plan_instalments
    query_parts = (
        select(inst)
        .where(inst.c.plan_id.in_([row.id for row in rows]))
        .order_by(inst.c.plan_id, inst.c.position)
    )
    for part in conn.execute(query_parts):
        parts.setdefault(part.plan_id, []).append(
            Instalment(part.due, Money.from_minor(part.amount_minor, part.currency))
        )
    return [
        PaymentPlan(
            row.key,
            row.customer_ref,
            tuple(row.invoice_numbers),
            row.agreed_on,
            tuple(parts.get(row.id, ())),
        )
        for row in rows
    ]


def add_hold(conn: Connection, hold: Hold) -> None:
    """Record a hold on a customer."""
    conn.execute(
        insert(d.holds).values(
            customer_ref=hold.customer_ref, since=hold.since, reason=hold.reason, until=hold.until
        )
    )


def release_holds(conn: Connection, customer_ref: str, on: date) -> int:
    """End the customer's open holds on `on`; returns how many were ended."""
    result = conn.execute(
        update(d.holds)
        .where(d.holds.c.customer_ref == customer_ref, d.holds.c.until.is_(None))
        .values(until=on)
    )
    return int(result.rowcount)


def load_holds(conn: Connection, customer_ref: str | None = None) -> list[Hold]:
    """Every hold, ended or not."""
    query = select(d.holds).order_by(d.holds.c.id)
    if customer_ref is not None:
        query = query.where(d.holds.c.customer_ref == customer_ref)
    return [Hold(row.customer_ref, row.since, row.reason, row.until) for row in conn.execute(query)]


def payments_of(
    conn: Connection, refs: Iterable[str], as_of: date
) -> list[tuple[str, date, Money]]:
    """(customer, date, amount) of the payments received by `as_of` from `refs`."""
    wanted = list(refs)
    found: list[tuple[str, date, Money]] = []
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(t.customers.c.ref, t.payments.c.date, t.payments.c.amount_minor,
                   t.payments.c.currency)
            .join(t.customers, t.customers.c.id == t.payments.c.customer_id)
            .where(t.customers.c.ref.in_(wanted[start : start + CHUNK]),
                   t.payments.c.date <= as_of)
            .order_by(t.payments.c.date, t.payments.c.id)
        )  # fmt: skip
        found.extend(
            (ref, when, Money.from_minor(amount, currency))
            for ref, when, amount, currency in conn.execute(query)
        )
    return found


def allocations_to(
    conn: Connection, invoice_numbers: Iterable[str], as_of: date
) -> list[Allocation]:
    """The payments and credit notes allocated by `as_of` to these invoices (what the
    engine counts toward a payment plan)."""
    wanted = sorted(set(invoice_numbers))
    alloc, inv = t.allocations, t.invoices
    kinds = [AllocationKind.PAYMENT.value, AllocationKind.CREDIT_NOTE.value]
    found: list[Allocation] = []
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(alloc.c.kind, alloc.c.source, inv.c.number, alloc.c.amount_minor,
                   alloc.c.currency, alloc.c.date)
            .join(inv, inv.c.id == alloc.c.invoice_id)
            .where(inv.c.number.in_(wanted[start : start + CHUNK]),
                   alloc.c.kind.in_(kinds), alloc.c.date <= as_of)
            .order_by(alloc.c.date, alloc.c.id)
        )  # fmt: skip
        found.extend(
            Allocation(AllocationKind(kind), source, number,
                       Money.from_minor(amount, currency), when)
            for kind, source, number, amount, currency, when in conn.execute(query)
        )  # fmt: skip
    return found


# -- flags --------------------------------------------------------------------------------


def add_new_flags(conn: Connection, flags: Sequence[Flag], raised_on: date) -> list[Flag]:
    """Record the flags not recorded before; returns those that were new."""
    keys = list(dict.fromkeys(flag.key for flag in flags))
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        query = select(d.dunning_flags.c.key).where(
            d.dunning_flags.c.key.in_(keys[start : start + CHUNK])
        )
        known.update(conn.execute(query).scalars())
    new: dict[str, Flag] = {}
    for flag in flags:
        if flag.key not in known and flag.key not in new:
            new[flag.key] = flag
    if new:
        conn.execute(
            insert(d.dunning_flags),
            [
                {
                    "key": flag.key,
                    "kind": flag.kind.value,
                    "customer_ref": flag.customer_ref,
                    "message": flag.message,
                    "invoice_number": flag.invoice_number,
                    "raised_on": raised_on,
                }
                for flag in new.values()
            ],
        )
    return list(new.values())


def load_flags(conn: Connection, customer_ref: str | None = None) -> list[dict[str, Any]]:
    """Recorded flags as plain rows, oldest first."""
    f = d.dunning_flags
    query = select(f.c.raised_on, f.c.kind, f.c.customer_ref, f.c.message, f.c.invoice_number)
    if customer_ref is not None:
        query = query.where(f.c.customer_ref == customer_ref)
    return [dict(row._mapping) for row in conn.execute(query.order_by(f.c.id))]


# -- policies and their assignment ------------------------------------------------------


def stored_policy_texts(conn: Connection) -> dict[str, str]:
    """The TOML text of each stored policy, by name."""
    query = select(d.dunning_policies.c.name, d.dunning_policies.c.toml)
    return {name: text for name, text in conn.execute(query.order_by(d.dunning_policies.c.name))}


def load_policies(conn: Connection) -> tuple[Policy, ...]:
    """The stored policies, or the shipped defaults when none is stored.

    A stored text is checked when it is saved, so a problem here is a bug: ValueError.
    """
    texts = stored_policy_texts(conn)
    if not texts:
        return default_policies()
    found: list[Policy] = []
    for name, text in texts.items():
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
