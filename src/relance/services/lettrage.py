"""Lettrage by a person: the queue of unmatched credits, matching a credit by hand, undoing
a match, taking a credit out of the queue.

Each decision writes what the rules would have (`relance.services.matching`): PAYMENT and
DISCOUNT allocations, the payment's customer, the line's state, and one event per change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage import repository_lettrage as rlt
from relance.adapters.storage import repository_payments as rp
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_bank import Lettrage
from relance.core.bank import BankTransaction, MatchState
from relance.core.matching import Match, OpenItem, Rule, match_manually
from relance.core.model import Payment
from relance.core.money import Money
from relance.services.matching import (
    add_events,
    context_for,
    discount_rule,
    match_events,
    run_matching,
    suggestions_of,
    write_allocations,
)

# No rule reaches this confidence: matching with it only ranks suggestions.
_SUGGEST_ONLY = 101


def lettrage(
    store: Store, states: Iterable[MatchState] | None = None, *, with_suggestions: bool = False
) -> list[Lettrage]:
    """Every stored statement line (or those in `states`) with its match state, and with
    `with_suggestions` the ranked suggestions of those waiting."""
    with store.begin() as conn:
        return rb.load_lettrage(conn, states=states, with_suggestions=with_suggestions)


def unmatched(store: Store) -> list[Lettrage]:
    """The credits waiting for a person, oldest first, each with its ranked suggestions."""
    return lettrage(store, (MatchState.UNMATCHED,), with_suggestions=True)


def recently_matched(store: Store, limit: int = 50) -> list[Lettrage]:
    """The `limit` lines matched last (by a rule or a person), latest first: those a person
    may want to unmatch."""
    with store.begin() as conn:
        keys = rlt.recently_matched_keys(conn, limit)
        found = {line.transaction.key: line for line in rb.load_lettrage(conn, keys=keys)}
    return [found[key] for key in keys if key in found]


def _chosen_items(conn: Connection, numbers: Sequence[str], as_of: date) -> list[OpenItem]:
    invoices = repo.existing_invoices(conn, list(numbers))
    missing = [n for n in numbers if n not in invoices]
    if missing:
        raise LookupError(f"unknown invoice(s): {', '.join(missing)}")
    owners = {invoices[n].customer_ref for n in numbers}
    if len(owners) > 1:
        raise ValueError(f"the invoices belong to several customers: {', '.join(sorted(owners))}")
    items = []
    for number in dict.fromkeys(numbers):
        invoice = invoices[number]
        owed = invoice.amount.to_minor() - rp.allocated_to(conn, number)
        if owed <= 0:
            raise ValueError(f"invoice {number} is already settled")
        items.append(OpenItem(invoice, Money.from_minor(owed, invoice.currency)))
    return items


@dataclass(frozen=True, slots=True)
class Decision:
    """What a person's `match` or `unmatch` changed."""

    key: str
    customer_ref: str | None
    allocations: tuple[tuple[str, str, Money], ...]  # (kind, invoice number, amount)
    unapplied: Money | None
    state: MatchState

    @classmethod
    def by_hand(cls, decided: Match) -> Decision:
        """What a person's match wrote: its allocations and what stays unapplied."""
        return cls(
            decided.transaction_key,
            decided.customer_ref,
            tuple((a.kind.value, a.invoice_number, a.amount) for a in decided.allocations),
            decided.unapplied,
            MatchState.MANUAL,
        )


