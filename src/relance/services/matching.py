"""Use cases of lettrage: the queue of unmatched credits, matching by hand, undoing a match.

The pure rules live in `relance.core.matching`; this module gives them what the database
knows (open invoices, customers and their IBANs, the RF references our letters printed,
early-payment terms) and writes back what they decide: PAYMENT and DISCOUNT allocations,
the payment's customer, the line's state, and one event per change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_bank import Lettrage
from relance.adapters.storage.tables_bank import MatchState
from relance.core.bank import BankTransaction
from relance.core.matching import (
    DiscountRule,
    Match,
    MatchingResult,
    OpenItem,
    Rule,
    discount_by_terms,
    match_manually,
    match_transactions,
)
from relance.core.model import Invoice
from relance.core.money import Money
from relance.core.payer_names import PayerNames, named_customer
from relance.core.plans import PaymentPlan
from relance.core.terms import DiscountTerms

# No rule reaches this confidence: matching with it only ranks suggestions.
_SUGGEST_ONLY = 101


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What matching needs from the database, read once per import or decision."""

    items: tuple[OpenItem, ...]
    customers: tuple[Any, ...]
    references: dict[str, tuple[str, ...]]
    discount: DiscountRule | None
    plans: tuple[PaymentPlan, ...] = ()


def discount_rule(conn: Connection) -> DiscountRule | None:
    """The early-payment discount of each invoice (its own terms, else its customer's
    contract's), or None when no invoice has any: matching then skips the question."""
    own, by_customer = rb.discount_terms(conn)
    if not own and not by_customer:
        return None

    def terms_of(invoice: Invoice) -> DiscountTerms | None:
        return own.get(invoice.number) or by_customer.get(invoice.customer_ref)

    return discount_by_terms(terms_of)


def context(conn: Connection, as_of: date) -> MatchContext:
    """Open invoices as of `as_of` (oldest due first), customers, letters' references,
    discount terms."""
    items = tuple(rb.open_items(conn, as_of))
    return MatchContext(
        items=items,
        customers=tuple(repo.load_customers(conn)),
        references=rb.letter_references(conn),
        discount=discount_rule(conn),
        plans=tuple(pause_repo.load_plans(conn)),
    )


_TOKEN = re.compile(r"[0-9A-Z]+(?:[-/._][0-9A-Z]+)*")


def _plain(number: str) -> str:
    return "".join(ch for ch in number.upper() if ch.isascii() and ch.isalnum())


def _near(key: str) -> list[str]:
    """`key` with one digit changed or two neighbours swapped (as the number rule forgives)."""
    found: list[str] = []
    for at, char in enumerate(key):
        if char.isdigit():
            found.extend(key[:at] + d + key[at + 1 :] for d in "0123456789" if d != char)
        if at + 1 < len(key) and key[at + 1] != char:
            found.append(key[:at] + key[at + 1] + char + key[at + 2 :])
    return found


def context_for(
    conn: Connection, as_of: date, transactions: Sequence[BankTransaction]
) -> MatchContext:
    """The part of `context` a few payments can be matched to: invoices named in their
    text or by an RF reference, invoices of the customers who own the payers' IBANs, and
    invoices owing exactly an amount paid, invoices of the customer the payer's name names.
    Matching a single payment again (`unmatch`)
    then reads a few rows instead of every open invoice."""
    references = rb.letter_references(conn)
    named_payers = any(tx.payer_name for tx in transactions)
    names = PayerNames({c.ref: c.name for c in repo.load_customers(conn)} if named_payers else {})
    numbers: set[str] = set()
    amounts: set[int] = set()
    owners: set[str] = set()
    for tx in transactions:
        amounts.add(tx.amount.to_minor())
        for token in _TOKEN.findall(f"{tx.structured_reference} {tx.remittance}".upper()):
            key = _plain(token)
            numbers.update((key, *_near(key)))  # the number rule forgives one typing mistake
            if key.startswith("RF"):
                numbers.update(map(_plain, references.get(key, ())))
                numbers.add(key[4:])
        if tx.payer_iban:
            owners.update(rb.customers_with_iban(conn, tx.payer_iban))
        named = named_customer(names, tx.payer_name) if tx.payer_name else None
        if named is not None:
            owners.add(named[0])
    items = rb.open_items_among(
        conn, as_of, numbers=numbers, customer_refs=owners, owed_minor=amounts
    )
    refs = owners | {item.invoice.customer_ref for item in items}
    return MatchContext(
        items=tuple(items),
        customers=tuple(repo.load_customers(conn, refs)),
        references=references,
        discount=discount_rule(conn),
        plans=tuple(pause_repo.load_plans(conn)),
    )


