"""What the customer said since the invoices fell due, so that a letter never claims silence.

A reminder that says "no reply" or "restées sans réponse" to a customer who called back,
promised to pay, contested an invoice or acknowledged the debt is wrong, and reads as
such. `customer_exchanges` gathers those exchanges from the contact log, the promises, the
disputes and the recorded acknowledgements; the templates then name them ("despite your
promise of 12 September") instead of the silence.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.contacts import CallOutcome, Contact, ContactChannel, Direction
from relance.core.limitation import Interruption, InterruptionKind
from relance.core.pauses import Dispute, Promise


class ExchangeKind(StrEnum):
    """What the customer did, in the order a letter names them."""

    PROMISE = "promise"  # a promise to pay (recorded, or made on the phone)
    DISPUTE = "dispute"  # an invoice contested
    ACKNOWLEDGEMENT = "acknowledgement"  # the debt acknowledged (C. civ. 2240)
    CONVERSATION = "conversation"  # a call that reached the customer
    MESSAGE = "message"  # a message received (e-mail, letter)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange with the customer and its day."""

    kind: ExchangeKind
    on: date


_CALL_KINDS = {
    CallOutcome.PROMISED: ExchangeKind.PROMISE,
    CallOutcome.DISPUTED: ExchangeKind.DISPUTE,
    CallOutcome.REACHED: ExchangeKind.CONVERSATION,
}


def _of_contact(contact: Contact) -> ExchangeKind | None:
    if contact.channel is ContactChannel.CALL:
        if contact.direction is Direction.INCOMING:
            return _CALL_KINDS.get(contact.outcome or CallOutcome.REACHED)
        return _CALL_KINDS.get(contact.outcome) if contact.outcome else None
    return ExchangeKind.MESSAGE if contact.direction is Direction.INCOMING else None


def customer_exchanges(
    *,
    since: date,
    as_of: date,
    contacts: Iterable[Contact] = (),
    promises: Iterable[Promise] = (),
    disputes: Iterable[Dispute] = (),
    interruptions: Iterable[Interruption] = (),
    invoice_numbers: Collection[str] = (),
) -> tuple[Exchange, ...]:
    """The customer's exchanges from `since` (the oldest due date a letter chases) to
    `as_of`, one per kind and day, in the order a letter names them (by kind, then day).

    Disputes and acknowledgements count for the letter's `invoice_numbers` only (every
    invoice when empty); calls, messages and promises are the customer's.
    """
    found: set[Exchange] = set()

    def add(kind: ExchangeKind | None, on: date) -> None:
        if kind is not None and since <= on <= as_of:
            found.add(Exchange(kind, on))

    def concerned(number: str) -> bool:
        return not invoice_numbers or number in invoice_numbers

    for contact in contacts:
        add(_of_contact(contact), contact.on)
    for promise in promises:
        add(ExchangeKind.PROMISE, promise.made_on)
    for dispute in disputes:
        if concerned(dispute.invoice_number):
            add(ExchangeKind.DISPUTE, dispute.opened)
    for interruption in interruptions:
        if interruption.kind is InterruptionKind.ACKNOWLEDGEMENT and concerned(
            interruption.invoice_number
        ):
            add(ExchangeKind.ACKNOWLEDGEMENT, interruption.date)
    order = list(ExchangeKind)
    return tuple(sorted(found, key=lambda e: (order.index(e.kind), e.on)))