def match(
    store: Store,
    key: str,
    invoice_numbers: Sequence[str],
    *,
    customer_ref: str | None = None,
    actor: str = "user",
    as_of: date | None = None,
) -> Decision:
    """Settle the credit (a statement line, or a payment of the ledger) named by `key` (or
    the start of it) against `invoice_numbers`, oldest due first, with the early-payment
    discount when exactly the discounted amount was paid; what is left stays unapplied
    credit. With no invoice, `customer_ref` names whose credit it is.

    Raises LookupError for an unknown key or invoice, ValueError for a line already
    matched (unmatch it first), a debit, invoices of several customers, a currency mix.
    """
    if not invoice_numbers and not customer_ref:
        raise ValueError("name the invoices the payment settles, or the customer it is from")
    at = datetime.now(UTC)
    with store.begin() as conn:
        found = rb.find_transaction(conn, key)
        if found is None:
            return _match_payment(conn, key, invoice_numbers, actor, at, as_of)
        tx = found.transaction
        if found.state is MatchState.IGNORED:
            raise ValueError(f"{tx.key} is not a customer payment ({found.note or tx.amount})")
        if found.state is not MatchState.UNMATCHED:
            raise ValueError(
                f"{tx.key} is already matched to {found.customer_ref}; run unmatch first"
            )
        chosen = _chosen_items(conn, invoice_numbers, as_of or rb.day_of(tx))
        owner = chosen[0].invoice.customer_ref if chosen else customer_ref
        assert owner is not None
        if chosen and customer_ref and customer_ref != owner:
            raise ValueError(f"the invoices are {owner}'s, not {customer_ref}'s")
        if not repo.load_customers(conn, [owner]):
            raise LookupError(f"unknown customer {owner!r}")
        if any(item.invoice.currency != tx.amount.currency for item in chosen):
            raise ValueError(f"the payment is in {tx.amount.currency}, not every invoice is")
        decided = match_manually(tx, owner, chosen, discount=discount_rule(conn))
        _record_manual(conn, found, decided, actor, at)
        return Decision.by_hand(decided)


def _record_manual(
    conn: Connection, found: Lettrage, decided: Match, actor: str, at: datetime
) -> None:
    tx = found.transaction
    write_allocations(conn, [decided])
    rp.assign_payments(conn, {tx.key: decided.customer_ref})
    rb.set_matched(
        conn,
        tx.key,
        state=MatchState.MANUAL,
        customer_ref=decided.customer_ref,
        rule=Rule.MANUAL.value,
        confidence=100,
        unapplied=decided.unapplied,
        at=at,
    )
    rb.replace_suggestions(conn, {tx.key: ()})
    # A person confirmed who paid: the payer's IBAN is the customer's from now on, so the
    # next payment from that account is matched by the IBAN rule.
    rb.add_customer_iban(conn, decided.customer_ref, tx.payer_iban)
    add_events(conn, match_events([decided], actor, at))


def _match_payment(
    conn: Connection,
    key: str,
    numbers: Sequence[str],
    actor: str,
    at: datetime,
    as_of: date | None,
) -> Decision:
    """A payment of the ledger (a FEC or CSV payment): its unapplied part goes to `numbers`."""
    paid = _ledger_payment(conn, key)
    if not numbers:
        raise ValueError("name the invoices the payment settles")
    left = paid.amount.to_minor() - rp.applied_from(conn, paid.key)
    if left <= 0:
        raise ValueError(f"payment {paid.key} is already fully applied")
    chosen = _chosen_items(conn, numbers, as_of or paid.date)
    owner = chosen[0].invoice.customer_ref
    if paid.customer_ref is not None and paid.customer_ref != owner:
        raise ValueError(f"payment {paid.key} is {paid.customer_ref}'s; the invoices are {owner}'s")
    currency = paid.amount.currency
    tx = BankTransaction(paid.key, paid.date, Money.from_minor(left, currency))
    decided = match_manually(tx, owner, chosen, discount=discount_rule(conn))
    write_allocations(conn, [decided])
    if paid.customer_ref is None:
        rp.assign_payments(conn, {paid.key: owner})
    add_events(conn, match_events([decided], actor, at))
    return Decision.by_hand(decided)


