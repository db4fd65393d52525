"""The collection KPIs of a period: DSO (standard and countback), best possible DSO,
average days delinquent, the collection effectiveness index, the share not yet due, each
stage's effectiveness, promises kept and agency recovery (formulas: docs/kpi.md)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_kpi as kpi_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.kpi import ledger_kpis, periods
from relance.core.kpi_process import (
    DEFAULT_PROMISE_GRACE_DAYS,
    agency_recovery,
    handed_claims,
    promises_kept,
    stage_effectiveness,
    step_invoices,
)
from relance.core.kpi_report import KpiReport
from relance.core.money import Money
from relance.core.pauses import Promise
from relance.core.policy import PolicyIndex


def kpi_report(
    store: Store, first: date, last: date, *, as_of: date, by_month: bool = False
) -> KpiReport:
    """The KPIs from `first` to `last` (or of each of its months), payments counted up to
    `as_of` for the stages, promises and agencies. Raises ValueError when `last` is
    before `first`."""
    asked = periods(first, last, by_month)
    with store.begin() as conn:
        facts = kpi_repo.ledger_facts(conn, last)
        steps = step_invoices(
            kpi_repo.done_actions(conn, first, last), first, last, kpi_repo.stage_names(conn)
        )
        handoffs = [h for h in law_repo.load_handoffs(conn) if h.date <= last]
        histories = kpi_repo.invoice_histories(
            conn, {s.number for s in steps} | {h.invoice_number for h in handoffs}
        )
        fees = _agency_fees(conn)
        promises = [p for p in pause_repo.load_promises(conn) if first <= p.due <= last]
        payments, grace = _promise_context(conn, promises, as_of)
    claims = [c for c in handed_claims(handoffs, histories, as_of, fees) if c.on >= first]
    return KpiReport(
        asked,
        as_of,
        ledger_kpis(facts, asked),
        stage_effectiveness(steps, histories, asked, as_of),
        promises_kept(promises, payments, grace, asked, as_of),
        agency_recovery(claims, asked),
    )


def _agency_fees(conn: Connection) -> dict[str, list[tuple[date, int]]]:
    """The fees agencies kept on what they recovered, by invoice: (day, minor units)."""
    fees: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for row in agency_repo.load_recoveries(conn):
        fees[row.invoice_number].append((row.date, row.fee.to_minor()))
    return fees


def _promise_context(
    conn: Connection, promises: list[Promise], as_of: date
) -> tuple[dict[str, list[tuple[date, Money]]], dict[str, int]]:
    """The payments of the customers who promised, and the grace their policy gives."""
    refs = sorted({p.customer_ref for p in promises})
    payments: dict[str, list[tuple[date, Money]]] = defaultdict(list)
    for ref, day, amount in overdue_repo.payments_of(conn, refs, as_of):
        payments[ref].append((day, amount))
    index = PolicyIndex(policy_repo.load_policies(conn), policy_repo.load_rules(conn))
    grace = {}
    for customer in repo.load_customers(conn, refs):
        policy = index.for_customer(customer)
        grace[customer.ref] = policy.promise_grace_days if policy else DEFAULT_PROMISE_GRACE_DAYS
    return payments, grace
