"""Reading and writing statement lines, their match state and suggestions, the events that
record matches, and the IBANs matching learns (what it reads of the open invoices is in
`repository_open_invoices`, the allocations it writes in `repository_payments`).

Every function takes an open `Connection`; the service decides where a transaction begins.
Lines cross this boundary as `BankTransaction` (core) plus a `Lettrage` of their state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, or_, select, update

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.driver import insert_many
from relance.adapters.storage.lists import decode_list, encode_list
from relance.core.bank import BankTransaction, MatchState
from relance.core.bulk import chunks
from relance.core.matching import Match, Suggestion
from relance.core.money import Money


@dataclass(frozen=True, slots=True)
class Lettrage:
    """A stored statement line with where it stands in matching."""

    transaction: BankTransaction
    state: MatchState
    customer_ref: str | None
    rule: str | None
    confidence: int | None
    unapplied: Money | None
    source_file: str
    source_format: str
    note: str
    suggestions: tuple[Suggestion, ...] = ()


def known_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """The keys among `keys` of lines already stored."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    column = tb.bank_transactions.c.key
    for chunk in chunks(wanted):
        found.update(k for (k,) in conn.execute(select(column).where(column.in_(chunk))))
    return found


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) with the driver's executemany, each value
    converted by its column's type as SQLAlchemy would (dates, JSON): `driver.insert_many`.

    A bank statement writes a hundred thousand lines, payments, allocations and events;
    SQLAlchemy's per-row parameter processing was most of that time.
    """
    if not rows:
        return
    names = list(rows[0])
    values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    insert_values(conn, table, names, map(values, rows))


def insert_values(
    conn: Connection, table: Table, names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert `rows`, each the values of the columns `names` in that order, as
    `insert_rows` does but without a dictionary a row; the columns they leave to their
    Python default are given it (as SQLAlchemy does)."""
    missing = [c.name for c in table.c if c.default is not None and c.name not in names]
    defaults = tuple(_scalar_default(table, name) for name in missing)
    insert_many(
        conn, table, [*names, *missing], ((*row, *defaults) for row in rows) if missing else rows
    )


def _scalar_default(table: Table, name: str) -> Any:
    default = table.c[name].default
    if default is None:
        return None
    if not default.is_scalar:
        raise ValueError(f"{table.name}.{name}: give a value, its default is computed")
    return default.arg  # type: ignore[attr-defined]


def _transaction(row: Any) -> BankTransaction:
    return BankTransaction(
        key=row.key,
        booking_date=row.booking_date,
        amount=Money.from_minor(row.amount_minor, row.currency),
        value_date=row.value_date,
        payer_name=row.payer_name,
        payer_iban=row.payer_iban,
        remittance=row.remittance,
        structured_reference=row.structured_reference,
        end_to_end_id=row.end_to_end_id,
        account=row.account,
        bank_reference=row.bank_reference,
        source_file=row.source_file,
        reversal=bool(row.reversal),
    )


def _lettrage(row: Any, suggestions: tuple[Suggestion, ...] = ()) -> Lettrage:
    unapplied = (
        None if row.unapplied_minor is None else Money.from_minor(row.unapplied_minor, row.currency)
    )
    return Lettrage(
        transaction=_transaction(row),
        state=MatchState(row.state),
        customer_ref=row.customer_ref,
        rule=row.rule,
        confidence=row.confidence,
        unapplied=unapplied,
        source_file=row.source_file,
        source_format=row.source_format,
        note=row.note,
        suggestions=suggestions,
    )


def load_lettrage(
    conn: Connection,
    *,
    states: Iterable[MatchState] | None = None,
    keys: Iterable[str] | None = None,
    with_suggestions: bool = False,
) -> list[Lettrage]:
    """Stored lines, optionally in `states` or among `keys`, by booking date then key."""
    table = tb.bank_transactions
    query = select(table).order_by(table.c.booking_date, table.c.key)
    if states is not None:
        query = query.where(table.c.state.in_([s.value for s in states]))
    rows: list[Any] = []
    if keys is not None:
        for chunk in chunks(list(keys)):
            rows.extend(conn.execute(query.where(table.c.key.in_(chunk))))
        rows.sort(key=lambda r: (r.booking_date, r.key))
    else:
        rows = list(conn.execute(query))
    found = load_suggestions(conn, [r.key for r in rows]) if with_suggestions else {}
    return [_lettrage(row, found.get(row.key, ())) for row in rows]


