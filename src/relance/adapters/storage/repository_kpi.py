"""The facts the collection KPIs are computed from, read from the ledger.

The receivables KPIs need the whole ledger, so the database sums it into bands
(`core.kpi_facts`): invoices by currency, issue date and due date; what settled them by
currency, the day it counts from and due date; credit notes by currency and date. A
million invoices come back as a few thousand rows. The process KPIs read only what the
period's steps, promises and handoffs name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.driver import CHUNK, DayReader, driver_rows
from relance.adapters.storage.lists import decode_list
from relance.core.actions import Action, ActionStatus
from relance.core.kpi_facts import CreditBand, InvoiceBand, LedgerFacts, SettledBand
from relance.core.kpi_process import InvoiceHistory
from relance.core.model import AllocationKind


def ledger_facts(conn: Connection, last: date) -> LedgerFacts:
    """The ledger summed into bands by the database, everything dated up to `last`."""
    inv, alloc, notes = t.invoices, t.allocations, t.credit_notes
    day = DayReader()
    invoiced = (
        select(inv.c.currency, inv.c.issue_date, inv.c.due_date, func.sum(inv.c.amount_minor))
        .where(inv.c.issue_date <= last)
        .group_by(inv.c.currency, inv.c.issue_date, inv.c.due_date)
    )
    # an allocation counts from the later of its date and its invoice's issue date
    counted = case((alloc.c.date > inv.c.issue_date, alloc.c.date), else_=inv.c.issue_date)
    settled = (
        select(inv.c.currency, counted, inv.c.due_date, func.sum(alloc.c.amount_minor))
        .select_from(alloc)
        .join(inv, inv.c.id == alloc.c.invoice_id)
        .where(and_(alloc.c.date <= last, inv.c.issue_date <= last))
        .group_by(inv.c.currency, counted, inv.c.due_date)
    )
    credited = (
        select(notes.c.currency, notes.c.date, func.sum(notes.c.amount_minor))
        .where(notes.c.date <= last)
        .group_by(notes.c.currency, notes.c.date)
    )
    return LedgerFacts(
        tuple(
            InvoiceBand(currency, day(issued), day(due), int(minor))
            for currency, issued, due, minor in driver_rows(conn, invoiced)
            if minor
        ),
        tuple(
            SettledBand(currency, day(start), day(due), int(minor))
            for currency, start, due, minor in driver_rows(conn, settled)
            if minor
        ),
        tuple(
            CreditBand(currency, day(on), int(minor))
            for currency, on, minor in driver_rows(conn, credited)
            if minor
        ),
    )


def done_actions(conn: Connection, first: date, last: date) -> list[Action]:
    """The steps carried out from `first` to `last` (only what the KPIs read of them)."""
    a = d.dunning_actions
    query = select(
        a.c.key, a.c.customer_ref, a.c.policy, a.c.level, a.c.level_name, a.c.invoice_numbers,
        a.c.proposed_on, a.c.done_on, a.c.invoice_levels,
    ).where(
        a.c.status == ActionStatus.DONE.value, a.c.done_on >= first, a.c.done_on <= last
    )  # fmt: skip
    return [_done_action(row) for row in conn.execute(query.order_by(a.c.done_on, a.c.id))]


def _done_action(row: Any) -> Action:
    return Action(
        row.key, row.customer_ref, row.policy, row.level, row.level_name, (),
        decode_list(row.invoice_numbers), row.proposed_on, ActionStatus.DONE, row.done_on,
        tuple(row.invoice_levels) if row.invoice_levels else (),
    )  # fmt: skip


def stage_names(conn: Connection) -> dict[tuple[str, int], str]:
    """The name of each (policy, level) as the steps carried out call it."""
    a = d.dunning_actions
    query = (
        select(a.c.policy, a.c.level, func.max(a.c.level_name))
        .where(a.c.status == ActionStatus.DONE.value)
        .group_by(a.c.policy, a.c.level)
    )
    return {(policy, level): name for policy, level, name in conn.execute(query)}


def invoice_histories(conn: Connection, numbers: Iterable[str]) -> dict[str, InvoiceHistory]:
    """The amount and allocations of each invoice among `numbers`."""
    wanted = sorted(set(numbers))
    inv, alloc = t.invoices, t.allocations
    day = DayReader()
    heads: dict[str, tuple[str, int]] = {}
    moves: dict[str, list[tuple[date, AllocationKind, int]]] = defaultdict(list)
    kinds = {kind.value: kind for kind in AllocationKind}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(inv.c.number, inv.c.currency, inv.c.amount_minor).where(
            inv.c.number.in_(chunk)
        )
        heads.update((n, (c, int(m))) for n, c, m in conn.execute(query))
        query_moves = (
            select(inv.c.number, alloc.c.date, alloc.c.kind, alloc.c.amount_minor)
            .join(inv, inv.c.id == alloc.c.invoice_id)
            .where(inv.c.number.in_(chunk))
        )
        for number, on, kind, minor in conn.execute(query_moves):
            moves[number].append((day(on), kinds[kind], int(minor)))
    return {
        number: InvoiceHistory(number, currency, minor, tuple(sorted(moves.get(number, ()))))
        for number, (currency, minor) in heads.items()
    }
