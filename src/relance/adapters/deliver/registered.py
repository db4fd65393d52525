"""Registered letters (lettre recommandée avec accusé de réception) and their evidence.

Delivery goes through `RegisteredMailProvider`, so that an electronic registered-mail
service can be added later. The built-in provider is manual: the user prints the letter,
posts it at the counter, then records the tracking number and the posting date, and
later the date of the acknowledgement of receipt
(``relance registered ACTION --tracking ... --posted ... | --received ...``).
Each record keeps the PDF's SHA-256 so the letter can be proved later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol


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


class RegisteredMailProvider(Protocol):
    """Hands a registered letter over for delivery and records what happens to it."""

    name: str

    def submit(self, action_id: str, pdf: bytes) -> RegisteredRecord:
        """Take the letter in charge; return its first record."""
        ...


class ManualRegisteredMail:
    """The built-in provider: the letter is printed and posted by hand."""

    name = "manual"

    def submit(self, action_id: str, pdf: bytes) -> RegisteredRecord:
        """Record the printed letter and its hash; posting is recorded later by the user."""
        return RegisteredRecord(action_id, self.name, hashlib.sha256(pdf).hexdigest())


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


def matches_evidence(record: RegisteredRecord, pdf: bytes) -> bool:
    """True when `pdf` is the very file that was registered."""
    return hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
