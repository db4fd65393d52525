"""The statement of account (relevé de compte) of one customer as of a date
(`relance statement`, the customer page, the API, a letter's attachment; docs/statement.md).

`account_statement(store, ref, as_of=..., start=None)` returns ONE `Statement`: the
customer's account in one currency. A customer billed in several currencies has one
statement per currency (amounts in different currencies are never added):
`account_statements` returns them all, the creditor's currency first and the others
alphabetically; `account_statement` returns the first of them, or the one in `currency`
when it is named. A customer with no movement at all gets an empty statement in the
creditor's currency.

The interest claimable is the one `relance interest` computes (`customer_claims`), as of
the statement's date, and is shown beside the balance, never added to it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import lru_cache
from pathlib import Path

from relance.adapters.deliver.print_batch import with_invoice_copies, write_atomically
from relance.adapters.formats.statement_csv import statement_csv
from relance.adapters.policy_toml import default_policies, policy_from_toml
from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.render.pdf_page import RenderedLetter
from relance.adapters.render.statement import render_statements_pdf
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_insolvency as irepo
from relance.adapters.storage import repository_policies as policy_repo
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_account import customer_account
from relance.core.engine import Action
from relance.core.insolvency import Procedure
from relance.core.letter import pick_language
from relance.core.model import Creditor
from relance.core.statement import Statement, build_statement, statement_currencies
from relance.services.interest_reports import customer_claims
from relance.services.rule_sets import need_creditor

# The collective procedures whose opening judgment stops interest (L622-28, L631-14, L641-3).
_STOPPING = (Procedure.SAUVEGARDE, Procedure.REDRESSEMENT, Procedure.LIQUIDATION)


class UnknownCustomer(LookupError):
    """No customer has the reference asked for."""


def account_statements(
    store: Store, customer_ref: str, *, as_of: date, start: date | None = None
) -> tuple[Statement, ...]:
    """The customer's statements as of `as_of` (from `start`, else from its first
    movement), one per currency. Raises UnknownCustomer, LookupError when relance has
    no creditor yet, ValueError when `start` is after `as_of`."""
    with store.begin() as conn:
        return _statements(conn, customer_ref, as_of, start)


def account_statement(
    store: Store,
    customer_ref: str,
    *,
    as_of: date,
    start: date | None = None,
    currency: str | None = None,
) -> Statement:
    """The customer's statement in `currency`, or in its first currency (the creditor's
    when it has movements in it). Raises as `account_statements`, and UnknownCustomer
    naming the currency when the customer has no movement in it."""
    found = account_statements(store, customer_ref, as_of=as_of, start=start)
    if currency is None:
        return found[0]
    for statement in found:
        if statement.currency == currency.upper():
            return statement
    raise UnknownCustomer(f"customer {customer_ref!r} has no movement in {currency.upper()}")


def statement_with_creditor(
    store: Store, customer_ref: str, *, as_of: date, start: date | None = None
) -> tuple[Creditor, tuple[Statement, ...]]:
    """The creditor (for the letterhead) and the customer's statements, read at once."""
    with store.begin() as conn:
        return need_creditor(conn), _statements(conn, customer_ref, as_of, start)


def _statements(
    conn: Connection, customer_ref: str, as_of: date, start: date | None
) -> tuple[Statement, ...]:
    if start is not None and start > as_of:
        raise ValueError(f"the period starts ({start}) after it ends ({as_of})")
    ledger = customer_account(conn, customer_ref)
    if ledger is None:
        raise UnknownCustomer(f"unknown customer {customer_ref!r}")
    creditor = need_creditor(conn)
    customer = ledger.customers[0]
    stop = _interest_stop(conn, customer_ref, as_of)
    _, _, claims, _ = customer_claims(conn, customer_ref, stop or as_of)
    return tuple(
        build_statement(ledger, customer, currency, as_of, start, claims, stop)
        for currency in statement_currencies(ledger, customer_ref, creditor.currency)
    )


def _interest_stop(conn: Connection, customer_ref: str, as_of: date) -> date | None:
    """The opening judgment of the customer's insolvency proceedings when it came before
    `as_of`: interest is counted to it and no further (C. com. L622-28; docs/prevention.md)."""
    days = [
        case.opened
        for case in irepo.load_cases(conn, [customer_ref])
        if case.procedure in _STOPPING and case.opened < as_of
    ]
    return min(days) if days else None


def statement_document(
    store: Store,
    customer_ref: str,
    *,
    as_of: date,
    start: date | None = None,
    language: str | None = None,
    currency: str | None = None,
    kind: str = "pdf",
) -> tuple[bytes, tuple[Statement, ...]]:
    """The customer's statements as a PDF (`kind` "pdf") or CSV ("csv") document, every
    currency one after the other unless `currency` names one; in `language`, by default
    the customer's (else the creditor's). Returns the bytes and the statements in them."""
    with store.begin() as conn:
        creditor = need_creditor(conn)
        found = _statements(conn, customer_ref, as_of, start)
        customer = repo.load_customers(conn, [customer_ref])[0]
    if currency is not None:
        found = tuple(s for s in found if s.currency == currency.upper())
        if not found:
            raise UnknownCustomer(
                f"customer {customer_ref!r} has no movement in {currency.upper()}"
            )
    if kind == "csv":
        return statement_csv(found).encode("utf-8"), found
    chosen = language or pick_language(creditor, customer)
    return render_statements_pdf(found, creditor, chosen), found


def write_statement(data: bytes, out: Path) -> None:
    """Write the document whole or not at all (a temporary file renamed over `out`)."""
    write_atomically(out, data)


# -- with a letter or an e-mail -------------------------------------------------


def statement_attachment(
    conn: Connection,
    action: Action,
    as_of: date,
    language: str,
    texts: tuple[tuple[str, str], ...] | None = None,
) -> tuple[str, bytes] | None:
    """The statement of account an action's letter and e-mail carry, as (file name, PDF),
    when its level in the policy in force says `attach_statement = true`; else None.
    `texts`: the stored policies' texts by name, when already read."""
    if texts is None:
        texts = policy_repo.policy_texts(conn)
    if (action.policy, action.level_name) not in _statement_levels(texts):
        return None
    creditor = need_creditor(conn)
    statements = _statements(conn, action.customer_ref, as_of, None)
    word = "releve" if language.startswith("fr") else "statement"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in action.customer_ref)
    name = f"{word}-{safe}-{as_of.isoformat()}.pdf"
    return name, render_statements_pdf(statements, creditor, language)


@lru_cache(maxsize=8)
def _statement_levels(texts: tuple[tuple[str, str], ...]) -> frozenset[tuple[str, str]]:
    """The (policy, level) pairs of the stored policies (the shipped ones when none is
    stored) whose level attaches the statement, parsed once per set of texts."""
    policies = default_policies() if not texts else tuple(
        policy for name, text in texts
        if (policy := policy_from_toml(text, f"stored policy {name!r}")[0]) is not None
    )  # fmt: skip
    return frozenset(
        (policy.name, level.name)
        for policy in policies
        for level in policy.levels
        if level.attach_statement
    )


def with_statement(
    communication: RenderedCommunication, statement_pdf: bytes
) -> RenderedCommunication:
    """A printed letter followed by the statement's pages: what is printed, posted and
    kept as evidence."""
    letter = communication.pdf
    if letter is None:
        return communication
    joined, pages = with_invoice_copies(letter.pdf, [statement_pdf])
    return dataclasses.replace(communication, pdf=RenderedLetter(joined, pages, letter.text))