def find_transaction(conn: Connection, key_or_prefix: str) -> Lettrage | None:
    """The line whose key is `key_or_prefix`, or the only one whose key or bank reference
    starts with it (keys are long: a user types the start); None when none or several."""
    table = tb.bank_transactions
    exact = conn.execute(select(table).where(table.c.key == key_or_prefix)).first()
    if exact is not None:
        return _lettrage(exact, load_suggestions(conn, [exact.key]).get(exact.key, ()))
    pattern = key_or_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        select(table)
        .where(
            or_(
                table.c.key.like(pattern, escape="\\"),
                table.c.bank_reference == key_or_prefix,
                table.c.end_to_end_id == key_or_prefix,
            )
        )
        .limit(2)
    ).all()
    if len(rows) != 1:
        return None
    row = rows[0]
    return _lettrage(row, load_suggestions(conn, [row.key]).get(row.key, ()))


def set_matched(
    conn: Connection,
    key: str,
    *,
    state: MatchState,
    customer_ref: str | None,
    rule: str | None,
    confidence: int | None,
    unapplied: Money | None,
    at: datetime | None,
) -> None:
    """Record a line's match state (or, with UNMATCHED and Nones, put it back in the queue)."""
    conn.execute(
        update(tb.bank_transactions)
        .where(tb.bank_transactions.c.key == key)
        .values(
            state=state.value,
            customer_ref=customer_ref,
            rule=rule,
            confidence=confidence,
            unapplied_minor=None if unapplied is None else unapplied.to_minor(),
            matched_at=at,
        )
    )


def set_ignored(conn: Connection, key: str, note: str) -> None:
    """Take the line `key` out of the queue: not a customer payment, for the reason `note`."""
    table = tb.bank_transactions
    conn.execute(
        update(table).where(table.c.key == key).values(state=MatchState.IGNORED.value, note=note)
    )


def set_matched_many(conn: Connection, matches: Sequence[Match], at: datetime) -> None:
    """Record the automatic `matches` made at `at` on their lines."""
    table = tb.bank_transactions
    rows = [
        {
            "b_key": m.transaction_key,
            "state": MatchState.AUTOMATIC.value,
            "customer_ref": m.customer_ref,
            "rule": m.rule.value,
            "confidence": m.confidence,
            "unapplied_minor": m.unapplied.to_minor(),
            "matched_at": at,
        }
        for m in matches
    ]
    for chunk in chunks(rows):
        conn.execute(update(table).where(table.c.key == bindparam("b_key")), chunk)


def replace_suggestions(conn: Connection, by_key: Mapping[str, Sequence[Suggestion]]) -> None:
    """Replace the suggestions of the lines named by `by_key` with the given ones."""
    keys = list(by_key)
    table = tb.bank_suggestions
    for chunk in chunks(keys):
        conn.execute(delete(table).where(table.c.transaction_key.in_(chunk)))
    rows = [
        {
            "transaction_key": key,
            "rank": rank,
            "customer_ref": s.customer_ref,
            "invoice_numbers": encode_list(s.invoice_numbers),
            "score": s.score,
            "reason": s.reason,
        }
        for key, found in by_key.items()
        for rank, s in enumerate(found, start=1)
    ]
    insert_rows(conn, table, rows)


def load_suggestions(conn: Connection, keys: Sequence[str]) -> dict[str, tuple[Suggestion, ...]]:
    """The ranked suggestions of each line among `keys`."""
    table = tb.bank_suggestions
    found: dict[str, list[Suggestion]] = {}
    for chunk in chunks(list(keys)):
        query = (
            select(table)
            .where(table.c.transaction_key.in_(chunk))
            .order_by(table.c.transaction_key, table.c.rank)
        )
        for row in conn.execute(query):
            found.setdefault(row.transaction_key, []).append(
                Suggestion(
                    row.transaction_key,
                    row.customer_ref,
                    decode_list(row.invoice_numbers),
                    row.score,
                    row.reason,
                )
            )
    return {key: tuple(items) for key, items in found.items()}


def day_of(tx: BankTransaction) -> date:
    """The day money reached us: value date when known, else booking date."""
    return tx.value_date or tx.booking_date


def add_events(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append many events at once: rows of at, actor, kind, customer_ref, subject, data and
    reason (what `repository.append_event` writes one at a time)."""
    insert_rows(conn, t.events, rows)


def add_customer_iban(conn: Connection, customer_ref: str, iban: str) -> None:
    """Add `iban` to the accounts the customer pays from, unless it is known already
    (compared without spaces)."""
    compact = "".join(iban.split()).upper()
    if not compact:
        return
    (customer,) = repo.load_customers(conn, [customer_ref])
    if compact not in {"".join(i.split()).upper() for i in customer.ibans}:
        conn.execute(
            update(t.customers)
            .where(t.customers.c.ref == customer_ref)
            .values(ibans=encode_list((*customer.ibans, compact)))
        )
