"""The daily run: decide as of a date, then store the proposals, the cancellations and
the new flags, each with its event.

The run loads what `relance.core.engine.decide` needs (overdue invoices with their open
balance and each customer's unapplied credit, summed by the database, the invoices
handed over and the customers in proceedings), decides, then stores. It only moves
forward: it claims the ledger first (two runs never decide at once), and a date before
the last run's is refused unless replayed, which writes nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_history as history_repo
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Connection, Store
from relance.core.bulk import no_cyclic_gc
from relance.core.contacts import Contact
from relance.core.engine import (
    PENDING,
    Action,
    ActionStatus,
    Cancellation,
    Decision,
    Flag,
    OverdueItem,
    Proposal,
    decide,
)
from relance.core.first_step import merged
from relance.core.ledger import Ledger
from relance.core.model import Allocation, Customer, Payment
from relance.core.policy import PolicyIndex
from relance.core.queued import QueuedAction, queued_step
from relance.services import (
    first_steps,
    limitation,
    run_selection,
    waiting_credits,
    webhook_events,
)

# What a run raises when another one keeps the ledger too long.
RunUnderWay = runs.RunUnderWay


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one run did: the actions it queued, those it cancelled, the new flags."""

    as_of: date
    proposed: tuple[QueuedAction, ...]
    cancelled: tuple[tuple[int, Cancellation], ...]
    flags: tuple[Flag, ...]
    dry_run: bool = False
    replay: bool = False
    held: tuple[waiting_credits.HeldProposal, ...] = ()  # an unmatched credit could pay them


T = TypeVar("T")


# -- the run ------------------------------------------------------------------------------


# How many customers a run decides and stores at a time: a ledger of 200,000 customers
# and a million invoices is never held whole (each part's invoices, customers and records
# are let go once stored), and each part is large enough that its reads stay few.
PART = 25_000


@dataclass(frozen=True, slots=True)
class _Known:
    """What a run reads once, whatever its parts: the known actions (with their ids by
    key), pauses, contacts, payments and allocations the engine follows, credit, the
    invoices set aside, proceedings, policies, and the sums allocated to invoices."""

    actions: list[tuple[int, Action]]
    ids: dict[str, int]
    inputs: dict[str, Any]  # `decide`'s keyword arguments other than overdue and actions
    payments: tuple[Payment, ...]
    toward: tuple[Allocation, ...]
    allocated: dict[int, int]
    policies: PolicyIndex


def _read_known(conn: Connection, as_of: date, customer_ref: str | None, morning: bool) -> _Known:
    """What the engine needs besides the customers and their overdue invoices. With
    `morning`, the actions proposed on `as_of` itself are left out."""
    known = queue_repo.engine_actions(conn, as_of, customer_ref)
    if morning:
        known = [(id_, action) for id_, action in known if action.proposed_on < as_of]
    promises = pause_repo.load_promises(conn, customer_ref)
    plans = pause_repo.load_plans(conn, customer_ref)
    # Payments matter to the engine only to follow promises, and allocations to follow
    # plans (what was paid on the plan's invoices); credit is summed by the database.
    followed = {p.customer_ref for p in promises}
    payments = tuple(
        Payment(f"{ref}#{n}", when, amount, ref)
        for n, (ref, when, amount) in enumerate(
            overdue_repo.payments_of(conn, sorted(followed), as_of)
        )
    )
    toward = overdue_repo.allocations_to(conn, (n for p in plans for n in p.invoice_numbers), as_of)
    inputs = {
        "contacts": pause_repo.load_contacts(conn, as_of, customer_ref),
        "disputes": pause_repo.load_disputes(conn, customer_ref),
        "promises": promises,
        "plans": plans,
        "holds": pause_repo.load_holds(conn, customer_ref),
        "time_barred": limitation.time_barred_invoices(conn, as_of),
        "credit": overdue_repo.unapplied_credit(conn, as_of, customer_ref),
        "handed_over": runs.handed_over_invoices(conn, as_of),
        "proceedings": runs.load_proceedings(
            conn, None if customer_ref is None else [customer_ref]
        ),
    }
    return _Known(
        known, {action.key: id_ for id_, action in known}, inputs, payments, tuple(toward),
        overdue_repo.allocated_by_invoice(conn, as_of, customer_ref),
        PolicyIndex(policy_repo.load_policies(conn), policy_repo.load_rules(conn)),
    )  # fmt: skip


def _decide(
    as_of: date,
    known: _Known,
    customers: Sequence[Customer],
    overdue: Mapping[str, Sequence[OverdueItem]],
    actions: Sequence[tuple[int, Action]],
    contacts: Sequence[Contact] | None = None,
) -> Decision:
    """`decide` over `customers`, with the known actions `actions` and, when given, the
    contacts `contacts` (else every contact known)."""
    ledger = Ledger(customers=tuple(customers), payments=known.payments, allocations=known.toward)
    inputs = known.inputs if contacts is None else {**known.inputs, "contacts": contacts}
    return decide(
        ledger,
        known.policies,
        as_of=as_of,
        actions=[action for _, action in actions],
        overdue=overdue,
        **inputs,
    )


