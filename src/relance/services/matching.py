"""Running lettrage's rules on bank credits: at an import, and again on the queue (`rematch`).

The pure rules live in `relance.core.matching`; this module gives them what the database
knows (open invoices, customers and their IBANs, the RF references our letters printed,
early-payment terms) and writes back what they decide: PAYMENT and DISCOUNT allocations,
the payment's customer, the line's state, and one event per change. What a person does
with the queue (match by hand, undo, ignore) is `relance.services.lettrage`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_bank as rb
from relance.adapters.storage import repository_open_invoices as ro
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage import repository_payments as rp
from relance.adapters.storage.database import Connection, Store
from relance.core.bank import BankTransaction, MatchState
from relance.core.match_book import NOT_ALNUM, near_keys
from relance.core.matching import (
    DiscountRule,
    Match,
    MatchingResult,
    OpenItem,
    discount_by_terms,
    match_transactions,
)
from relance.core.model import Invoice
from relance.core.money import minor_units
from relance.core.payer_names import PayerNames, named_customer
from relance.core.plans import PaymentPlan
from relance.core.terms import DiscountTerms
from relance.services import webhook_events


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What matching needs from the database, read once per import or decision."""

    items: Sequence[OpenItem]
    customers: tuple[Any, ...]
    references: dict[str, tuple[str, ...]]
    discount: DiscountRule | None
    plans: tuple[PaymentPlan, ...] = ()


def discount_rule(conn: Connection) -> DiscountRule | None:
    """The early-payment discount of each invoice (its own terms, else its customer's
    contract's), or None when no invoice has any: matching then skips the question."""
    own, by_customer = ro.discount_terms(conn)
    if not own and not by_customer:
        return None

    def terms_of(invoice: Invoice) -> DiscountTerms | None:
        return own.get(invoice.number) or by_customer.get(invoice.customer_ref)

    return discount_by_terms(terms_of)


def context(conn: Connection, as_of: date) -> MatchContext:
    """Open invoices as of `as_of` (oldest due first), customers, letters' references,
    discount terms."""
    discount = discount_rule(conn)
    # Without early-payment terms no rule needs an invoice's whole record: only what each
    # still owes is read (a million invoices in half the time).
    items = ro.open_items(conn, as_of) if discount else ro.open_balances(conn, as_of)
    return MatchContext(
        items=items,
        customers=tuple(ro.payers(conn)),
        references=ro.letter_references(conn),
        discount=discount,
        plans=tuple(pause_repo.load_plans(conn)),
    )


_TOKEN = re.compile(r"[0-9A-Z]+(?:[-/._][0-9A-Z]+)*")


def _plain(number: str) -> str:
    """An invoice number as the rules compare it: upper case, letters and digits only."""
    return NOT_ALNUM.sub("", number.upper())


def context_for(
    conn: Connection, as_of: date, transactions: Sequence[BankTransaction]
) -> MatchContext:
    """The part of `context` a few payments can be matched to: invoices named in their
    text or by an RF reference, invoices of the customers who own the payers' IBANs, and
    invoices owing exactly an amount paid, invoices of the customer the payer's name names.
    Matching a single payment again (`unmatch`)
    then reads a few rows instead of every open invoice."""
    references = ro.letter_references(conn)
    named_payers = any(tx.payer_name for tx in transactions)
    names = PayerNames({c.ref: c.name for c in repo.load_customers(conn)} if named_payers else {})
    numbers: set[str] = set()
    amounts: set[int] = set()
    owners: set[str] = set()
    for tx in transactions:
        amounts.add(tx.amount.to_minor())
        for token in _TOKEN.findall(f"{tx.structured_reference} {tx.remittance}".upper()):
            key = _plain(token)
            numbers.update((key, *near_keys(key)))  # the number rule forgives one typing mistake
            if key.startswith("RF"):
                numbers.update(map(_plain, references.get(key, ())))
                numbers.add(key[4:])
        if tx.payer_iban:
            owners.update(ro.customers_with_iban(conn, tx.payer_iban))
        named = named_customer(names, tx.payer_name) if tx.payer_name else None
        if named is not None:
            owners.add(named[0])
    items = ro.open_items_among(
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


def write_allocations(
    conn: Connection, matches: Sequence[Match], import_id: int | None = None
) -> int:
    """Insert the allocations of `matches` (written by the import `import_id`, if one);
    returns how many. The invoices exist (matching chose them among the open ones)."""
    values = [
        (kind.value, source, number, m.unapplied.currency, units, m.day)
        for m in matches
        for kind, source, number, units in m.parts
    ]
    written = rp.add_allocation_values(conn, values, import_id)
    # records are made only for an endpoint that wants them
    webhook_events.allocations_made(conn, (a for m in matches for a in m.allocations))
    return written


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
                    [
                        kind.value,
                        number,
                        str(Decimal(units).scaleb(-minor_units(m.unapplied.currency))),
                    ]
                    for kind, _, number, units in m.parts
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
    """Append many events at once (those `match_events` makes)."""
    rb.add_events(conn, rows)


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
        write_allocations(conn, result.matches)
        rp.assign_payments(conn, {m.transaction_key: m.customer_ref for m in result.matches})
        rb.set_matched_many(conn, result.matches, at)
        fresh = suggestions_of(result)
        rb.replace_suggestions(conn, {tx.key: fresh.get(tx.key, ()) for tx in txs})
        add_events(conn, match_events(result.matches, actor, at))
    return Rematch(len(txs), result.matches, len(result.unmatched))