def run_matching(
    ctx: MatchContext, transactions: Sequence[BankTransaction], auto_threshold: int = 75
) -> MatchingResult:
    """The pure matching of `transactions` against the context."""
    return match_transactions(
        transactions,
        ctx.items,
        ctx.customers,
        references=ctx.references,
        discount=ctx.discount,
        auto_threshold=auto_threshold,
        plans=ctx.plans,
    )


def _event_row(
    kind: str, actor: str, at: datetime, customer: str | None, subject: str, data: Any, why: str
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "kind": kind,
        "customer_ref": customer,
        "subject": subject,
        "data": data,
        "reason": why,
    }


def write_allocations(conn: Connection, matches: Sequence[Match]) -> int:
    """Insert the allocations of `matches`; returns how many. The invoices exist (matching
    chose them among the open ones)."""
    numbers = {a.invoice_number for m in matches for a in m.allocations}
    ids = repo.invoice_ids(conn, numbers)
    rows = [
        {
            "kind": a.kind.value,
            "source": a.source,
            "invoice_id": ids[a.invoice_number],
            "currency": a.amount.currency,
            "amount_minor": a.amount.to_minor(),
            "date": a.date,
        }
        for m in matches
        for a in m.allocations
    ]
    rb.insert_rows(conn, t.allocations, rows)
    return len(rows)


def match_events(
    matches: Sequence[Match], actor: str, at: datetime, kind: str = "payment.matched"
) -> list[dict[str, Any]]:
    """One event per match: which payment settled which invoices, by what evidence."""
    return [
        _event_row(
            kind,
            actor,
            at,
            m.customer_ref,
            m.transaction_key,
            {
                "payment": m.transaction_key,
                "rule": m.rule.value,
                "confidence": m.confidence,
                "allocations": [
                    [a.kind.value, a.invoice_number, str(a.amount.amount)] for a in m.allocations
                ],
                "unapplied": str(m.unapplied.amount),
                "currency": m.unapplied.currency,
                "why": m.reason,
            },
            f"{m.rule.value} ({m.confidence} %)" + (f": {m.reason}" if m.reason else ""),
        )
        for m in matches
    ]


