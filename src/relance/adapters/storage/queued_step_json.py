"""A queued step (`core.queued.QueuedStep`) as the JSON of the queue's `details` column,
and back. The keys are those the queue has always stored; a row written before a key
existed reads back with that field's default."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from functools import lru_cache
from typing import Any

from relance.adapters.storage.driver import json_text
from relance.core.actions import InvoiceStep
from relance.core.money import Money
from relance.core.policy import CallWindow, Channel, Tone
from relance.core.queued import CreditWarning, QueuedStep, RecalledStep


def step_json(step: QueuedStep) -> dict[str, Any]:
    """What the letters and the user need of a queued step, as JSON-ready data."""
    recalls = step.recalls
    templates, window = _level_json(step.templates, step.call_window)
    data = {
        "templates": dict(templates),
        "tone": step.tone.value,
        "needs_approval": step.needs_approval,
        "charges": list(step.charges),
        "formal_notice": step.formal_notice,
        "balances": [[str(m.amount), m.currency] for m in step.balances],
        "oldest_due": step.oldest_due.isoformat() if step.oldest_due else None,
        "days_overdue": step.days_overdue,
        "recalls": None if recalls is None else _recalled_json(recalls),
        "call_window": None if window is None else list(window),
        "why": step.why,
        "invoices": [_invoice_json(invoice) for invoice in step.invoices],
    }
    if step.unmatched_credits:
        data["unmatched_credits"] = [_credit_json(credit) for credit in step.unmatched_credits]
    return data


def step_text(step: QueuedStep) -> str:
    """`step_json` as the text of the queue's `details` column, the very text `json_text`
    makes of it: the level's part (templates, tone, approval, charges, formal notice,
    call window), the same in every step of a level, is encoded once; a run over 200,000
    customers encodes only each step's own."""
    head, window = _level_text(
        step.templates, step.tone, step.needs_approval, step.charges, step.formal_notice,
        step.call_window,
    )  # fmt: skip
    recalls = step.recalls
    # An ISO day needs no escaping; most steps list no invoice apart.
    oldest = "null" if step.oldest_due is None else '"' + step.oldest_due.isoformat() + '"'
    invoices = json_text([_invoice_json(i) for i in step.invoices]) if step.invoices else "[]"
    text = (
        f'{head}, "balances": {json_text([[str(m.amount), m.currency] for m in step.balances])}'
        f', "oldest_due": {oldest}, "days_overdue": {int(step.days_overdue)}'
        f', "recalls": {"null" if recalls is None else json_text(_recalled_json(recalls))}'
        f', "call_window": {window}, "why": {json_text(step.why)}, "invoices": {invoices}'
    )
    if step.unmatched_credits:
        credits = [_credit_json(credit) for credit in step.unmatched_credits]
        text += f', "unmatched_credits": {json_text(credits)}'
    return text + "}"


@lru_cache(maxsize=256)
def _level_text(
    templates: tuple[tuple[Channel, str], ...],
    tone: Tone,
    needs_approval: bool,
    charges: tuple[str, ...],
    formal_notice: bool,
    window: CallWindow | None,
) -> tuple[str, str]:
    """The JSON of a level's part of a step: the opening of the object up to its
    formal notice (no closing brace), and the call window."""
    names, hours = _level_json(templates, window)
    head = {
        "templates": dict(names),
        "tone": tone.value,
        "needs_approval": needs_approval,
        "charges": list(charges),
        "formal_notice": formal_notice,
    }
    return json_text(head)[:-1], json_text(None if hours is None else list(hours))


def step_from_json(data: Mapping[str, Any]) -> QueuedStep:
    """A queued step from its stored JSON."""
    recalls = data.get("recalls")
    window = data.get("call_window")
    hours = None if not window else tuple(time.fromisoformat(hour) for hour in window)
    oldest = data.get("oldest_due")
    return QueuedStep(
        tuple((Channel(name), str(key)) for name, key in (data.get("templates") or {}).items()),
        Tone(data.get("tone") or Tone.COURTEOUS.value),
        bool(data.get("needs_approval", True)),
        tuple(str(charge) for charge in data.get("charges") or ()),
        bool(data.get("formal_notice")),
        tuple(Money.of(amount, currency) for amount, currency in data.get("balances", ())),
        date.fromisoformat(oldest) if oldest else None,
        int(data.get("days_overdue") or 0),
        None if not recalls else _recalled(recalls),
        None if hours is None else CallWindow(*hours),
        str(data.get("why") or ""),
        tuple(_invoice(invoice) for invoice in data.get("invoices") or ()),
        tuple(_credit(credit) for credit in data.get("unmatched_credits") or ()),
    )  # fmt: skip


@lru_cache(maxsize=256)
def _level_json(
    templates: tuple[tuple[Channel, str], ...], window: CallWindow | None
) -> tuple[tuple[tuple[str, str], ...], tuple[str, str] | None]:
    # The same for every proposal of a level: made once, not 200,000 times a run.
    return (
        tuple((channel.value, key) for channel, key in templates),
        None if window is None else (window.start.strftime("%H:%M"), window.end.strftime("%H:%M")),
    )


def _invoice_json(step: InvoiceStep) -> dict[str, Any]:
    """One invoice of a step: its stage with this step, whether the step covers it (else
    it is listed apart, as also due) and the steps it went through."""
    return {
        "number": step.number,
        "stage": step.stage,
        "stage_name": step.stage_name,
        "covered": step.covered,
        "history": [[name, day.isoformat()] for name, day in step.history],
    }


def _invoice(data: Mapping[str, Any]) -> InvoiceStep:
    return InvoiceStep(
        data["number"], int(data["stage"]), data["stage_name"], bool(data["covered"]),
        tuple((name, date.fromisoformat(day)) for name, day in data.get("history") or ()),
    )  # fmt: skip


def _recalled_json(recalls: RecalledStep) -> dict[str, Any]:
    return {
        "key": recalls.key,
        "level_name": recalls.level_name,
        "done_on": recalls.done_on.isoformat() if recalls.done_on else None,
    }


def _recalled(data: Mapping[str, Any]) -> RecalledStep:
    done_on = data.get("done_on")
    return RecalledStep(
        data["key"], data["level_name"], date.fromisoformat(done_on) if done_on else None
    )


def _credit_json(credit: CreditWarning) -> dict[str, Any]:
    return {
        "key": credit.transaction_key,
        "date": credit.booking_date.isoformat(),
        "amount": str(credit.amount.amount),
        "currency": credit.amount.currency,
        "payer": credit.payer,
        "why": credit.why,
        "covers": credit.covers,
        "text": credit.text,  # for a reader of the database; made again when read back
    }


def _credit(data: Mapping[str, Any]) -> CreditWarning:
    return CreditWarning(
        data["key"], date.fromisoformat(data["date"]),
        Money.of(data["amount"], data["currency"]), data["payer"], data["why"],
        bool(data["covers"]),
    )  # fmt: skip
