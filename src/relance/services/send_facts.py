"""What a send reads of the ledger for a chunk of actions, as of the send day, in one query
per kind of fact: the customers and their balances (`CustomerView`), their other actions,
disputes, promises, plans, payments, holds, proceedings, contacts, the letters already
kept and the actions done, the handoffs and interruptions of the actions' invoices, the
creditor and the policies.

The delivery check (`relance.services.delivery_check`) and the composition
(`relance.services.composing`) read an action's facts from here: one action alone reads
the same facts as a chunk of one (`read_facts` of that action), so a chunk's letters
say what one-by-one letters said.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as rlaw
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_overdue as overdue_repo
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_runs as rruns
from relance.adapters.storage.database import Connection
from relance.core.actions import Action, ActionStatus
from relance.core.contacts import Contact
from relance.core.limitation import Interruption
from relance.core.model import Allocation, Creditor, Customer, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.plans import PaymentPlan
from relance.core.policy import PolicyIndex
from relance.core.proceedings import Proceeding
from relance.core.queued import QueuedAction
from relance.core.writeoff import AgencyHandoff
from relance.services.interest_reports import ClaimFacts, read_claim_facts

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CustomerView:
    """What both the delivery check and the composition read of an action's customer as
    of the send day, read once: the customer, its open invoices with their balances, and
    its credit on account by currency."""

    customer: Customer | None
    owed: tuple[tuple[Invoice, Money], ...]
    credit: dict[str, Money]


def customer_views(conn: Connection, refs: Sequence[str], as_of: date) -> dict[str, CustomerView]:
    """The `CustomerView` of each of `refs`, read in one query per kind of fact (the
    customers, their open balances, their credit on account)."""
    customers = {customer.ref: customer for customer in repo.load_customers(conn, refs)}
    owed = repo.open_balances_of(conn, as_of, refs)
    credit = overdue_repo.unapplied_credit(conn, as_of, customer_refs=refs)
    return {
        ref: CustomerView(
            customers.get(ref),
            tuple(owed[ref]),
            {currency: Money(amount, currency) for currency, amount in credit.get(ref, {}).items()},
        )
        for ref in refs
    }


@dataclass(frozen=True, slots=True)
class SendFacts:
    """The ledger as of `as_of` for the customers of a chunk of actions, by customer
    (lists in the order each repository gives them), and for the actions' invoices."""

    as_of: date
    creditor: Creditor | None
    policies: PolicyIndex
    policy_texts: tuple[tuple[str, str], ...]  # the stored policies' TOML, by name
    claims: ClaimFacts | None  # what the letters' charges read (None without a creditor)
    views: dict[str, CustomerView]
    others: dict[str, tuple[Action, ...]]
    disputes: dict[str, tuple[Dispute, ...]]
    promises: dict[str, tuple[Promise, ...]]
    plans: dict[str, tuple[PaymentPlan, ...]]
    payments: dict[str, tuple[tuple[date, Money], ...]]
    holds: dict[str, tuple[Hold, ...]]
    proceedings: dict[str, tuple[Proceeding, ...]]
    contacts: dict[str, tuple[Contact, ...]]
    letters: dict[str, tuple[tuple[int, date], ...]]  # (level, date) of the letters kept
    done: dict[str, tuple[QueuedAction, ...]]  # the actions carried out
    toward_plans: tuple[Allocation, ...]  # allocated to the plans' invoices
    handoffs: tuple[AgencyHandoff, ...]  # of the actions' invoices
    interruptions: tuple[Interruption, ...]  # of the actions' invoices

    def handoffs_of(self, numbers: Iterable[str]) -> tuple[AgencyHandoff, ...]:
        """The handoffs of these invoices, oldest first."""
        wanted = set(numbers)
        return tuple(h for h in self.handoffs if h.invoice_number in wanted)

    def interruptions_of(self, numbers: Iterable[str]) -> tuple[Interruption, ...]:
        """The interruptions of these invoices, by date."""
        wanted = set(numbers)
        return tuple(i for i in self.interruptions if i.invoice_number in wanted)


def read_facts(conn: Connection, items: Sequence[QueuedAction], as_of: date) -> SendFacts:
    """The `SendFacts` of the customers and invoices of `items`, as of `as_of`."""
    refs = sorted({item.action.customer_ref for item in items})
    numbers = sorted({n for item in items for n in item.action.invoice_numbers})
    plans = _grouped((p.customer_ref, p) for p in pause_repo.load_plans(conn, refs))
    planned = sorted({n for found in plans.values() for p in found for n in p.invoice_numbers})
    top = max((item.action.level for item in items), default=0)
    done = queue_repo.load_queue(conn, (ActionStatus.DONE,), refs)
    others = queue_repo.engine_actions(conn, as_of, refs)
    paid = overdue_repo.payments_of(conn, refs, as_of)
    letters = rl.letters_sent_to_each(conn, refs, top)
    creditor = repo.load_creditor(conn)
    return SendFacts(
        as_of=as_of,
        creditor=creditor,
        policies=PolicyIndex(policy_repo.load_policies(conn), policy_repo.load_rules(conn)),
        policy_texts=policy_repo.policy_texts(conn),
        claims=read_claim_facts(conn, refs, numbers) if creditor is not None else None,
        views=customer_views(conn, refs, as_of),
        others=_grouped((a.customer_ref, a) for _, a in others),
        disputes=_grouped(pause_repo.disputes_with_customers(conn, refs)),
        promises=_grouped((p.customer_ref, p) for p in pause_repo.load_promises(conn, refs)),
        plans=plans,
        payments=_grouped((ref, (day, amount)) for ref, day, amount in paid),
        holds=_grouped((h.customer_ref, h) for h in pause_repo.load_holds(conn, refs)),
        proceedings=_grouped((p.customer_ref, p) for p in rruns.load_proceedings(conn, refs)),
        contacts=_grouped((c.customer_ref, c) for c in pause_repo.load_contacts(conn, as_of, refs)),
        letters={ref: tuple(found) for ref, found in letters.items()},
        done=_grouped((q.action.customer_ref, q) for q in done),
        toward_plans=tuple(overdue_repo.allocations_to(conn, planned, as_of)) if planned else (),
        handoffs=tuple(rlaw.load_handoffs(conn, numbers)),
        interruptions=tuple(rlaw.load_interruptions(conn, numbers)),
    )  # fmt: skip


def _grouped(pairs: Iterable[tuple[str, T]]) -> dict[str, tuple[T, ...]]:
    """(customer, fact) pairs gathered by customer, each customer's in their order."""
    found: dict[str, list[T]] = {}
    for ref, fact in pairs:
        found.setdefault(ref, []).append(fact)
    return {ref: tuple(facts) for ref, facts in found.items()}