def decide_as_of(
    conn: Connection, as_of: date, customer_ref: str | None = None, *, morning: bool = False
) -> tuple[Decision, dict[str, int]]:
    """Load what the engine needs (all customers, or one) and decide; returns the
    decision and the ids of the known actions by key. With `morning`, the actions
    proposed on `as_of` itself are left out: the decision is the one that day's first
    run made (what a replay shows)."""
    known = _read_known(conn, as_of, customer_ref, morning)
    overdue = overdue_repo.overdue_by_customer(conn, as_of, customer_ref, allocated=known.allocated)
    if customer_ref is None:
        customers = overdue_repo.customers_for_run(conn, _wanted(overdue, known.actions))
    else:
        customers = repo.load_customers(conn, [customer_ref])
    return _decide(as_of, known, customers, overdue, known.actions), known.ids


def _wanted(overdue: Mapping[str, object], actions: Sequence[tuple[int, Action]]) -> set[str]:
    """The customers the engine will look at: those with something overdue or an action
    still pending."""
    wanted = set(overdue)
    wanted.update(a.customer_ref for _, a in actions if a.status in PENDING)
    return wanted


def decisions_in_parts(
    conn: Connection, as_of: date, part: int = PART
) -> Iterator[tuple[Decision, dict[str, int]]]:
    """The run's decision for every customer, part by part (ranges of about `part`
    customers by reference, in order), each with the ids of the known actions by key:
    together, the decision `decide_as_of` makes at once, customer for customer."""
    known = _read_known(conn, as_of, None, False)
    # Only the customers the engine could act for today are read in full; the others
    # (between two steps, or not yet late enough) cost one row of sums each. Before any
    # step was carried out (a first run) nearly every customer is chosen: the choice would
    # cost its sums and save nothing, so everyone is read.
    chosen = (
        sorted(
            run_selection.customers_to_read(
                conn, as_of, known.actions, known.inputs, known.policies
            )
        )
        if run_selection.choice_pays(known.actions)
        else None
    )
    by_ref = sorted(known.actions, key=lambda pair: pair[1].customer_ref)
    refs = [action.customer_ref for _, action in by_ref]
    # The customers with history go through the engine; the new ones are decided from
    # their totals (`first_steps`), the engine's decision for them without its records.
    history = sorted(run_selection.with_history(conn, known.actions, known.inputs))
    # Each part's engine groups only its own customers' contacts (a ledger's history
    # holds one a step): sorted by customer, each customer's in the order they were logged.
    contacts: list[Contact] = sorted(known.inputs["contacts"], key=lambda c: c.customer_ref)
    contact_refs = [contact.customer_ref for contact in contacts]
    new = first_steps.NewCustomers(conn, as_of)
    for low, high in overdue_repo.customer_ranges(conn, part):
        # The actions of the range's customers, known or not (an unknown one is flagged).
        actions = _in_range(by_ref, refs, low, high)
        theirs = _in_range(contacts, contact_refs, low, high)
        history_here = set(_in_range(history, history, low, high))
        first = first_steps.first_steps(new, as_of, high, known.policies, history_here)
        read = history_here | first.without_policy
        if chosen is not None:
            read.intersection_update(_in_range(chosen, chosen, low, high))
        overdue = (
            overdue_repo.overdue_by_customer(
                conn, as_of, within=(low, high), allocated=known.allocated, only=read
            )
            if read
            else {}
        )
        customers = overdue_repo.customers_for_run(conn, _wanted(overdue, actions), (low, high))
        decision = _decide(as_of, known, customers, overdue, actions, theirs)
        yield merged(decision, first.proposals, first.flags), known.ids


def _in_range(items: Sequence[T], refs: Sequence[str], low: str, high: str | None) -> Sequence[T]:
    """The `items` whose reference (`refs`, sorted, one per item) is in the range
    [low, high) (open above when `high` is None)."""
    return items[bisect_left(refs, low) : len(refs) if high is None else bisect_left(refs, high)]


def apply_cancellations(
    conn: Connection,
    cancellations: Iterable[Cancellation],
    ids: Mapping[str, int],
    actor: str,
    dated: date | None = None,
) -> list[tuple[int, Cancellation]]:
    """Cancel the actions `cancellations` name (by key, through `ids`), with events."""
    done: list[tuple[int, Cancellation]] = []
    for cancellation in cancellations:
        action_id = ids[cancellation.action_key]
        queue_repo.set_action_status(
            conn, action_id, ActionStatus.CANCELLED, cancel_reason=cancellation.reason.value
        )
        done.append((action_id, cancellation))
    history_repo.append_events(
        conn,
        (
            (
                "action.cancelled",
                c.customer_ref,
                f"action {action_id}",
                {"id": action_id, "key": c.action_key, "reason": c.reason.value},
                c.detail,
            )
            for action_id, c in done
        ),
        actor,
        dated,
    )
    return done