def add_events(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append many events at once (the columns `append_event` writes)."""
    rb.insert_rows(conn, t.events, rows)


# -- the queue ---------------------------------------------------------------------------


def unmatched(store: Store) -> list[Lettrage]:
    """The credits waiting for a person, oldest first, each with its ranked suggestions."""
    with store.begin() as conn:
        return rb.load_lettrage(conn, states=(MatchState.UNMATCHED,), with_suggestions=True)


def lettrage(store: Store, states: Iterable[MatchState] | None = None) -> list[Lettrage]:
    """Every stored statement line (or those in `states`) with its match state."""
    with store.begin() as conn:
        return rb.load_lettrage(conn, states=states)


def _find(conn: Connection, key: str) -> Lettrage | None:
    return rb.find_transaction(conn, key)


def _payment_row(conn: Connection, key: str) -> Any:
    return conn.execute(
        select(t.payments, t.customers.c.ref)
        .outerjoin(t.customers, t.customers.c.id == t.payments.c.customer_id)
        .where(t.payments.c.key == key)
    ).first()


def _chosen_items(conn: Connection, numbers: Sequence[str], as_of: date) -> list[OpenItem]:
    invoices = repo.existing_invoices(conn, list(numbers))
    missing = [n for n in numbers if n not in invoices]
    if missing:
        raise LookupError(f"unknown invoice(s): {', '.join(missing)}")
    owners = {invoices[n].customer_ref for n in numbers}
    if len(owners) > 1:
        raise ValueError(f"the invoices belong to several customers: {', '.join(sorted(owners))}")
    ids = repo.invoice_ids(conn, numbers)
    items = []
    for number in dict.fromkeys(numbers):
        invoice = invoices[number]
        owed = invoice.amount.to_minor() - repo.allocated_minor(conn, ids[number])
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
        found = _find(conn, key)
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
        if not repo.customer_ids(conn).get(owner):
            raise LookupError(f"unknown customer {owner!r}")
        if any(item.invoice.currency != tx.amount.currency for item in chosen):
            raise ValueError(f"the payment is in {tx.amount.currency}, not every invoice is")
        decided = match_manually(tx, owner, chosen, discount=discount_rule(conn))
        _record_manual(conn, found, decided, actor, at)
        return Decision(
            tx.key,
            owner,
            tuple((a.kind.value, a.invoice_number, a.amount) for a in decided.allocations),
            decided.unapplied,
            MatchState.MANUAL,
        )


def _record_manual(
    conn: Connection, found: Lettrage, decided: Match, actor: str, at: datetime
) -> None:
    tx = found.transaction
    write_allocations(conn, [decided])
    customer_id = repo.customer_ids(conn)[decided.customer_ref]
    rb.assign_payments(conn, {tx.key: customer_id})
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
    _learn_iban(conn, decided.customer_ref, tx.payer_iban)
    add_events(conn, match_events([decided], actor, at))


def _learn_iban(conn: Connection, customer_ref: str, iban: str) -> None:
    """A person confirmed who paid: the payer's IBAN is the customer's from now on, so the
    next payment from that account is matched by the IBAN rule."""
    compact = "".join(iban.split()).upper()
    if not compact:
        return
    (customer,) = repo.load_customers(conn, [customer_ref])
    known = {"".join(i.split()).upper() for i in customer.ibans}
    if compact not in known:
        conn.execute(
            update(t.customers)
            .where(t.customers.c.ref == customer_ref)
            .values(ibans=",".join((*customer.ibans, compact)))
        )


def _match_payment(
    conn: Connection,
    key: str,
    numbers: Sequence[str],
    actor: str,
    at: datetime,
    as_of: date | None,
) -> Decision:
    """A payment of the ledger (a FEC or CSV payment): its unapplied part goes to `numbers`."""
    row = _payment_row(conn, key)
    if row is None:
        raise LookupError(f"no bank transaction or payment {key!r}")
    if not numbers:
        raise ValueError("name the invoices the payment settles")
    paid = Money.from_minor(row.amount_minor, row.currency)
    left = paid.to_minor() - rb.applied_from(conn, row.key)
    if left <= 0:
        raise ValueError(f"payment {row.key} is already fully applied")
    chosen = _chosen_items(conn, numbers, as_of or row.date)
    owner = chosen[0].invoice.customer_ref
    if row.ref is not None and row.ref != owner:
        raise ValueError(f"payment {row.key} is {row.ref}'s; the invoices are {owner}'s")
    tx = BankTransaction(row.key, row.date, Money.from_minor(left, row.currency))
    decided = match_manually(tx, owner, chosen, discount=discount_rule(conn))
    write_allocations(conn, [decided])
    if row.ref is None:
        rb.assign_payments(conn, {row.key: repo.customer_ids(conn)[owner]})
    add_events(conn, match_events([decided], actor, at))
    return Decision(
        row.key,
        owner,
        tuple((a.kind.value, a.invoice_number, a.amount) for a in decided.allocations),
        decided.unapplied,
        MatchState.MANUAL,
    )


def unmatch(
    store: Store, key: str, *, actor: str = "user", as_of: date, reason: str = ""
) -> Decision:
    """Undo the match of the line (or payment) `key`: its allocations are removed, the
    payer becomes unknown again and the line goes back to the queue with fresh suggestions
    as of `as_of`. Raises LookupError for an unknown key, ValueError when nothing to undo."""
    at = datetime.now(UTC)
    with store.begin() as conn:
        found = _find(conn, key)
        if found is None:
            row = _payment_row(conn, key)
            if row is None:
                raise LookupError(f"no bank transaction or payment {key!r}")
            removed = rb.delete_allocations(conn, [row.key, f"discount:{row.key}"])
            if not removed:
                raise ValueError(f"payment {row.key} is applied to no invoice")
            _unmatch_event(conn, row.key, row.ref, removed, actor, at, reason)
            return Decision(
                row.key, row.ref, _removed(removed, row.currency), None, MatchState.UNMATCHED
            )
        tx = found.transaction
        if found.state not in (MatchState.AUTOMATIC, MatchState.MANUAL):
            raise ValueError(f"{tx.key} is not matched ({found.state.value})")
        removed = rb.delete_allocations(conn, [tx.key, f"discount:{tx.key}"])
        rb.assign_payments(conn, {tx.key: None})
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


def suggestions_of(result: MatchingResult) -> dict[str, tuple[Any, ...]]:
    """The suggestions of each unmatched line of a matching result, by key."""
    return {u.transaction.key: u.suggestions for u in result.unmatched}


@dataclass(frozen=True, slots=True)
class Rematch:
    """What matching the queue again did."""

    looked_at: int
    matched: tuple[Match, ...]
    still_waiting: int


def rematch(
    store: Store,
    *,
    as_of: date,
    actor: str = "relance",
    auto_threshold: int = 75,
    dry_run: bool = False,
) -> Rematch:
    """Match the queued credits again against the ledger as it is now (after invoices were
    imported, or letters sent with their references): confident matches are written, the
    suggestions of the others refreshed."""
    transaction = store.trial() if dry_run else store.begin()
    with transaction as conn:
        waiting = rb.load_lettrage(conn, states=(MatchState.UNMATCHED,))
        if not waiting:
            return Rematch(0, (), 0)
        txs = [line.transaction for line in waiting]
        result = run_matching(context(conn, as_of), txs, auto_threshold)
        at = datetime.now(UTC)
        ids = repo.customer_ids(conn)
        write_allocations(conn, result.matches)
        rb.assign_payments(conn, {m.transaction_key: ids[m.customer_ref] for m in result.matches})
        rb.set_matched_many(
            conn,
            [
                {
                    "b_key": m.transaction_key,
                    "state": MatchState.AUTOMATIC.value,
                    "customer_ref": m.customer_ref,
                    "rule": m.rule.value,
                    "confidence": m.confidence,
                    "unapplied_minor": m.unapplied.to_minor(),
                    "matched_at": at,
                }
                for m in result.matches
            ],
        )
        fresh = suggestions_of(result)
        rb.replace_suggestions(conn, {tx.key: fresh.get(tx.key, ()) for tx in txs})
        add_events(conn, match_events(result.matches, actor, at))
    return Rematch(len(txs), result.matches, len(result.unmatched))


def ignore(store: Store, key: str, *, reason: str, actor: str = "user") -> Lettrage:
    """Take a credit out of the queue without matching it (a refund, a transfer between our
    own accounts, a receipt the accounting export already recorded): it stays stored, marked
    ignored with the reason. Raises LookupError for an unknown line, ValueError when the
    line is not waiting in the queue or no reason is given."""
    if not reason.strip():
        raise ValueError("say why the payment is ignored (--reason)")
    with store.begin() as conn:
        found = _find(conn, key)
        if found is None:
            raise LookupError(f"no bank transaction {key!r}")
        if found.state is not MatchState.UNMATCHED:
            raise ValueError(f"{found.transaction.key} is not waiting in the queue")
        conn.execute(
            update(tb.bank_transactions)
            .where(tb.bank_transactions.c.key == found.transaction.key)
            .values(state=MatchState.IGNORED.value, note=reason.strip())
        )
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
