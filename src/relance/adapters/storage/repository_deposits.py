"""Deposit invoices as stored: which invoice is a deposit on which final invoice, and when
it was deducted (`tables_deposits`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_deposits as td
from relance.adapters.storage.database import Connection
from relance.core.deposits import DepositLink


def add_link(conn: Connection, invoice_id: int, final_number: str) -> None:
    """Record that the invoice `invoice_id` is a deposit on `final_number` (replacing an
    earlier link not yet settled)."""
    table = td.deposit_invoices
    known = conn.execute(select(table.c.invoice_id).where(table.c.invoice_id == invoice_id))
    if known.first() is None:
        conn.execute(insert(table).values(invoice_id=invoice_id, final_number=final_number))
    else:
        conn.execute(
            update(table).where(table.c.invoice_id == invoice_id).values(final_number=final_number)
        )


def links(conn: Connection, deposit_numbers: Iterable[str] | None = None) -> list[DepositLink]:
    """The deposit invoices, all or those among `deposit_numbers`, by number."""
    table, inv = td.deposit_invoices, t.invoices
    query = (
        select(inv.c.number, table.c.final_number, table.c.settled_on)
        .join(inv, inv.c.id == table.c.invoice_id)
        .order_by(inv.c.number)
    )
    if deposit_numbers is not None:
        query = query.where(inv.c.number.in_(list(deposit_numbers)))
    return [DepositLink(number, final, settled) for number, final, settled in conn.execute(query)]


def pending_for(conn: Connection, final_numbers: Iterable[str] | None = None) -> list[DepositLink]:
    """The deposits not yet deducted, all or those on the final invoices named."""
    table, inv = td.deposit_invoices, t.invoices
    query = (
        select(inv.c.number, table.c.final_number, table.c.settled_on)
        .join(inv, inv.c.id == table.c.invoice_id)
        .where(table.c.settled_on.is_(None))
        .order_by(inv.c.number)
    )
    wanted = None if final_numbers is None else set(final_numbers)
    return [
        DepositLink(number, final, settled)
        for number, final, settled in conn.execute(query)
        if wanted is None or final in wanted
    ]


def mark_settled(conn: Connection, invoice_id: int, on: date) -> None:
    """Record the day a deposit was deducted from its final invoice."""
    table = td.deposit_invoices
    conn.execute(update(table).where(table.c.invoice_id == invoice_id).values(settled_on=on))
