"""Use cases of limitation periods: what is time-barred, what expires soon, and the
events that interrupt a period (see `relance.core.limitation` and docs/law.md)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.bulk import chunks
from relance.core.jurisdiction import (
    Contract,
    Jurisdictions,
    limitation_years,
)
from relance.core.limitation import (
    Interruption,
    InterruptionKind,
    LimitationStatus,
    add_years,
    claim_start,
    interruptions_from_payments,
    limitation_status,
)
from relance.core.model import Creditor, Customer, Invoice
from relance.core.money import Money
from relance.services import rule_sets
from relance.services.rule_sets import rule_set_or_table


class _LimitationTerms(NamedTuple):
    years: int
    payments_acknowledge: bool  # the rule set's setting: a payment restarts the period


def _limitation_terms(
    creditor: Creditor, customers: Iterable[Customer], contracts: Mapping[str, Contract]
) -> dict[str, _LimitationTerms]:
    terms = {}
    for customer in customers:
        contract = contracts.get(customer.ref)
        rule_set = rule_set_or_table(creditor, customer, contract)
        terms[customer.ref] = _LimitationTerms(
            limitation_years(rule_set, contract), rule_set.payments_acknowledge
        )
    return terms


def _interruptions(
    conn: Connection, numbers: Sequence[str], with_payments: Sequence[str] | None = None
) -> list[Interruption]:
    """Recorded interruptions and, as partial-payment acknowledgements, the payments of
    the invoices `with_payments` (default: all of `numbers`), those whose rule set counts
    a payment as an acknowledgement (`RuleSet.payments_acknowledge`)."""
    found = law_repo.load_interruptions(conn, numbers)
    for chunk in chunks(list(numbers if with_payments is None else with_payments)):
        found.extend(interruptions_from_payments(repo.load_allocations(conn, chunk)))
    return found


def shortest_limitation_years(jurisdictions: Jurisdictions, contracts: Iterable[Contract]) -> int:
    """The shortest period any open invoice can have: the least of every rule set's figure
    and every contract's own figure (France: 2 years, against a consumer)."""
    figures = [rule_set.limitation_years for rule_set in jurisdictions.rule_sets]
    figures.extend(c.limitation_years for c in contracts if c.limitation_years is not None)
    return min(figures)


def _latest_start(horizon: date, years: int) -> date:
    """A start date after which no claim of `years` or more can expire by `horizon`.

    `add_years` is monotonic in the start, so every start date whose plain period ends by
    the horizon is on or before this day; one day of slack covers 29 February either way
    (the exact test on each loaded invoice follows).
    """
    year = horizon.year - years
    day = horizon.day
    if horizon.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, horizon.month, day) + timedelta(days=1)


def _limitation_statuses(
    conn: Connection, as_of: date, horizon: date
) -> list[tuple[Invoice, Money, LimitationStatus]]:
    """Open invoices whose claim would be time-barred by `horizon` without interruptions,
    with their status taking interruptions into account."""
    creditor = repo.load_creditor(conn)
    if creditor is None:
        return []
    contracts = law_repo.load_contracts(conn)
    # Only a claim started before the horizon less the shortest period can be concerned:
    # the database leaves the others out, so a daily run does not read the open ledger.
    shortest = shortest_limitation_years(rule_sets.rules()[0], contracts.values())
    balances = repo.open_invoice_balances(conn, as_of, started_by=_latest_start(horizon, shortest))
    if not balances:
        return []
    refs = sorted({invoice.customer_ref for invoice, _ in balances})
    customers = [c for chunk in chunks(refs) for c in repo.load_customers(conn, chunk)]
    terms = _limitation_terms(creditor, customers, contracts)
    years = {ref: term.years for ref, term in terms.items()}
    # An interruption only ever pushes the last day later, so an invoice whose plain
    # period ends after the horizon cannot be concerned: skip loading its events.
    candidates = [
        (invoice, owed)
        for invoice, owed in balances
        if add_years(claim_start(invoice), years[invoice.customer_ref]) <= horizon
    ]
    if not candidates:
        return []
    events = _interruptions(
        conn,
        [invoice.number for invoice, _ in candidates],
        [
            invoice.number
            for invoice, _ in candidates
            if terms[invoice.customer_ref].payments_acknowledge
        ],
    )
    by_invoice: dict[str, list[Interruption]] = {}
    for event in events:
        by_invoice.setdefault(event.invoice_number, []).append(event)
    return [
        (
            invoice,
            owed,
            limitation_status(
                invoice,
                years[invoice.customer_ref],
                by_invoice.get(invoice.number, ()),
                as_of,
            ),
        )
        for invoice, owed in candidates
    ]


def time_barred_invoices(conn: Connection, as_of: date) -> frozenset[str]:
    """Numbers of the open invoices whose claim is time-barred on `as_of`.

    The engine flags these and never proposes a step on them. Each invoice's period
    comes from its customer's rule set or contract (France: 5 years between businesses,
    2 against a consumer), restarted by recorded interruptions and, where the rule set's
    `payments_acknowledge` setting is on (the default), by payments. Empty before the
    creditor is set up.
    """
    return frozenset(
        invoice.number
        for invoice, _, status in _limitation_statuses(conn, as_of, as_of - timedelta(days=1))
        if status.is_time_barred(as_of)
    )


@dataclass(frozen=True, slots=True)
class LimitationLine:
    """One open invoice's claim against its limitation period."""

    invoice: Invoice
    open_balance: Money
    status: LimitationStatus
    time_barred: bool
    days_left: int  # negative once time-barred


def limitation_report(store: Store, as_of: date, within: timedelta) -> tuple[LimitationLine, ...]:
    """Open debts whose claim expires within `within` of `as_of`, and those already
    time-barred, soonest last day first."""
    with store.begin() as conn:
        statuses = _limitation_statuses(conn, as_of, as_of + within)
    lines = [
        LimitationLine(
            invoice,
            owed,
            status,
            status.is_time_barred(as_of),
            status.days_left(as_of),
        )
        for invoice, owed, status in statuses
        if status.last_day <= as_of + within
    ]
    return tuple(sorted(lines, key=lambda line: (line.status.last_day, line.invoice.number)))


def record_interruption(
    store: Store,
    target: str,
    kind: InterruptionKind,
    on: date,
    note: str = "",
    actor: str = "user",
) -> tuple[Interruption, ...]:
    """Record an acknowledgement of debt, legal action... for one invoice, or for every
    invoice of a customer still open on `on`; one event in the log. Returns what was
    recorded (LookupError when `target` is neither an invoice nor a customer)."""
    with store.begin() as conn:
        invoices = repo.load_invoices(conn, numbers=[target])
        if invoices:
            customer_ref = invoices[0].customer_ref
        else:
            law_repo.customer_id(conn, target)  # raises LookupError for an unknown target
            customer_ref = target
            invoices = [i for i, _ in repo.open_invoice_balances(conn, on, customer_ref)]
        recorded = tuple(Interruption(i.number, kind, on, note) for i in invoices)
        for interruption in recorded:
            law_repo.add_interruption(conn, interruption)
        repo.append_event(
            conn,
            "limitation_interruption",
            actor=actor,
            customer_ref=customer_ref,
            subject=target,
            data={
                "kind": kind.value,
                "date": on.isoformat(),
                "invoices": [i.invoice_number for i in recorded],
                "note": note,
            },
            reason=note,
            dated=on,
        )
    return recorded
