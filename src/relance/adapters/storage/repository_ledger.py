"""The ledger's records as the imports write them: many at once, beside those already there.

An import reads a whole file, asks which of its customers, invoices, credit notes, payments
and allocations the ledger already holds, and writes the rest in one executemany per table
(`repository_bank.insert_rows`): a file of a million invoices is written in seconds, not
row by row. The caller checks what it writes (an allocation never beyond what an invoice
still owes); these functions only store it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage.driver import PreparedInsert, indexes_filled_after, insert_many
from relance.adapters.storage.repository import customer_values, invoice_values
from relance.adapters.storage.repository_bank import insert_rows, insert_values
from relance.core.bulk import chunks
from relance.core.model import Allocation, AllocationKind, CreditNote, Customer, Invoice, Payment
from relance.core.money import Money

# What a file of customers says about a customer; the rest (holds, policy, when it was
# created) is the ledger's own, and IBANs are merged with those already known.
_FILE_OWNED = (
    "name", "kind", "country", "language", "address_lines", "postal_code", "city", "email",
    "phone", "credit_limit_minor", "credit_limit_currency", "tags", "registration_id",
    "vat_number",
)  # fmt: skip


def has_invoices(conn: Connection) -> bool:
    """Whether the ledger holds any invoice (a first import has nothing to look up)."""
    return conn.execute(select(t.invoices.c.id).limit(1)).first() is not None


def has_deposits_waiting(conn: Connection) -> bool:
    """Whether any payment is kept on account for an invoice not yet imported."""
    query = select(t.payments.c.id).where(t.payments.c.for_invoice.is_not(None)).limit(1)
    return conn.execute(query).first() is not None


@contextmanager
def first_fill(conn: Connection, records: str) -> Iterator[None]:
    """The block that writes a file's `records` ("customers" or "invoices"; any other kind
    runs as it is): into an empty table, its indexes are made once at the end rather than
    kept current row by row (`driver.indexes_filled_after`)."""
    table = {"customers": t.customers, "invoices": t.invoices}.get(records)
    if table is None or conn.execute(select(table.c.id).limit(1)).first() is not None:
        yield
        return
    with indexes_filled_after(conn, table):
        yield


# -- customers -------------------------------------------------------------------------------


def has_customers(conn: Connection) -> bool:
    """Whether the ledger holds any customer."""
    return conn.execute(select(t.customers.c.id).limit(1)).first() is not None


def add_customers(
    conn: Connection, customers: Sequence[Customer], import_id: int | None = None
) -> None:
    """Store new customers (the caller checked their references are new), through the
    driver's executemany, marked with their import when one is given."""
    if not customers:
        return
    rows = [customer_values(c) for c in customers]
    columns = [*rows[0], "import_id"]
    insert_many(conn, t.customers, columns, ((*row.values(), import_id) for row in rows))


# The columns a file of customers fills, in the table's order (the statement's: no row is
# reordered), then the import.
_CUSTOMER_VALUE_COLUMNS = (
    "ref", "name", "kind", "country", "language", "address_lines", "postal_code", "city",
    "email", "phone", "credit_limit_minor", "credit_limit_currency", "tags", "registration_id",
    "vat_number", "ibans", "contact_name", "civility", "import_id",
)  # fmt: skip


def add_customer_values(
    conn: Connection, customers: Sequence[Sequence[Any]], import_id: int | None = None
) -> None:
    """Store new customers read from a file (`ledger_customers.CustomerValues`: the caller
    checked their references are new) straight through the driver's executemany, marked
    with their import; the lists (address lines, tags, IBANs) as their column keeps them."""
    if not customers:
        return
    prepared = PreparedInsert(conn, t.customers, _CUSTOMER_VALUE_COLUMNS)
    listed = prepared.converter("tags")  # the same for the three list columns
    empty = listed([])
    prepared.write(
        [
            (
                *values[:5], listed(list(values[5])) if values[5] else empty, *values[6:12],
                listed(list(values[12])) if values[12] else empty, values[13], values[14],
                listed(list(values[15])) if values[15] else empty, values[16], values[17],
                import_id,
            )
            for values in customers
        ]
    )  # fmt: skip


def same_file_data(old: Customer, new: Customer) -> bool:
    """True when `new` says nothing else than `old` on what a file of customers owns."""
    old_values, new_values = customer_values(old), customer_values(new)
    return all(old_values[k] == new_values[k] for k in _FILE_OWNED)


def update_customers_from_file(conn: Connection, customers: Sequence[Customer]) -> None:
    """Replace what a file owns of these customers (and their IBANs), matched by reference."""
    if not customers:
        return
    rows = []
    for customer in customers:
        values = customer_values(customer)
        owned = {k: values[k] for k in _FILE_OWNED}
        rows.append({"b_ref": customer.ref, "ibans": values["ibans"], **owned})
    conn.execute(update(t.customers).where(t.customers.c.ref == bindparam("b_ref")), rows)


