"""The dossier of a case file: everything its PDF says, before wording and layout.

The renderer (`relance.adapters.render.casefile_dossier`) words it in French or English;
nothing here picks words. The timeline holds every event of the customer's history as
recorded; the process is the short list of the steps a reader checks first (each letter
and its channels, the formal notice received, promises and disputes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from relance.core.case_summary import ClaimSummary
from relance.core.casefile import CaseFileEntry
from relance.core.charges import Charges
from relance.core.model import Creditor, Customer
from relance.core.money import Money
from relance.core.registered_mail import RegisteredRecord


class Purpose(StrEnum):
    """Whom the case file is for: anyone, the court of a payment order, an agency."""

    GENERAL = "general"
    PAYMENT_ORDER = "payment-order"
    AGENCY = "agency"


class StepKind(StrEnum):
    """A step of the process followed, in the words the renderer gives each."""

    LETTER = "letter"  # a reminder or the formal notice left (detail: level, channels)
    NOTICE_RECEIVED = "notice_received"  # the formal notice's receipt (AR) or its date
    CALL = "call"
    PROMISE = "promise"
    DISPUTE = "dispute"


@dataclass(frozen=True, slots=True)
class ProcessStep:
    """One step of the process followed: its day, kind, and what the renderer words."""

    day: date
    kind: StepKind
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of the customer's history as the dossier lists it."""

    day: date
    kind: str
    subject: str
    reason: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Dossier:
    """What the dossier PDF says."""

    creditor: Creditor
    customer: Customer
    as_of: date
    language: str
    purpose: Purpose
    rule_set_title: str
    summaries: tuple[ClaimSummary, ...]
    foreign_charges: Mapping[str, Money]
    charges: tuple[Charges, ...]
    process: tuple[ProcessStep, ...]
    timeline: tuple[TimelineEntry, ...]
    registered: tuple[RegisteredRecord, ...]
    files: tuple[CaseFileEntry, ...]  # the evidence files, the dossier and manifest apart
    relance_version: str
    notes: tuple[str, ...] = ()
    statement_pages: int = 0  # pages of the statement of account appended after these
