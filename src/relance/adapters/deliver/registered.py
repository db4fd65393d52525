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
from typing import Protocol

from relance.core.registered_mail import RegisteredRecord


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
