"""Use case: what a customer said about the invoices a letter chases, read from the ledger's
contact log, promises, disputes and acknowledgements (see `relance.core.exchanges`)."""

from __future__ import annotations

from collections.abc import Sequence

from relance.core.exchanges import Exchange, customer_exchanges
from relance.core.model import Invoice
from relance.services.send_facts import SendFacts


def exchanges_for_letter(
    facts: SendFacts, customer_ref: str, invoices: Sequence[Invoice]
) -> tuple[Exchange, ...]:
    """The customer's exchanges since the oldest due date of `invoices`, up to the facts'
    day, from the facts read for the letter's chunk."""
    if not invoices:
        return ()
    numbers = [invoice.number for invoice in invoices]
    return customer_exchanges(
        since=min(invoice.due_date for invoice in invoices),
        as_of=facts.as_of,
        contacts=facts.contacts.get(customer_ref, ()),
        promises=facts.promises.get(customer_ref, ()),
        disputes=facts.disputes.get(customer_ref, ()),
        interruptions=facts.interruptions_of(numbers),
        invoice_numbers=numbers,
    )
