"""The whole ledger as the tests read it back after an import: every record of each kind.

relance itself never loads a whole ledger (it asks for what one use case needs), so this
reader lives with the tests; it reads customers, invoices and allocations with the
product's own functions and the credit notes and payments straight from their tables.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.core.ledger import Ledger
from relance.core.model import CreditNote, Payment
from relance.core.money import Money


def load_credit_notes(conn: Connection) -> list[CreditNote]:
    """Every credit note."""
    notes = t.credit_notes.c
    query = select(
        notes.number, t.customers.c.ref, notes.date, notes.currency, notes.amount_minor,
        notes.invoice_number,
    ).join(t.customers, t.customers.c.id == notes.customer_id)  # fmt: skip
    return [
        CreditNote(number, ref, when, Money.from_minor(amount, cur), invoice)
        for number, ref, when, cur, amount, invoice in conn.execute(query)
    ]


def load_payments(conn: Connection) -> list[Payment]:
    """Every payment."""
    p = t.payments.c
    query = select(
        p.key, p.date, p.currency, p.amount_minor, t.customers.c.ref, p.method, p.reference,
        p.payer, p.payer_iban,
    ).outerjoin(t.customers, t.customers.c.id == p.customer_id)  # fmt: skip
    return [
        Payment(key, when, Money.from_minor(amount, cur), ref, method, reference, payer, iban)
        for key, when, cur, amount, ref, method, reference, payer, iban in conn.execute(query)
    ]


def load_ledger(conn: Connection) -> Ledger:
    """The whole ledger as an immutable snapshot."""
    return Ledger(
        customers=tuple(repo.load_customers(conn)),
        invoices=tuple(repo.load_invoices(conn)),
        credit_notes=tuple(load_credit_notes(conn)),
        payments=tuple(load_payments(conn)),
        allocations=tuple(repo.load_allocations(conn)),
    )
