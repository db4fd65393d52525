"""The statement of account a case file appends to its dossier, as PDF pages."""

from __future__ import annotations

from datetime import date

from relance.adapters.storage.database import Store
from relance.core.model import Creditor


def statement_pdf(
    store: Store, creditor: Creditor, customer_ref: str, as_of: date, language: str
) -> bytes | None:
    """The customer's statement of account as of `as_of`, rendered; None while relance
    has no statement of account to render."""
    # STATEMENT: plug the statement of account here once it exists
    # (services.statement.account_statement + adapters.render.statement.render_statement_pdf).
    del store, creditor, customer_ref, as_of, language
    return None
