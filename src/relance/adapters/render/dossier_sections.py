"""The sections of a case file's dossier after its summary: the process followed, the
registered letters, the interest computation, the timeline and the list of documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm

from relance.adapters.render.charge_wording import Wording
from relance.adapters.render.dossier_page import Column, DossierPage
from relance.adapters.render.dossier_words import event_label, outcome_label, words
from relance.core.dossier import Dossier, ProcessStep, StepKind, TimelineEntry
from relance.core.money import Money

_HASH_FONT = "Courier"
_LEVEL = re.compile(r"level (\d+)( \(.*\))?$")


def _wording(d: Dossier) -> Wording:
    return Wording(d.language, d.customer.country)


def process(page: DossierPage, d: Dossier) -> None:
    """The steps taken, by day: letters and their channels, receipts, calls, promises,
    disputes."""
    text = words(d.language)
    page.heading(text["process"])
    if not d.process:
        page.text(text["no_process"])
        return
    wording = _wording(d)
    rows = [[wording.day(step.day), _step(step, text, d.language, wording)] for step in d.process]
    page.table([Column(text["col_date"], 24 * mm), Column(text["col_detail"], 150 * mm)], rows)


def _step(step: ProcessStep, text: Mapping[str, str], language: str, wording: Wording) -> str:
    data = step.data
    if step.kind is StepKind.LETTER:
        channels = ", ".join(text.get(f"channel_{c}", c) for c in data.get("channels", ()))
        return text["step_letter"].format(
            level=data.get("level", ""), reference=data.get("reference", ""), channels=channels
        )
    if step.kind is StepKind.NOTICE_RECEIVED:
        return text["step_notice_received"].format(tracking=data.get("tracking", ""))
    if step.kind is StepKind.CALL:
        outcome = str(data.get("outcome", ""))
        said = " – ".join(
            p for p in (outcome_label(language, outcome) if outcome else "", data.get("note")) if p
        )
        return text["step_call"].format(detail=said) if said else text["channel_call"].capitalize()
    if step.kind is StepKind.PROMISE:
        amount, due = data["amount"], data["due"]
        assert isinstance(amount, Money) and isinstance(due, date)
        return text["step_promise"].format(amount=wording.money(amount), due=wording.day(due))
    said = text["step_dispute"].format(
        invoice=data.get("invoice", ""), reason=data.get("reason", "")
    )
    resolved = data.get("resolved")
    if isinstance(resolved, date):
        said += text["step_dispute_resolved"].format(date=wording.day(resolved))
    return said


def registered(page: DossierPage, d: Dossier) -> None:
    """Each registered letter: tracking number, posting and receipt, the letter's hash."""
    if not d.registered:
        return
    text, wording = words(d.language), _wording(d)
    page.heading(text["registered"])
    columns = [
        Column(text["col_tracking"], 34 * mm),
        Column(text["col_posted"], 22 * mm),
        Column(text["col_received"], 22 * mm),
        Column(text["col_state"], 18 * mm),
        Column(text["col_letter_hash"], 78 * mm, size=5.4, font=_HASH_FONT),
    ]
    rows = [
        [
            r.tracking_number or "—",
            wording.day(r.posted_on) if r.posted_on else "—",
            wording.day(r.received_on) if r.received_on else "—",
            text[f"state_{r.state}"],
            r.pdf_sha256,
        ]
        for r in d.registered
    ]
    page.table(columns, rows)


def interest(page: DossierPage, d: Dossier) -> None:
    """Per invoice, the interest period by period: from, to, days, base, rate, amount,
    and where the rate comes from."""
    text, wording = words(d.language), _wording(d)
    page.need(70 * mm)  # the title, its introduction and a first table together
    page.heading(text["interest_title"])
    page.text(text["interest_intro"], 8.5)
    page.gap(1 * mm)
    breakdowns = [c.interest for c in d.charges if c.interest is not None and c.interest.lines]
    if not breakdowns:
        page.text(text["no_interest"])
    columns = [
        Column(text["col_from"], 22 * mm, size=7.5),
        Column(text["col_to"], 22 * mm, size=7.5),
        Column(text["col_days"], 11 * mm, True),
        Column(text["col_base"], 23 * mm, True),
        Column(text["col_rate"], 14 * mm, True),
        Column(text["col_interest"], 22 * mm, True),
        Column(text["col_basis"], 60 * mm, size=7),
    ]
    for breakdown in breakdowns:
        assert breakdown is not None
        page.need(30 * mm)
        page.gap(1 * mm)
        page.text(text["interest_total"].format(invoice=breakdown.invoice_number), 9.5, True)
        rows = [
            [
                wording.day(line.start),
                wording.day(line.end),
                str(line.days),
                wording.money(line.base),
                f"{wording.number(line.rate)} %",
                wording.money(line.amount),
                wording.basis(line),
            ]
            for line in breakdown.lines
        ]
        page.table(columns, rows)
        page.pair(
            text["interest_sum"].format(invoice=breakdown.invoice_number, days=breakdown.days),
            wording.money(breakdown.total),
            bold=True,
        )
        for problem in breakdown.problems:
            page.text(text["note"].format(text=problem), 8)
        page.gap(3 * mm)


