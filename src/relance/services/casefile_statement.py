"""The statement of account a case file carries: its PDF pages appended to the dossier,
and its figures as CSV beside the evidence (`relance statement`, docs/statement.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.adapters.storage.database import Store
from relance.services import statement


@dataclass(frozen=True, slots=True)
class StatementFiles:
    """The customer's statement of account, rendered as PDF and as CSV."""

    pdf: bytes
    csv: bytes


def statement_files(
    store: Store, customer_ref: str, as_of: date, language: str
) -> StatementFiles | None:
    """The customer's statement of account as of `as_of`, every currency, in `language`;
    None when the customer has no movement at all."""
    pdf, found = statement.statement_document(
        store, customer_ref, as_of=as_of, language=language, kind="pdf"
    )
    if not found:
        return None
    csv, _ = statement.statement_document(store, customer_ref, as_of=as_of, kind="csv")
    return StatementFiles(pdf, csv)