# -- invoices --------------------------------------------------------------------------------


def _invoice_rows(
    invoices: Iterable[Invoice],
    customer_ids: Mapping[str, int],
    pdf_sha256: Mapping[str, str | None] | None,
) -> list[dict[str, Any]]:
    rows = []
    for invoice in invoices:
        values = invoice_values(invoice, customer_ids[invoice.customer_ref])
        if pdf_sha256 is not None:
            values["pdf_sha256"] = pdf_sha256.get(invoice.number)
        rows.append(values)
    return rows


def add_invoices(
    conn: Connection,
    invoices: Sequence[Invoice],
    customer_ids: Mapping[str, int],
    pdf_sha256: Mapping[str, str | None] | None = None,
) -> None:
    """Store new invoices; `pdf_sha256` names the stored PDF of those that have one."""
    insert_rows(conn, t.invoices, _invoice_rows(invoices, customer_ids, pdf_sha256))


# The columns a file of invoices fills, in the table's order (the statement's: no row is
# reordered), then the PDF kept and the import.
_INVOICE_VALUE_COLUMNS = (
    "number", "customer_id", "issue_date", "due_date", "amount_minor", "currency", "tax_minor",
    "subject", "pdf_path", "delivery_date", "pdf_sha256", "import_id",
)  # fmt: skip


def add_invoice_values(
    conn: Connection,
    invoices: Sequence[Sequence[Any]],
    customer_ids: Mapping[str, int],
    pdf_sha256: Mapping[str, str | None],
    import_id: int | None = None,
) -> None:
    """Store new invoices read from a file (`ledger_invoices.InvoiceValues`: the customer by
    reference), straight through the driver's executemany: a million rows are written
    without a record or a parameter dictionary each. Marked with their import at once, they
    need no second write of each row when it ends."""
    prepared = PreparedInsert(conn, t.invoices, _INVOICE_VALUE_COLUMNS)
    day = prepared.converter("issue_date")  # the same for the three dates
    kept = pdf_sha256.get
    prepared.write(
        [
            (
                number, customer_ids[ref], day(issued), day(due), amount, currency, tax,
                subject, pdf, None if delivered is None else day(delivered),
                kept(number) if pdf else None, import_id,
            )
            for number, ref, issued, due, currency, amount, tax, subject, pdf, delivered
            in invoices
        ]
    )  # fmt: skip


def update_invoices(
    conn: Connection,
    invoices: Sequence[Invoice],
    customer_ids: Mapping[str, int],
    pdf_sha256: Mapping[str, str | None],
) -> None:
    """Replace the figures of invoices already stored, matched by number."""
    if not invoices:
        return
    rows = [
        {"b_number": values["number"], **values}
        for values in _invoice_rows(invoices, customer_ids, pdf_sha256)
    ]
    conn.execute(update(t.invoices).where(t.invoices.c.number == bindparam("b_number")), rows)


def set_delivery_date(conn: Connection, number: str, delivery_date: date) -> None:
    """Give an invoice the delivery date another reading of it carries."""
    query = update(t.invoices).where(t.invoices.c.number == number)
    conn.execute(query.values(delivery_date=delivery_date))


def set_invoice_pdf(conn: Connection, number: str, pdf_path: str, pdf_sha256: str | None) -> None:
    """Point an invoice at its PDF (where it was read, and the copy kept in the store)."""
    query = update(t.invoices).where(t.invoices.c.number == number)
    conn.execute(query.values(pdf_path=pdf_path, pdf_sha256=pdf_sha256))


# -- credit notes and payments ---------------------------------------------------------------


