"""The user's decision after the formal notice, for a customer's whole claim: hand it to
an agency, take the payment-order or small-claims route, or write it off
(`relance handoff`; docs/after-notice.md).

One transaction: the route is recorded for each invoice the decision covers
(`relance.core.handoff.after_notice`), with the claim and its age that day; an agency
receives the claims only if it holds the guarantees the law asks (CPCE R124-2), and each
invoice's state at the agency starts as sent; a write-off closes each invoice. The
customer's pending steps for those invoices are cancelled at once, as the next run would,
and the decision is an event of the customer's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Connection, Store
from relance.core.actions import PENDING, ActionStatus
from relance.core.agencies import Agency
from relance.core.handoff import (
    ClaimItem,
    Route,
    after_notice,
    notice_level,
    proceedings_refusal,
)
from relance.core.money import Money, total
from relance.core.policy import Channel, PolicyIndex
from relance.core.proceedings import Proceeding, in_proceedings
from relance.core.stages import invoice_stages
from relance.core.writeoff import AgencyHandoff, HandoffStatus, WriteOffReason
from relance.services.agencies import agency_for_handoff
from relance.services.customer_lookup import known_customer
from relance.services.daily_run import apply_cancellations, decide_as_of
from relance.services.law import write_off_in


class NothingToHandOver(ValueError):
    """No invoice of the customer is at the stage a handoff covers."""


class RouteClosed(ValueError):
    """The route is closed to this customer (insolvency proceedings)."""


def proceeding_of(conn: Connection, customer_ref: str, on: date) -> Proceeding | None:
    """The customer's proceedings in force on `on`, if any."""
    return in_proceedings(runs.load_proceedings(conn, [customer_ref]), on).get(customer_ref)


@dataclass(frozen=True, slots=True)
class Handoff:
    """What a decision covered: the route, the agency, the invoices and their total."""

    customer_ref: str
    route: Route
    on: date
    items: tuple[ClaimItem, ...]
    agency: Agency | None = None

    @property
    def totals(self) -> dict[str, Money]:
        """The claim handed over, per currency."""
        currencies = sorted({item.balance.currency for item in self.items})
        return {
            c: total((i.balance for i in self.items if i.balance.currency == c), c)
            for c in currencies
        }


def claim_items(conn: Connection, customer_ref: str, on: date) -> tuple[ClaimItem, ...]:
    """The customer's invoices a decision on `on` covers (see `after_notice`)."""
    customer = known_customer(conn, customer_ref)
    policy = PolicyIndex(
        policy_repo.load_policies(conn), policy_repo.load_rules(conn)
    ).for_customer(customer)
    done = [
        action
        for _, action in queue_repo.engine_actions(conn, on, customer_ref)
        if action.status is ActionStatus.DONE
    ]
    return after_notice(
        repo.open_invoice_balances(conn, on, customer_ref),
        on,
        stages=invoice_stages(done, policy) if policy is not None else {},
        notice_index=notice_level(policy),
        notices=law_repo.formal_notices(conn, customer_ref),
        handed_over=runs.handed_over_invoices(conn, on),
    )


def claim_items_of(store: Store, customer_ref: str, on: date) -> tuple[ClaimItem, ...]:
    """`claim_items` in a transaction of its own (what a decision on `on` would cover)."""
    with store.begin() as conn:
        return claim_items(conn, customer_ref, on)


def need_claim(conn: Connection, customer_ref: str, on: date) -> tuple[ClaimItem, ...]:
    """`claim_items`, or `NothingToHandOver` saying why there is nothing."""
    items = claim_items(conn, customer_ref, on)
    if not items:
        raise NothingToHandOver(
            f"customer {customer_ref} has no open invoice past due that went through the "
            f"formal notice by {on.isoformat()} and is not handed over already"
        )
    return items


def hand_off(
    store: Store,
    customer_ref: str,
    route: Route,
    on: date,
    *,
    agency_name: str | None = None,
    note: str = "",
    write_off_reason: WriteOffReason = WriteOffReason.UNECONOMIC,
    vat_recoverable: bool = True,
    actor: str = "user",
) -> Handoff:
    """Record the user's decision for the customer's claim on `on` (see the module).
    `AgencyRefused` when the agency lacks a guarantee; `NothingToHandOver` when no
    invoice qualifies; ValueError when an agency is named for another route or missing."""
    if (route is Route.AGENCY) != (agency_name is not None):
        raise ValueError("name the agency for --to agency, and only for it")
    with store.begin() as conn:
        agency = agency_for_handoff(conn, agency_name, on) if agency_name else None
        items = need_claim(conn, customer_ref, on)
        refusal = proceedings_refusal(route, proceeding_of(conn, customer_ref, on))
        if refusal is not None:
            raise RouteClosed(refusal)
        for position, item in enumerate(items):
            _record_route(conn, item, route, on, agency, note, actor, first=position == 0)
            if route is Route.WRITE_OFF:
                write_off_in(
                    conn, item.invoice.number, write_off_reason, on, note, vat_recoverable, actor
                )
        done = Handoff(customer_ref, route, on, items, agency)
        repo.append_event(
            conn, "handoff", actor=actor, customer_ref=customer_ref,
            subject=agency.name if agency else route.value,
            data={"route": route.value, "agency": agency.name if agency else None,
                  "invoices": [i.invoice.number for i in items],
                  "claim": {c: str(m.amount) for c, m in done.totals.items()}},
            reason=note, dated=on,
        )  # fmt: skip
        _close_the_task(conn, customer_ref, on, route, actor)
        decision, ids = decide_as_of(conn, on, customer_ref)
        apply_cancellations(conn, decision.cancellations, ids, actor, on)
    return done


_DECISION_CHANNELS = frozenset({Channel.AGENCY_HANDOFF, Channel.WRITE_OFF_REVIEW})


def _close_the_task(
    conn: Connection, customer_ref: str, on: date, route: Route, actor: str
) -> None:
    """The policy's handoff task pending for the customer is what the decision carries
    out: it is done on the decision's day (the other pending steps are cancelled after)."""
    for action_id, action in queue_repo.engine_actions(conn, on, customer_ref):
        if action.status not in PENDING or not _DECISION_CHANNELS & set(action.channels):
            continue
        queue_repo.set_action_status(
            conn, action_id, ActionStatus.DONE, done_on=on, outcome=f"handoff: {route.value}"
        )
        repo.append_event(
            conn, "action.done", actor=actor, customer_ref=customer_ref,
            subject=f"action {action_id}",
            data={"id": action_id, "level": action.level_name, "done_on": on.isoformat(),
                  "outcome": f"handoff: {route.value}"},
            dated=on,
        )  # fmt: skip


def _record_route(
    conn: Connection,
    item: ClaimItem,
    route: Route,
    on: date,
    agency: Agency | None,
    note: str,
    actor: str,
    *,
    first: bool,
) -> None:
    number = item.invoice.number
    fee = None
    if agency is not None and first and agency.fees.currency == item.balance.currency:
        fee = Money(agency.fees.fixed_fee, agency.fees.currency)
    agency_repo.add_route(
        conn,
        agency_repo.RouteRow(
            number, item.invoice.customer_ref, route.value, agency.name if agency else None,
            on, item.balance, item.age_days, actor, note, fee,
        ),
    )  # fmt: skip
    if agency is not None:
        law_repo.add_handoff(
            conn, AgencyHandoff(number, agency.name, on, HandoffStatus.WITH_AGENCY, note)
        )
