"""A case file's dossier as an A4 PDF, in French or English (docs/casefile.md).

In the order a reader checks a claim: who claims what from whom (the summary, with the
claim's parts apart: principal, what was paid, interest, indemnity, costs, the balance),
the process followed, the registered letters' proofs, the interest computation period by
period, the timeline of every contact, and the list of the documents with their SHA-256.
The statement of account, rendered on its own, is appended after these pages.
Drawn with the TTF fonts the letters use, so every accent and currency sign prints.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render import dossier_sections as sections
from relance.adapters.render.charge_wording import Wording
from relance.adapters.render.dossier_page import LEFT, RIGHT, Column, DossierPage
from relance.adapters.render.dossier_words import words
from relance.adapters.render.pdf_page import unicode_fonts
from relance.core.case_summary import ClaimSummary
from relance.core.dossier import Dossier, Purpose
from relance.core.letter import format_day
from relance.core.model import Creditor, Customer, CustomerKind
from relance.core.money import Money


def render_dossier(dossier: Dossier, statement: bytes | None = None) -> bytes:
    """The dossier as PDF bytes, with the statement of account's pages appended when
    given. The same dossier renders to the same bytes (no timestamp)."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        text = words(dossier.language)
        canvas.setTitle(f"{text['title']} – {dossier.customer.name}")
        canvas.setAuthor(dossier.creditor.name)
        footer = f"{text['title']} – {dossier.customer.name} – {dossier.creditor.name}"
        page = DossierPage(canvas, unicode_fonts(), footer, text["page"])
        _summary(page, dossier, statement is not None)
        sections.process(page, dossier)
        sections.registered(page, dossier)
        sections.interest(page, dossier)
        sections.timeline(page, dossier)
        sections.manifest(page, dossier)
        page.finish()
        canvas.save()
        pdf = buffer.getvalue()
    finally:
        rl_config.useA85 = saved
    return pdf if statement is None else _appended(pdf, statement)


def _appended(pdf: bytes, statement: bytes) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    writer.append(PdfReader(io.BytesIO(statement)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _summary(page: DossierPage, d: Dossier, has_statement: bool) -> None:
    text = words(d.language)
    wording = Wording(d.language, d.customer.country)
    page.text(text["title"], 18, bold=True)
    page.text(d.customer.name, 13, bold=True)
    page.text(text["as_of"].format(date=format_day(d.as_of, wording.locale)), 10)
    if d.purpose is Purpose.PAYMENT_ORDER:
        page.text(text["for_payment_order"], 10, bold=True)
    elif d.purpose is Purpose.AGENCY:
        page.text(text["for_agency"], 10, bold=True)
    page.text(text["made_by"].format(version=d.relance_version), 8)
    page.gap(4 * mm)
    top = page.y
    _party(page, text["creditor"], creditor_lines(d.creditor, text), LEFT)
    low = page.y
    page.y = top
    _party(page, text["debtor"], debtor_lines(d.customer, text), LEFT + 90 * mm)
    page.y = min(low, page.y)
    page.heading(text["claim"])
    page.text(text["rules"].format(title=d.rule_set_title), 8.5)
    page.gap(1 * mm)
    if not any(s.invoices for s in d.summaries):
        page.text(text["nothing_claimed"])
    for summary in d.summaries:
        _claim(page, summary, wording, text)
    for currency, amount in d.foreign_charges.items():
        page.pair(text["foreign"].format(currency=currency), wording.money(amount))
    for note in d.notes:
        page.text(text["note"].format(text=note), 8)
    if has_statement:
        page.text(text["statement"], 8.5)


def _party(page: DossierPage, title: str, lines: Sequence[str], x: float) -> None:
    page.text(title, 8, bold=True, x=x)
    for index, line in enumerate(lines):
        page.canvas.setFont(page.fonts.bold if index == 0 else page.fonts.regular, 9)
        page.canvas.drawString(x, page.y, line[:60])
        page.y -= 12


def creditor_lines(creditor: Creditor, text: dict[str, str]) -> list[str]:
    """The creditor's identity: name and legal form, registration, address, VAT."""
    named = creditor.name.split()
    form = "" if named and named[-1] == creditor.legal_form else creditor.legal_form
    lines = [" ".join(p for p in (creditor.name, form) if p)]
    if creditor.registration_id:
        city = f" (RCS {creditor.registration_city})" if creditor.registration_city else ""
        lines.append(f"{text['siren']} {creditor.registration_id}{city}")
    lines += _address(creditor.address.lines, creditor.address.postal_code, creditor.address.city)
    if creditor.vat_number:
        lines.append(f"{text['vat']} {creditor.vat_number}")
    return lines


def debtor_lines(customer: Customer, text: dict[str, str]) -> list[str]:
    """The debtor's identity: name, kind, registration, address, VAT, reference."""
    kind = text["kind_consumer" if customer.kind is CustomerKind.CONSUMER else "kind_business"]
    lines = [customer.name, kind.capitalize()]
    if customer.registration_id:
        lines.append(f"{text['siren']} {customer.registration_id}")
    lines += _address(customer.address.lines, customer.address.postal_code, customer.address.city)
    if customer.country:
        lines[-1] += f" ({customer.country})"
    if customer.vat_number:
        lines.append(f"{text['vat']} {customer.vat_number}")
    lines.append(f"{text['ref']} {customer.ref}")
    return lines


def _address(lines: Sequence[str], postal_code: str, city: str) -> list[str]:
    return [*lines, " ".join(p for p in (postal_code, city) if p)]


def _claim(page: DossierPage, s: ClaimSummary, wording: Wording, text: dict[str, str]) -> None:
    if not s.invoices:  # only invoices not yet due in this currency
        _not_due(page, s, wording, text)
        return
    columns = [
        Column(text["col_invoice"], 21 * mm),
        Column(text["col_issued"], 20 * mm, size=7.5),
        Column(text["col_due"], 20 * mm, size=7.5),
        Column(text["col_amount"], 19 * mm, True),
        Column(text["col_settled"], 18 * mm, True),
        Column(text["col_open"], 19 * mm, True),
        Column(text["col_interest"], 17 * mm, True),
        Column(text["col_indemnity"], 18 * mm, True),
        Column(text["col_total"], 22 * mm, True),
    ]
    rows = [
        [
            r.number,
            wording.day(r.issue_date),
            wording.day(r.due_date),
            wording.money(r.amount),
            wording.money(r.paid + r.credited),
            wording.money(r.open),
            wording.money(r.interest),
            wording.money(r.indemnity),
            wording.money(r.claimed),
        ]
        for r in s.invoices
    ]
    page.table(columns, rows)
    for key, amount in (
        ("principal", s.principal),
        ("paid", s.paid),
        ("credited", s.credited),
        ("open", s.open),
        ("interest", s.interest),
        ("indemnity", s.indemnity),
        ("costs", s.costs),
    ):
        page.pair(text[key], wording.money(amount))
    page.canvas.line(RIGHT - 60 * mm, page.y + 10, RIGHT, page.y + 10)
    page.pair(text["balance"], wording.money(s.balance), bold=True, size=10.5)
    _not_due(page, s, wording, text)


def _not_due(page: DossierPage, s: ClaimSummary, wording: Wording, text: dict[str, str]) -> None:
    if s.not_due:
        numbers = ", ".join(f"{r.number} ({wording.day(r.due_date)})" for r in s.not_due)
        owed = wording.money(sum((r.open for r in s.not_due), Money.zero(s.currency)))
        page.text(text["not_due"].format(invoices=numbers, amount=owed), 8.5)
    page.gap(2 * mm)
