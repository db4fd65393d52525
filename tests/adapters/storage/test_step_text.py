"""The queue's `details` text a run writes (`step_text`, the level's part encoded once) is
the JSON of `step_json` to the character, and reads back as the step it was made from."""

from __future__ import annotations

import json
from datetime import date

import pytest

from relance.adapters.storage.queued_step_json import step_from_json, step_json, step_text
from relance.core.actions import InvoiceStep
from relance.core.money import Money
from relance.core.policy import CallWindow, Channel, Tone
from relance.core.queued import CreditWarning, QueuedStep, RecalledStep

PLAIN = QueuedStep(
    templates=((Channel.EMAIL, "informal_email"),),
    balances=(Money.of("210.00", "EUR"),),
    oldest_due=date(2026, 9, 1),
    days_overdue=80,
    why="80 days after the due date of invoice F1",
)
FULL = QueuedStep(
    templates=((Channel.LETTER, "notice_letter"), (Channel.EMAIL, "notice_email")),
    tone=Tone.FIRM,
    needs_approval=False,
    charges=("interest", "indemnity"),
    formal_notice=True,
    balances=(Money.of("1200", "JPY"), Money.of("99.95", "USD")),
    oldest_due=date(2026, 1, 31),
    days_overdue=300,
    recalls=RecalledStep("C1/2026-10-01/rappel/ab12cd34", "Rappel « ferme »", date(2026, 10, 2)),
    call_window=CallWindow(),
    why="300 days after the due date of invoice F\u00e9-1; 1 other invoice(s) listed apart",
    invoices=(
        InvoiceStep("F\u00e9-1", 2, "Mise en demeure", True, (("Rappel", date(2026, 10, 2)),)),
        InvoiceStep("F2", -1, "", False),
    ),
    unmatched_credits=(
        CreditWarning(
            "T9", date(2026, 11, 2), Money.of("99.95", "USD"), "SARL \u00c9toile", "amount", True
        ),
    ),
)
UNDATED = QueuedStep(recalls=RecalledStep("k", "L1", None), oldest_due=None)


@pytest.mark.parametrize("step", [PLAIN, FULL, UNDATED, QueuedStep()])
def test_the_details_text_is_the_json_of_the_step(step):
    text = step_text(step)
    assert text == json.dumps(step_json(step))
    assert step_from_json(json.loads(text)) == step
