"""The open invoices as lettrage sees them, and what else it reads about them: the
customers who pay from an IBAN, the RF references our letters printed, early-payment terms.

Every function takes an open `Connection`; invoices come back as the core's `OpenItem`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Text, cast, func, or_, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage import tables_letters as tlet
from relance.adapters.storage.driver import DayReader, Remembered, driver_batches, driver_rows
from relance.adapters.storage.lists import decode_list
from relance.core.match_book import PayingCustomer
from relance.core.matching import OpenItem, OpenItems
from relance.core.model import Invoice
from relance.core.money import Money, minor_units
from relance.core.terms import BadTerms, DiscountTerms, parse_discount_terms


def _open_query(as_of: date, *conditions: Any, columns: tuple[Any, ...] | None = None) -> Any:
    """Invoices issued by `as_of` still owed something, with what: every allocation counts.
    `columns` of the invoices are read before what is owed (by default every one an
    `OpenItem` needs, the customer's reference among them)."""
    allocated = (
        select(t.allocations.c.invoice_id, func.sum(t.allocations.c.amount_minor).label("paid"))
        .group_by(t.allocations.c.invoice_id)
        .subquery()
    )
    inv = t.invoices
    owed = inv.c.amount_minor - func.coalesce(allocated.c.paid, 0)
    if columns is None:
        query = select(
            inv.c.number, t.customers.c.ref, inv.c.issue_date, inv.c.due_date, inv.c.currency,
            inv.c.amount_minor, inv.c.tax_minor, inv.c.subject, inv.c.pdf_path, owed,
        ).join(t.customers, t.customers.c.id == inv.c.customer_id)  # fmt: skip
    else:
        query = select(*columns, owed)
    return (
        query.outerjoin(allocated, allocated.c.invoice_id == inv.c.id)
        .where(inv.c.issue_date <= as_of, owed > 0, *conditions)
        .order_by(inv.c.due_date, inv.c.number)
    )  # fmt: skip


def open_balances(conn: Connection, as_of: date) -> OpenItems:
    """The open invoices as `open_items` reads them, with only what lettrage's rules read
    (number, customer, due date, currency, what is owed): no `OpenItem` record can be made
    of them (`OpenItems.add_owed`), so a ledger with early-payment terms is read by
    `open_items`. A bank statement is matched against a million open invoices: the fewer
    columns halve SQLite's sort, and the rows are read into columns a batch at a time,
    without a Python call per row (dates, customers and currencies looked up in
    dictionaries that keep one object per distinct value)."""
    inv, c = t.invoices, t.customers.c
    refs = {customer_id: ref for customer_id, ref in driver_rows(conn, select(c.id, c.ref))}
    days, currencies = DayReader(), Remembered(str)
    found = OpenItems()
    query = _open_query(as_of, columns=(inv.c.number, inv.c.customer_id, inv.c.due_date,
                                        inv.c.currency))  # fmt: skip
    for rows in driver_batches(conn, query):
        numbers, customers, due, currency, owed = zip(*rows, strict=True)
        found.add_owed(
            numbers,
            map(refs.__getitem__, customers),
            map(days.__getitem__, due),
            map(currencies.__getitem__, currency),
            map(int, owed),  # PostgreSQL's difference of sums is a Decimal
        )
    return found


def open_items(conn: Connection, as_of: date) -> OpenItems:
    """Invoices issued by `as_of` with something still owed on them, oldest due date first.

    What is owed counts every allocation recorded, whatever its date: matching must never
    give an invoice more than is left on it now, even when a settlement recorded earlier
    (a FEC's lettering) is dated after `as_of`. Read through the driver into columns of
    plain values (`relance.core.open_items`): matching a statement reads every open
    invoice (a million in the benchmark); dates are parsed and customer references kept
    once per distinct value.
    """
    days = DayReader()
    shared: dict[str, str] = {}  # one string per customer and currency, shared by invoices
    found = OpenItems()
    add = found.add
    # fetched in batches from the DBAPI cursor: no result object's call per row
    for number, ref, issued, due, currency, amount, tax, subject, pdf, left in driver_rows(
        conn, _open_query(as_of)
    ):
        add(
            number, shared.setdefault(ref, ref), days[issued], days[due],
            shared.setdefault(currency, currency), amount, tax,
            subject, pdf, amount if left == amount else int(left),
        )  # fmt: skip
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


def payers(conn: Connection) -> list[PayingCustomer]:
    """Every customer as lettrage knows them: reference, name and the IBANs they pay from,
    read through the driver."""
    c = t.customers.c
    return [
        PayingCustomer(ref, name, decode_list(ibans))
        for ref, name, ibans in driver_rows(conn, select(c.ref, c.name, c.ibans).order_by(c.ref))
    ]


def customers_with_iban(conn: Connection, iban: str) -> list[str]:
    """References of the customers who pay from `iban` (compared without spaces)."""
    compact = "".join(iban.split()).upper()
    if not compact:
        return []
    column = t.customers.c.ibans
    as_text = cast(column, Text)  # a first sieve in SQL, on the JSON text
    query = select(t.customers.c.ref, column).where(as_text.like(f"%{compact[-8:]}%"))
    return [
        ref
        for ref, ibans in conn.execute(query)
        if compact in {"".join(i.split()).upper() for i in decode_list(ibans)}
    ]


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
        found[compact] = tuple(dict.fromkeys(found.get(compact, ()) + decode_list(numbers)))
    return found


def _terms(text: str | None) -> DiscountTerms | None:
    if not text:
        return None
    try:
        return parse_discount_terms(text)
    except BadTerms:  # stored by the law service, which parsed them: only a hand edit fails
        return None


def _terms_by_key(conn: Connection, query: Any) -> dict[str, DiscountTerms]:
    """The terms a query gives as (key, stored text) rows, those that read as terms."""
    found: dict[str, DiscountTerms] = {}
    for key, text in conn.execute(query):
        terms = _terms(text)
        if terms is not None:
            found[key] = terms
    return found


def discount_terms(
    conn: Connection,
) -> tuple[dict[str, DiscountTerms], dict[str, DiscountTerms]]:
    """Early-payment discount terms: (by invoice number, by customer reference from the
    contract). Both are small: terms are set on a few invoices and contracts."""
    own = select(t.invoices.c.number, tl.law_invoice_terms.c.discount).join(
        t.invoices, t.invoices.c.id == tl.law_invoice_terms.c.invoice_id
    )
    by_customer = select(t.customers.c.ref, tl.law_contracts.c.discount).join(
        t.customers, t.customers.c.id == tl.law_contracts.c.customer_id
    )
    return _terms_by_key(conn, own), _terms_by_key(conn, by_customer)
