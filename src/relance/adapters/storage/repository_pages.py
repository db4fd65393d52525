"""Pages of the ledger's long listings, read by their unique keys: a page after a key costs
an index seek, whatever the ledger's size (the REST API's cursors)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from relance.adapters.storage import tables as t
from relance.adapters.storage.repository import customer_from_row, invoice_from_row
from relance.core.model import Customer, Invoice

_INVOICE = (
    t.invoices.c.number, t.customers.c.ref, t.invoices.c.issue_date, t.invoices.c.due_date,
    t.invoices.c.currency, t.invoices.c.amount_minor, t.invoices.c.tax_minor,
    t.invoices.c.subject, t.invoices.c.pdf_path, t.invoices.c.delivery_date,
)  # fmt: skip


def invoices_after(
    conn: Connection, after: str | None, limit: int, customer_ref: str | None = None
) -> list[Invoice]:
    """Up to `limit` invoices whose number comes after `after`, by number (of one customer
    when `customer_ref` is given)."""
    query = select(*_INVOICE).join(t.customers, t.customers.c.id == t.invoices.c.customer_id)
    if after is not None:
        query = query.where(t.invoices.c.number > after)
    if customer_ref is not None:
        query = query.where(t.customers.c.ref == customer_ref)
    query = query.order_by(t.invoices.c.number).limit(limit)
    return [invoice_from_row(row) for row in conn.execute(query)]


def invoice(conn: Connection, number: str) -> Invoice | None:
    """The invoice `number`, or None."""
    query = select(*_INVOICE).join(t.customers, t.customers.c.id == t.invoices.c.customer_id)
    row = conn.execute(query.where(t.invoices.c.number == number)).first()
    return None if row is None else invoice_from_row(row)


def customers_after(conn: Connection, after: str | None, limit: int) -> list[Customer]:
    """Up to `limit` customers whose reference comes after `after`, by reference."""
    query = select(t.customers)
    if after is not None:
        query = query.where(t.customers.c.ref > after)
    query = query.order_by(t.customers.c.ref).limit(limit)
    return [customer_from_row(row) for row in conn.execute(query).mappings()]