def unmatch(
    store: Store, key: str, *, actor: str = "user", as_of: date, reason: str = ""
) -> Decision:
    """Undo the match of the line (or payment) `key`: its allocations are removed, the
    payer becomes unknown again and the line goes back to the queue with fresh suggestions
    as of `as_of`. Raises LookupError for an unknown key, ValueError when nothing to undo."""
    at = datetime.now(UTC)
    with store.begin() as conn:
        found = rb.find_transaction(conn, key)
        if found is None:
            paid = _ledger_payment(conn, key)
            removed = rp.delete_allocations(conn, [paid.key, f"discount:{paid.key}"])
            if not removed:
                raise ValueError(f"payment {paid.key} is applied to no invoice")
            _unmatch_event(conn, paid.key, paid.customer_ref, removed, actor, at, reason)
            undone = _removed(removed, paid.amount.currency)
            return Decision(paid.key, paid.customer_ref, undone, None, MatchState.UNMATCHED)
        tx = found.transaction
        if found.state not in (MatchState.AUTOMATIC, MatchState.MANUAL):
            raise ValueError(f"{tx.key} is not matched ({found.state.value})")
        removed = rp.delete_allocations(conn, [tx.key, f"discount:{tx.key}"])
        rp.assign_payments(conn, {tx.key: None})
        rb.set_matched(
            conn,
            tx.key,
            state=MatchState.UNMATCHED,
            customer_ref=None,
            rule=None,
            confidence=None,
            unapplied=None,
            at=None,
        )
        result = run_matching(context_for(conn, as_of, [tx]), [tx], auto_threshold=_SUGGEST_ONLY)
        rb.replace_suggestions(conn, {tx.key: suggestions_of(result).get(tx.key, ())})
        _unmatch_event(conn, tx.key, found.customer_ref, removed, actor, at, reason)
        return Decision(
            tx.key,
            found.customer_ref,
            _removed(removed, tx.amount.currency),
            None,
            MatchState.UNMATCHED,
        )


def _ledger_payment(conn: Connection, key: str) -> Payment:
    """The payment of the ledger named `key`; LookupError when there is none either."""
    paid = rp.payment(conn, key)
    if paid is None:
        raise LookupError(f"no bank transaction or payment {key!r}")
    return paid


def _removed(
    removed: Sequence[tuple[str, str, int]], currency: str
) -> tuple[tuple[str, str, Money], ...]:
    return tuple(
        ("discount" if source.startswith("discount:") else "payment", number,
         Money.from_minor(minor, currency))
        for source, number, minor in removed
    )  # fmt: skip


def _unmatch_event(
    conn: Connection,
    key: str,
    customer_ref: str | None,
    removed: Sequence[tuple[str, str, int]],
    actor: str,
    at: datetime,
    reason: str,
) -> None:
    repo.append_event(
        conn,
        "payment.unmatched",
        actor=actor,
        customer_ref=customer_ref,
        subject=key,
        data={"payment": key, "removed": [[s, n, m] for s, n, m in removed]},
        reason=reason or "match undone by hand",
        at=at,
    )


def ignore(store: Store, key: str, *, reason: str, actor: str = "user") -> Lettrage:
    """Take a credit out of the queue without matching it (a refund, a transfer between our
    own accounts, a receipt the accounting export already recorded): it stays stored, marked
    ignored with the reason. Raises LookupError for an unknown line, ValueError when the
    line is not waiting in the queue or no reason is given."""
    if not reason.strip():
        raise ValueError("say why the payment is ignored (--reason)")
    with store.begin() as conn:
        found = rb.find_transaction(conn, key)
        if found is None:
            raise LookupError(f"no bank transaction {key!r}")
        if found.state is not MatchState.UNMATCHED:
            raise ValueError(f"{found.transaction.key} is not waiting in the queue")
        rb.set_ignored(conn, found.transaction.key, reason.strip())
        rb.replace_suggestions(conn, {found.transaction.key: ()})
        repo.append_event(
            conn,
            "payment.ignored",
            actor=actor,
            subject=found.transaction.key,
            data={"payment": found.transaction.key, "amount": str(found.transaction.amount)},
            reason=reason.strip(),
        )
    return replace(found, state=MatchState.IGNORED, note=reason.strip(), suggestions=())
