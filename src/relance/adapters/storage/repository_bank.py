"""Reading and writing statement lines, their match state and suggestions, and what matching
needs from the rest of the database (letters' RF references, discount terms).

Every function takes an open `Connection`; the service decides where a transaction begins.
Lines cross this boundary as `BankTransaction` (core) plus a `Lettrage` of their state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, or_, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage import tables_letters as tlet
from relance.adapters.storage.tables_bank import MatchState
from relance.core.bank import BankTransaction
from relance.core.bulk import CHUNK, chunks
from relance.core.matching import OpenItem, Suggestion
from relance.core.model import Invoice
from relance.core.money import Money, minor_units
from relance.core.terms import BadTerms, DiscountTerms, parse_discount_terms


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


def _open_query(as_of: date, *conditions: Any) -> Any:
    """Invoices issued by `as_of` still owed something, with what: every allocation counts."""
    allocated = (
        select(t.allocations.c.invoice_id, func.sum(t.allocations.c.amount_minor).label("paid"))
        .group_by(t.allocations.c.invoice_id)
        .subquery()
    )
    inv = t.invoices
    owed = inv.c.amount_minor - func.coalesce(allocated.c.paid, 0)
    return (
        select(
            inv.c.number, t.customers.c.ref, inv.c.issue_date, inv.c.due_date, inv.c.currency,
            inv.c.amount_minor, inv.c.tax_minor, inv.c.subject, inv.c.pdf_path, owed,
        )
        .join(t.customers, t.customers.c.id == inv.c.customer_id)
        .outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(inv.c.issue_date <= as_of, owed > 0, *conditions)
        .order_by(inv.c.due_date, inv.c.number)
    )  # fmt: skip


def open_items(conn: Connection, as_of: date) -> list[OpenItem]:
    """Invoices issued by `as_of` with something still owed on them, oldest due date first.

    What is owed counts every allocation recorded, whatever its date: matching must never
    give an invoice more than is left on it now, even when a settlement recorded earlier
    (a FEC's lettering) is dated after `as_of`. Read through the driver: matching a
    statement reads every open invoice (a million in the benchmark), and building them
    from the driver's tuples, dates parsed once per distinct value, takes half the time of
    SQLAlchemy's row processing.
    """
    query = _open_query(as_of)
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    days: dict[Any, date] = {}
    exponents: dict[str, int] = {}
    exact = Money.exact
    found = []
    for number, ref, issued, due, currency, amount, tax, subject, pdf, left in conn.exec_driver_sql(
        sql
    ):
        # SQLite's driver gives dates as ISO text, PostgreSQL's as dates.
        issue_day = days.get(issued)
        if issue_day is None:
            issue_day = days[issued] = _day(issued)
        due_day = days.get(due)
        if due_day is None:
            due_day = days[due] = _day(due)
        exponent = exponents.get(currency)
        if exponent is None:
            exponent = exponents[currency] = -minor_units(currency)
        total = exact(Decimal(amount).scaleb(exponent), currency)
        invoice = Invoice(
            number, ref, issue_day, due_day, total,
            exact(Decimal(tax).scaleb(exponent), currency), subject, pdf,
        )  # fmt: skip
        left = int(left)
        found.append(
            OpenItem(
                invoice,
                total if left == amount else exact(Decimal(left).scaleb(exponent), currency),
            )
        )
    return found


def open_items_among(
    conn: Connection,
    as_of: date,
    *,
    numbers: Iterable[str] = (),
    customer_refs: Iterable[str] = (),
    owed_minor: Iterable[int] = (),
) -> list[OpenItem]:
    """The open invoices (as `open_items`) whose number, upper case without separators, is
    among `numbers`, or of `customer_refs`, or owing exactly one of `owed_minor`: the few a
    single payment could be matched to, read without loading the whole ledger."""
    inv = t.invoices
    allocated = select(func.coalesce(func.sum(t.allocations.c.amount_minor), 0)).where(
        t.allocations.c.invoice_id == inv.c.id
    )
    # Numbers compared as matching compares them: upper case, separators left out.
    plain: Any = func.upper(inv.c.number)
    for separator in ("-", "/", ".", "_", " "):
        plain = func.replace(plain, separator, "")
    wanted = [
        plain.in_(list(numbers)),
        t.customers.c.ref.in_(list(customer_refs)),
        (inv.c.amount_minor - allocated.scalar_subquery()).in_(list(owed_minor)),
    ]
    found = []
    for number, ref, issued, due, currency, amount, tax, subject, pdf, left in conn.execute(
        _open_query(as_of, or_(*wanted))
    ):
        exponent = -minor_units(currency)
        total = Money.exact(Decimal(amount).scaleb(exponent), currency)
        invoice = Invoice(
            number, ref, issued, due, total,
            Money.exact(Decimal(tax).scaleb(exponent), currency), subject, pdf,
        )  # fmt: skip
        found.append(OpenItem(invoice, Money.exact(Decimal(int(left)).scaleb(exponent), currency)))
    return found


def customers_with_iban(conn: Connection, iban: str) -> list[str]:
    """References of the customers who pay from `iban` (compared without spaces)."""
    compact = "".join(iban.split()).upper()
    if not compact:
        return []
    column = t.customers.c.ibans
    query = select(t.customers.c.ref, column).where(column.like(f"%{compact[-8:]}%"))
    return [
        ref
        for ref, ibans in conn.execute(query)
        if compact in {"".join(i.split()).upper() for i in str(ibans).split(",")}
    ]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def known_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """The keys among `keys` of lines already stored."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    column = tb.bank_transactions.c.key
    for chunk in chunks(wanted):
        found.update(k for (k,) in conn.execute(select(column).where(column.in_(chunk))))
    return found


def transaction_values(
    tx: BankTransaction,
    *,
    source_format: str,
    sha256: str,
    imported_at: datetime,
    state: MatchState,
    note: str = "",
) -> dict[str, Any]:
    """A statement line as column values, unmatched or ignored."""
    return {
        "key": tx.key,
        "account": tx.account,
        "booking_date": tx.booking_date,
        "value_date": tx.value_date,
        "currency": tx.amount.currency,
        "amount_minor": tx.amount.to_minor(),
        "payer_name": tx.payer_name,
        "payer_iban": tx.payer_iban,
        "remittance": tx.remittance,
        "structured_reference": tx.structured_reference,
        "end_to_end_id": tx.end_to_end_id,
        "bank_reference": tx.bank_reference,
        "reversal": tx.reversal,
        "source_file": tx.source_file,
        "source_format": source_format,
        "file_sha256": sha256,
        "imported_at": imported_at,
        "state": state.value,
        "customer_ref": None,
        "rule": None,
        "confidence": None,
        "unapplied_minor": None,
        "matched_at": None,
        "note": note,
    }


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) with the driver's executemany, each value
    converted by its column's type as SQLAlchemy would (dates, JSON).

    A bank statement writes a hundred thousand lines, payments, allocations and events;
    SQLAlchemy's per-row parameter processing was most of that time.
    """
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    convert = {
        name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    }
    sql = str(compiled)
    order = list(compiled.positiontup or names) if compiled.positional else names
    missing = [n for n in order if n not in convert]
    if missing:  # columns the rows leave to their Python default: give them all
        defaults = {n: _scalar_default(table, n) for n in missing}
        rows = [{**defaults, **row} for row in rows]
        convert.update(
            {n: table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in missing}
        )
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        values = [
            [row[n] if convert[n] is None else convert[n](row[n]) for n in order]  # type: ignore[misc]
            for row in chunk
        ]
        if compiled.positional:
            conn.exec_driver_sql(sql, [tuple(v) for v in values])
        else:
            conn.exec_driver_sql(sql, [dict(zip(order, v, strict=True)) for v in values])


def _scalar_default(table: Table, name: str) -> Any:
    default = table.c[name].default
    if default is None:
        return None
    if not default.is_scalar:
        raise ValueError(f"{table.name}.{name}: give a value, its default is computed")
    return default.arg  # type: ignore[attr-defined]


def add_transactions(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert statement lines made by `transaction_values` (the caller checked the keys)."""
    insert_rows(conn, tb.bank_transactions, rows)


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


