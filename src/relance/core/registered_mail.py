"""The evidence of a registered letter (lettre recommandée avec accusé de réception): its
record and the events that complete it, posting and receipt. The delivery adapters hand the
letter over (`relance.adapters.deliver.registered`); storage keeps the record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True, slots=True)
class RegisteredRecord:
    """The evidence of one registered letter."""

    action_id: str
    provider: str
    pdf_sha256: str
    tracking_number: str = ""
    posted_on: date | None = None
    received_on: date | None = None

    @property
    def state(self) -> str:
        """``printed``, ``posted`` or ``received``."""
        if self.received_on is not None:
            return "received"
        if self.posted_on is not None:
            return "posted"
        return "printed"


class RegisteredMailProblem(ValueError):
    """A registered-mail event that contradicts the record (received before posted ...)."""


def record_posting(
    record: RegisteredRecord, tracking_number: str, posted_on: date
) -> RegisteredRecord:
    """The record once the letter is posted: tracking number and posting date."""
    tracking = tracking_number.strip().upper()
    if not tracking:
        raise RegisteredMailProblem(f"{record.action_id}: a tracking number is required")
    if record.received_on is not None and posted_on > record.received_on:
        raise RegisteredMailProblem(f"{record.action_id}: posted after it was received")
    return replace(record, tracking_number=tracking, posted_on=posted_on)


def record_receipt(record: RegisteredRecord, received_on: date) -> RegisteredRecord:
    """The record once the acknowledgement of receipt is back."""
    if record.posted_on is None:
        raise RegisteredMailProblem(f"{record.action_id}: record the posting first")
    if received_on < record.posted_on:
        raise RegisteredMailProblem(
            f"{record.action_id}: received on {received_on.isoformat()}, "
            f"before it was posted on {record.posted_on.isoformat()}"
        )
    return replace(record, received_on=received_on)