def _existing(conn: Connection, column: Any, values: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(values):
        found.update(v for (v,) in conn.execute(select(column).where(column.in_(chunk))))
    return found


def credit_note_numbers(conn: Connection, numbers: Sequence[str]) -> set[str]:
    """The credit notes among `numbers` already in the ledger."""
    return _existing(conn, t.credit_notes.c.number, numbers)


def payment_keys(conn: Connection, keys: Sequence[str]) -> set[str]:
    """The payments among `keys` already in the ledger."""
    return _existing(conn, t.payments.c.key, keys)


def _credit_note_values(note: CreditNote, customer_id: int) -> dict[str, Any]:
    return {
        "number": note.number,
        "customer_id": customer_id,
        "date": note.date,
        "currency": note.amount.currency,
        "amount_minor": note.amount.to_minor(),
        "invoice_number": note.invoice_number,
    }


def add_credit_notes(
    conn: Connection, notes: Sequence[CreditNote], customer_ids: Mapping[str, int]
) -> None:
    """Store new credit notes."""
    rows = [_credit_note_values(n, customer_ids[n.customer_ref]) for n in notes]
    insert_rows(conn, t.credit_notes, rows)


def credit_note_agrees(conn: Connection, note: CreditNote, customer_id: int) -> bool | None:
    """Whether the stored credit note of this number says the same as `note` (None when
    there is none)."""
    c = t.credit_notes.c
    stored = conn.execute(
        select(c.number, c.customer_id, c.date, c.currency, c.amount_minor, c.invoice_number)
        .where(c.number == note.number)
    ).first()  # fmt: skip
    if stored is None:
        return None
    return tuple(stored) == tuple(_credit_note_values(note, customer_id).values())


def credit_notes_naming(
    conn: Connection, invoice_number: str, customer_ref: str
) -> list[CreditNote]:
    """The credit notes of one customer that name `invoice_number`."""
    notes, customers = t.credit_notes, t.customers
    query = (
        select(notes.c.number, notes.c.date, notes.c.currency, notes.c.amount_minor)
        .join(customers, customers.c.id == notes.c.customer_id)
        .where(notes.c.invoice_number == invoice_number, customers.c.ref == customer_ref)
        .order_by(notes.c.id)
    )
    return [
        CreditNote(
            number, customer_ref, day, Money.from_minor(int(minor), currency), invoice_number
        )
        for number, day, currency, minor in conn.execute(query)
    ]


def add_payments(
    conn: Connection,
    payments: Sequence[Payment],
    customer_ids: Mapping[str, int],
    for_invoice: Mapping[str, str | None] | None = None,
    import_id: int | None = None,
) -> None:
    """Store new payments; a payer not yet known stays None. `for_invoice` names, by payment
    key, the invoice a deposit waits for; `import_id`, the import writing them."""
    columns = ["key", "customer_id", "date", "currency", "amount_minor", "method", "reference",
               "payer", "payer_iban", "import_id"]  # fmt: skip
    rows: list[tuple[Any, ...]] = [
        (
            p.key,
            customer_ids[p.customer_ref] if p.customer_ref else None,
            p.date,
            p.amount.currency,
            p.amount.to_minor(),
            p.method,
            p.reference,
            p.payer,
            p.payer_iban,
            import_id,
        )
        for p in payments
    ]
    if for_invoice is not None:
        columns.append("for_invoice")
        rows = [(*row, for_invoice.get(p.key)) for row, p in zip(rows, payments, strict=True)]
    insert_values(conn, t.payments, columns, rows)


# -- allocations -----------------------------------------------------------------------------


@dataclass
class AllocationState:
    """What the ledger knows of some invoices before allocations are added to them."""

    amounts: dict[int, int] = field(default_factory=dict)  # invoice id: amount, minor units
    applied: dict[int, int] = field(default_factory=dict)  # invoice id: allocated so far
    done: set[tuple[str, str, int]] = field(default_factory=set)  # (kind, source, invoice id)


def allocation_state(conn: Connection, invoice_ids: Iterable[int]) -> AllocationState:
    """The amounts of these invoices and the allocations already made to them."""
    state = AllocationState()
    alloc, inv = t.allocations, t.invoices
    for chunk in chunks(sorted(set(invoice_ids))):
        query = select(inv.c.id, inv.c.amount_minor).where(inv.c.id.in_(chunk))
        state.amounts.update((int(i), int(m)) for i, m in conn.execute(query))
        for kind, source, invoice_id, minor in conn.execute(
            select(alloc.c.kind, alloc.c.source, alloc.c.invoice_id, alloc.c.amount_minor).where(
                alloc.c.invoice_id.in_(chunk)
            )
        ):
            state.done.add((kind, source, invoice_id))
            state.applied[invoice_id] = state.applied.get(invoice_id, 0) + int(minor)
    return state


def has_allocation(conn: Connection, kind: AllocationKind, source: str, invoice_id: int) -> bool:
    """Whether this source already paid something of this invoice."""
    c = t.allocations.c
    query = select(c.id).where(c.kind == kind.value, c.source == source, c.invoice_id == invoice_id)
    return conn.execute(query).first() is not None


def add_allocations(conn: Connection, allocations: Sequence[tuple[Allocation, int]]) -> None:
    """Store allocations, each with its invoice's id (the caller checked each one fits)."""
    rows = [
        {
            "kind": a.kind.value,
            "source": a.source,
            "invoice_id": invoice_id,
            "currency": a.amount.currency,
            "amount_minor": a.amount.to_minor(),
            "date": a.date,
        }
        for a, invoice_id in allocations
    ]
    insert_rows(conn, t.allocations, rows)