def timeline(page: DossierPage, d: Dossier) -> None:
    """Every event of the customer's history up to the day, in the order recorded."""
    text, wording = words(d.language), _wording(d)
    page.heading(text["timeline"])
    if not d.timeline:
        page.text(text["no_events"])
        return
    columns = [
        Column(text["col_date"], 22 * mm),
        Column(text["col_event"], 42 * mm),
        Column(text["col_detail"], 110 * mm),
    ]
    rows = [
        [wording.day(e.day), event_label(d.language, e.kind), _detail(e, d.language, wording)]
        for e in d.timeline
    ]
    page.table(columns, rows)


def _detail(entry: TimelineEntry, language: str, wording: Wording) -> str:
    data: Mapping[str, Any] = entry.data
    text = words(language)
    parts: list[str] = []
    if entry.kind == "letters.sent":
        names = [text.get(f"channel_{c}", str(c)) for c in data.get("channels", [])]
        level = _LEVEL.match(entry.reason)
        parts += [str(data.get("reference", "")), ", ".join(names)]
        parts.append(
            text["level"].format(level=level[1]) + (level[2] or "") if level else entry.reason
        )
        if data.get("total_due") and data.get("currency"):
            parts.append(wording.money(Money(Decimal(data["total_due"]), data["currency"])))
    elif entry.kind.startswith("contact."):
        outcome = data.get("outcome")
        parts += [
            text.get(entry.subject, entry.subject),
            outcome_label(language, str(outcome)) if outcome else "",
            entry.reason,
        ]
    else:
        parts += _other_detail(entry, text, language, wording)
    return " – ".join(p for p in parts if p) or "—"


def _other_detail(
    entry: TimelineEntry, text: Mapping[str, str], language: str, wording: Wording
) -> list[str]:
    """The detail of an event other than a letter or a contact, in the dossier's words
    where relance knows its data."""
    data: Mapping[str, Any] = entry.data
    if entry.kind == "action.done":
        outcome = data.get("outcome")
        return [
            f"{data.get('level', '')} ({entry.subject})",
            outcome_label(language, str(outcome)) if outcome else "",
            entry.reason,
        ]
    if entry.kind.startswith("registered."):
        return [f"{text['col_tracking']} {data.get('tracking', '')}", entry.subject]
    if entry.kind == "handoff":
        return [entry.subject, ", ".join(str(n) for n in data.get("invoices", [])), entry.reason]
    if entry.kind == "formal_notice":
        return [entry.subject]
    if entry.kind == "promise.made" and data.get("due"):
        amount, currency = str(data.get("amount", "")).partition(" ")[::2]
        due = date.fromisoformat(str(data["due"]))
        try:
            said = wording.money(Money(Decimal(amount), currency))
        except (ArithmeticError, ValueError):
            said = entry.subject
        return [text["step_promise"].format(amount=said, due=wording.day(due)), entry.reason]
    return [entry.subject, entry.reason]


def manifest(page: DossierPage, d: Dossier) -> None:
    """The documents of the case file with their size and SHA-256."""
    text = words(d.language)
    page.heading(text["manifest"])
    page.text(text["manifest_intro"], 8.5)
    page.gap(1 * mm)
    columns = [
        Column(text["col_file"], 70 * mm, size=7),
        Column(text["col_size"], 16 * mm, True, size=7),
        Column(text["col_sha"], 88 * mm, size=6, font=_HASH_FONT),
    ]
    rows = [[entry.path, str(entry.size), entry.sha256] for entry in d.files]
    page.table(columns, rows)