def set_matched_many(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Record many automatic matches: rows of b_key, state, customer_ref, rule, confidence,
    unapplied_minor, matched_at."""
    table = tb.bank_transactions
    for start in range(0, len(rows), CHUNK):
        conn.execute(
            update(table).where(table.c.key == bindparam("b_key")),
            list(rows[start : start + CHUNK]),
        )


def assign_payments(conn: Connection, owners: Mapping[str, int | None]) -> None:
    """Set the customer (database id, or None for unknown) of payments by key."""
    rows = [{"b_key": key, "customer_id": owner} for key, owner in owners.items()]
    for start in range(0, len(rows), CHUNK):
        conn.execute(
            update(t.payments).where(t.payments.c.key == bindparam("b_key")),
            rows[start : start + CHUNK],
        )


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
            "invoice_numbers": list(s.invoice_numbers),
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
                    tuple(row.invoice_numbers),
                    row.score,
                    row.reason,
                )
            )
    return {key: tuple(items) for key, items in found.items()}


def delete_allocations(conn: Connection, sources: Sequence[str]) -> list[tuple[str, str, int]]:
    """Remove the payment and discount allocations made from `sources` (payment keys and
    the matching's "discount:<key>"); returns (source, invoice number, minor units) removed."""
    alloc = t.allocations
    removed: list[tuple[str, str, int]] = []
    for chunk in chunks(list(sources)):
        query = (
            select(alloc.c.id, alloc.c.source, t.invoices.c.number, alloc.c.amount_minor)
            .join(t.invoices, t.invoices.c.id == alloc.c.invoice_id)
            .where(alloc.c.source.in_(chunk), alloc.c.kind.in_(("payment", "discount")))
        )
        rows = conn.execute(query).all()
        if rows:
            conn.execute(delete(alloc).where(alloc.c.id.in_([r.id for r in rows])))
            removed.extend((r.source, r.number, int(r.amount_minor)) for r in rows)
    return removed


def applied_from(conn: Connection, source: str) -> int:
    """What a payment (or credit note) named `source` has settled so far, in minor units."""
    alloc = t.allocations
    query = select(func.coalesce(func.sum(alloc.c.amount_minor), 0)).where(
        alloc.c.source == source, alloc.c.kind == "payment"
    )
    return int(conn.execute(query).scalar_one())


def letter_references(conn: Connection) -> dict[str, tuple[str, ...]]:
    """Each RF creditor reference printed on a letter, with the invoices its action covered
    (from the letters' evidence and the dunning queue)."""
    query = (
        select(tlet.letter_evidence.c.rf_reference, td.dunning_actions.c.invoice_numbers)
        .join(td.dunning_actions, td.dunning_actions.c.id == tlet.letter_evidence.c.action_id)
        .where(tlet.letter_evidence.c.rf_reference != "")
    )
    found: dict[str, tuple[str, ...]] = {}
    for rf, numbers in conn.execute(query):
        compact = "".join(str(rf).split()).upper()
        found[compact] = tuple(dict.fromkeys(found.get(compact, ()) + tuple(numbers or ())))
    return found


def _terms(text: str | None) -> DiscountTerms | None:
    if not text:
        return None
    try:
        return parse_discount_terms(text)
    except BadTerms:  # stored by the law service, which parsed them: only a hand edit fails
        return None


def discount_terms(
    conn: Connection,
) -> tuple[dict[str, DiscountTerms], dict[str, DiscountTerms]]:
    """Early-payment discount terms: (by invoice number, by customer reference from the
    contract). Both are small: terms are set on a few invoices and contracts."""
    own: dict[str, DiscountTerms] = {}
    query = select(t.invoices.c.number, tl.law_invoice_terms.c.discount).join(
        t.invoices, t.invoices.c.id == tl.law_invoice_terms.c.invoice_id
    )
    for number, text in conn.execute(query):
        terms = _terms(text)
        if terms is not None:
            own[number] = terms
    by_customer: dict[str, DiscountTerms] = {}
    query = select(t.customers.c.ref, tl.law_contracts.c.discount).join(
        t.customers, t.customers.c.id == tl.law_contracts.c.customer_id
    )
    for ref, text in conn.execute(query):
        terms = _terms(text)
        if terms is not None:
            by_customer[ref] = terms
    return own, by_customer


def day_of(tx: BankTransaction) -> date:
    """The day money reached us: value date when known, else booking date."""
    return tx.value_date or tx.booking_date
