"""The contact log: calls, e-mails and letters sent, and responses received.

The engine reads "the customer responded" from this log: any message received from the
customer, or a call in which the customer was reached (a conversation, a promise or a
dispute raised on the phone). A call with no answer or to a wrong number is an attempt,
not a response.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ContactChannel(StrEnum):
    """How a contact was made."""

    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    REGISTERED_LETTER = "registered_letter"


class Direction(StrEnum):
    """Sent by the creditor, or received from the customer."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"


class CallOutcome(StrEnum):
    """What came of a call."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    PROMISED = "promised"
    DISPUTED = "disputed"
    WRONG_NUMBER = "wrong_number"


# Outcomes in which the creditor spoke with the customer: a telephone conversation.
CONVERSATION_OUTCOMES = frozenset({CallOutcome.REACHED, CallOutcome.PROMISED, CallOutcome.DISPUTED})


@dataclass(frozen=True, slots=True)
class Contact:
    """One entry of the contact log. `action_key` links it to the queued action it carried
    out, if any, so that a call made for an action is not counted twice."""

    customer_ref: str
    on: date
    channel: ContactChannel
    direction: Direction = Direction.OUTGOING
    outcome: CallOutcome | None = None
    note: str = ""
    action_key: str | None = None

    @property
    def is_response(self) -> bool:
        """True when the customer answered: anything received, or a call that reached them."""
        if self.direction is Direction.INCOMING:
            return True
        return self.channel is ContactChannel.CALL and self.outcome in CONVERSATION_OUTCOMES

    @property
    def is_conversation(self) -> bool:
        """True for a telephone conversation (either way) with the customer."""
        if self.channel is not ContactChannel.CALL:
            return False
        return self.direction is Direction.INCOMING or self.outcome in CONVERSATION_OUTCOMES


def last_response(contacts: Iterable[Contact], as_of: date) -> date | None:
    """The latest day on or before `as_of` on which the customer responded, if any."""
    days = [c.on for c in contacts if c.on <= as_of and c.is_response]
    return max(days) if days else None


def calls_in_window(contacts: Iterable[Contact], as_of: date, window_days: int) -> int:
    """Outgoing calls in the `window_days` days ending on `as_of` (both ends counted)."""
    first = as_of - timedelta(days=window_days - 1)
    return sum(
        1
        for c in contacts
        if c.channel is ContactChannel.CALL
        and c.direction is Direction.OUTGOING
        and first <= c.on <= as_of
    )


def last_conversation(contacts: Iterable[Contact], as_of: date) -> date | None:
    """The latest telephone conversation with the customer on or before `as_of`."""
    days = [c.on for c in contacts if c.on <= as_of and c.is_conversation]
    return max(days) if days else None
