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
from relance.adapters.storage import tables_agencies as ta
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage.driver import CHUNK, DayReader, driver_rows
from relance.adapters.storage.lists import decode_list
from relance.core.actions import Action, ActionStatus
from relance.core.kpi import Period
from relance.core.kpi_activity import MonthActivity, StageActivity
from relance.core.kpi_facts import CreditBand, InvoiceBand, LedgerFacts, SettledBand
from relance.core.kpi_process import InvoiceHistory
from relance.core.model import AllocationKind
from relance.core.money import Money
from relance.core.writeoff import HandoffStatus


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


def _money_by_currency(rows: Iterable[Any]) -> tuple[Money, ...]:
    return tuple(
        Money.from_minor(int(minor), currency) for currency, minor in sorted(rows) if minor
    )


def _stage_activity(conn: Connection, first: date, last: date) -> tuple[StageActivity, ...]:
    a = d.dunning_actions
    query = select(a.c.level, a.c.level_name, a.c.channels).where(
        a.c.status == ActionStatus.DONE.value, a.c.done_on >= first, a.c.done_on <= last
    )
    steps: dict[tuple[int, str], int] = defaultdict(int)
    channels: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for level, name, sent in conn.execute(query):
        steps[(level, name)] += 1
        for channel in decode_list(sent):
            channels[(level, name)][channel] += 1
    return tuple(
        StageActivity(level, name, count, tuple(sorted(channels[(level, name)].items())))
        for (level, name), count in sorted(steps.items())
    )


def month_activity(conn: Connection, period: Period) -> MonthActivity:
    """What the process did from the period's first day to its last."""
    first, last = period.first, period.last
    p, disp, h = d.promises, d.disputes, tl.law_agency_handoffs
    w, r = tl.law_write_offs, ta.claim_routes
    made = select(p.c.currency, func.sum(p.c.amount_minor)).where(
        p.c.made_on >= first, p.c.made_on <= last
    )
    made_count = select(func.count()).where(p.c.made_on >= first, p.c.made_on <= last)
    written = select(w.c.currency, func.sum(w.c.amount_minor)).where(
        w.c.date >= first, w.c.date <= last
    )
    routes = (
        select(r.c.route, func.count())
        .where(r.c.date >= first, r.c.date <= last)
        .group_by(r.c.route)
    )
    still_open = (disp.c.opened <= last) & (disp.c.resolved.is_(None) | (disp.c.resolved > last))
    return MonthActivity(
        period=period,
        stages=_stage_activity(conn, first, last),
        promises_made=conn.execute(made_count.select_from(p)).scalar_one(),
        promised=_money_by_currency(conn.execute(made.group_by(p.c.currency))),
        disputes_opened=_count(conn, disp, disp.c.opened, first, last),
        disputes_resolved=_count(conn, disp, disp.c.resolved, first, last),
        disputes_open=conn.execute(
            select(func.count()).select_from(disp).where(still_open)
        ).scalar_one(),
        handed_to_agencies=conn.execute(
            select(func.count()).where(
                h.c.status == HandoffStatus.WITH_AGENCY.value, h.c.date >= first, h.c.date <= last
            )
        ).scalar_one(),
        routes=tuple(sorted((route, int(n)) for route, n in conn.execute(routes))),
        write_offs=_count(conn, w, w.c.date, first, last),
        written_off=_money_by_currency(conn.execute(written.group_by(w.c.currency))),
    )


def _count(conn: Connection, table: Any, column: Any, first: date, last: date) -> int:
    query = select(func.count()).select_from(table).where(column >= first, column <= last)
    return int(conn.execute(query).scalar_one())
