"""What an invoice change asks of the ledger: the formal notice or agency handoff that
locks an invoice's figures, and putting back the figures a recorded change replaced."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, func, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_law as tl
from relance.core.money import Money


def first_formal_notice(conn: Connection, invoice_id: int) -> date | None:
    """The date of the first formal notice covering the invoice, if any."""
    notices = tl.law_formal_notices
    query = select(func.min(notices.c.date)).where(notices.c.invoice_id == invoice_id)
    found: date | None = conn.execute(query).scalar_one()
    return found


def agency_handoff(conn: Connection, invoice_id: int) -> tuple[str, date] | None:
    """(agency, date) when the invoice was sent to a collection agency."""
    handoffs = tl.law_agency_handoffs
    query = select(handoffs.c.agency, handoffs.c.date).where(handoffs.c.invoice_id == invoice_id)
    row = conn.execute(query).first()
    return None if row is None else (row.agency, row.date)


def put_back_invoice_fields(
    conn: Connection, number: str, currency: str, old: Mapping[str, str]
) -> None:
    """Write back an invoice's fields from their text as a change event recorded them
    (dates in ISO form, amounts as "12.50 EUR", other fields as they were)."""
    values: dict[str, object] = {}
    for name, text in old.items():
        if name in ("issue_date", "due_date"):
            values[name] = date.fromisoformat(text)
        elif name in ("amount", "tax"):
            values[f"{name}_minor"] = Money.of(text.split()[0], currency).to_minor()
        else:
            values[name] = text
    conn.execute(update(t.invoices).where(t.invoices.c.number == number).values(**values))