def _proposed_event(proposal: Proposal, action_id: int, as_of: str) -> history_repo.EventRow:
    # The event names the queued row (its id) and the step; the invoices and balances are
    # the row's (its `details`), written once: a run over a million invoices wrote them
    # twice, as JSON each time.
    action = proposal.action
    return (
        "action.proposed",
        action.customer_ref,
        f"action {action_id}",
        {
            "id": action_id,
            "as_of": as_of,
            "level": action.level_name,
            "channels": list(queue_repo.channel_values(action.channels)),
        },
        proposal.why,
    )


class RunGoesBack(ValueError):
    """A run for a date before the last run's: the process only moves forward."""

    def __init__(self, as_of: date, last: date) -> None:
        # One line on a terminal: "error: " and this fit in 80 columns.
        super().__init__(
            f"the last run was for {last.isoformat()}: see {as_of.isoformat()} with --replay"
        )
        self.as_of = as_of
        self.last = last


def run_dunning(
    store: Store,
    as_of: date,
    *,
    actor: str = "relance",
    dry_run: bool = False,
    replay: bool = False,
    wait_seconds: int = runs.RUN_WAIT_SECONDS,
    hold_on_credit: bool = False,
) -> RunReport:
    """Decide as of `as_of` and queue what is due; a second run for the same date
    proposes nothing new. With `dry_run`, the same work is rolled back. With `replay`,
    the decisions of that day (as its first run made them) are shown and nothing is
    written, whatever the date. A step an unmatched credit could pay waits for approval
    with a warning, or is held with `hold_on_credit` (`relance.services.waiting_credits`).

    A run takes the ledger first, so two runs never decide at once: the second waits
    for the first and repeats nothing (`RunUnderWay` when it waits more than
    `wait_seconds`). A date
    before the last run's is refused (`RunGoesBack`) unless replayed.
    """
    if replay:
        return _replay(store, as_of)
    transaction = store.trial() if dry_run else store.begin()
    with no_cyclic_gc(), transaction as conn:
        run_id = runs.claim_run(conn, as_of, actor, wait_seconds)
        last = runs.last_run_date(conn, other_than=run_id)
        if last is not None and as_of < last:
            raise RunGoesBack(as_of, last)
        reports: list[RunReport] = []
        held: list[waiting_credits.HeldProposal] = []
        waiting = waiting_credits.Waiting()
        # Part by part: each part's records are stored, then let go.
        with runs.reading_once(conn):
            for decision, ids in decisions_in_parts(conn, as_of):
                decision, part_held, warned = waiting_credits.check(
                    conn, decision, as_of, hold=hold_on_credit, waiting=waiting
                )
                reports.append(_record(conn, decision, ids, actor, dry_run, warned))
                held.extend(part_held)
        runs.finish_run(conn, run_id)
    return RunReport(
        as_of,
        tuple(action for report in reports for action in report.proposed),
        tuple(cancelled for report in reports for cancelled in report.cancelled),
        tuple(flag for report in reports for flag in report.flags),
        dry_run,
        held=tuple(held),
    )


def _record(
    conn: Connection,
    decision: Decision,
    ids: Mapping[str, int],
    actor: str,
    dry_run: bool,
    warned: waiting_credits.Warnings,
) -> RunReport:
    """Store what a run decided: cancellations, proposals (with the waiting credits that
    could pay them) and new flags, with events."""
    as_of = decision.as_of
    cancelled = apply_cancellations(conn, decision.cancellations, ids, actor, as_of)
    steps = [queued_step(p, tuple(warned.get(p.action.key) or ())) for p in decision.proposals]
    new_ids = queue_repo.insert_proposals(conn, decision.proposals, steps)
    day = as_of.isoformat()
    history_repo.append_events(
        conn,
        (_proposed_event(p, new_ids[p.action.key], day) for p in decision.proposals),
        actor,
        as_of,
    )
    flags = queue_repo.add_new_flags(conn, decision.flags, as_of)
    history_repo.append_events(
        conn,
        (
            (
                f"flag.{flag.kind.value}",
                flag.customer_ref,
                flag.invoice_number or "",
                {"key": flag.key, "as_of": day},
                flag.message,
            )
            for flag in flags
        ),
        actor,
        as_of,
    )
    proposed = tuple(
        QueuedAction(
            new_ids[p.action.key],
            p.action if p.needs_approval else p.action.with_status(ActionStatus.APPROVED),
            steps[n],
        )
        for n, p in enumerate(decision.proposals)
    )
    webhook_events.actions_proposed(conn, proposed)
    return RunReport(as_of, proposed, tuple(cancelled), tuple(flags), dry_run)


def _replay(store: Store, as_of: date) -> RunReport:
    """The decisions of `as_of` as its first run made them, from what is recorded;
    nothing is written (the proposals carry no id: 0)."""
    with no_cyclic_gc(), store.trial() as conn:
        decision, ids = decide_as_of(conn, as_of, morning=True)
    proposed = tuple(
        QueuedAction(
            0,
            p.action if p.needs_approval else p.action.with_status(ActionStatus.APPROVED),
            queued_step(p),
        )
        for p in decision.proposals
    )
    cancelled = tuple((ids.get(c.action_key, 0), c) for c in decision.cancellations)
    return RunReport(as_of, proposed, cancelled, decision.flags, dry_run=True, replay=True)
