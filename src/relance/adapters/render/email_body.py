"""The body of a reminder e-mail: plain text and HTML carrying the same content.

Both bodies carry everything a letter carries (table of invoices, total, deadline, how to
pay, contact, signatory, creditor identity), so the compliance check reads the plain text
and the debtor sees the same in either. No link is made: addresses stay plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from relance.adapters.render.labels import counted, label
from relance.adapters.render.letterhead import creditor_lines, legal_mentions
from relance.adapters.render.pdf_payment import payment_lines
from relance.adapters.render.pdf_table import invoice_cells
from relance.adapters.render.templates import Wording
from relance.core.addressing import creditor_phone, signatory_title
from relance.core.letter import (
    Letter,
    format_day,
    format_money,
)


@dataclass(frozen=True, slots=True)
class EmailBody:
    """Subject, plain-text body and HTML body of one e-mail."""

    subject: str
    text: str
    html: str


def _table(letter: Letter) -> tuple[list[str], list[list[str]]]:
    lang = letter.language
    header = [
        label(lang, key)
        for key in (
            "col_number",
            "col_date",
            "col_subject",
            "col_amount",
            "col_due",
            "col_late",
            "col_open",
        )
    ]
    rows = [list(invoice_cells(row, letter)) for row in letter.rows]
    return header, rows


def _totals(letter: Letter) -> list[tuple[str, str]]:
    lang = letter.language
    lines: list[tuple[str, str]] = []
    if letter.charges:
        lines.append(
            (
                counted(lang, "subtotal", len(letter.rows)),
                format_money(letter.principal_due, letter.locale),
            )
        )
        for charge in letter.charges:
            text = charge.label + (f" ({charge.explanation})" if charge.explanation else "")
            amount = "" if charge.amount is None else format_money(charge.amount, letter.locale)
            lines.append((text, amount))
    credit = letter.credit_on_account
    if credit is not None:
        if not letter.charges:
            lines.append(
                (
                    counted(lang, "subtotal", len(letter.rows)),
                    format_money(letter.principal_due, letter.locale),
                )
            )
        lines.append((label(lang, "credit_on_account"), format_money(-credit, letter.locale)))
    lines.append((label(lang, "total_due"), format_money(letter.total_due, letter.locale)))
    return lines


def _also_due(letter: Letter, sep: str) -> tuple[list[list[str]], str, str]:
    """The invoices listed apart: their cells, their total line, and both as plain text."""
    if not letter.also_due:
        return [], "", ""
    lang = letter.language
    rows = [list(invoice_cells(row, letter)) for row in letter.also_due]
    amount = format_money(letter.also_due_total, letter.locale)
    total_line = f"{label(lang, 'also_due_total')}{sep}{amount}"
    text = "\n".join([label(lang, "also_due"), *(" | ".join(row) for row in rows), total_line])
    return rows, total_line, text


def _apart_html(title: str, cells: str, rows: list[list[str]], total_line: str) -> list[str]:
    """The invoices listed apart, as also due: a table of their own with their total."""
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return [
        f"<p><b>{escape(title)}</b></p>",
        '<table cellpadding="4" style="border-collapse:collapse;border:1px solid #ccc">'
        f'<tr style="background:#eee">{cells}</tr>{body}</table>',
        f"<p>{escape(total_line)}</p>",
    ]


def _signature(letter: Letter) -> list[str]:
    lines = [x for x in (letter.signatory_name, signatory_title(letter)) if x]
    return [*lines, letter.creditor.name, *creditor_lines(letter), legal_mentions(letter)]


def build_email_body(letter: Letter, wording: Wording, *, copy_of_letter: bool) -> EmailBody:
    """The e-mail for `letter`: the letter's words, or an e-mail copy introducing its PDF."""
    lang = letter.language
    intro: list[str] = []
    if copy_of_letter:
        intro.append(label(lang, "email_copy_intro", date=format_day(letter.dated, letter.locale)))
    header, rows = _table(letter)
    totals = _totals(letter)
    deadline = label(lang, "deadline", date=format_day(letter.deadline, letter.locale))
    payment = payment_lines(letter)
    contacts = " – ".join(
        x
        for x in (
            label(lang, "phone", phone=creditor_phone(letter)) if letter.creditor.phone else "",
            label(lang, "email", email=letter.creditor.email) if letter.creditor.email else "",
        )
        if x
    )
    contact = label(lang, "contact", contacts=contacts)
    previous = (
        counted(
            lang,
            "previous",
            len(letter.previous),
            items=", ".join(
                label(
                    lang, "previous_item", date=format_day(p.sent_on, letter.locale), level=p.level
                )
                for p in letter.previous
            ),
        )
        if letter.previous
        else ""
    )
    sep = " : " if lang == "fr" else ": "
    references = [
        f"{label(lang, 'our_ref')}{sep}{letter.reference}",
        f"{label(lang, 'payment_ref')}{sep}{letter.rf_reference}",
        format_day(letter.dated, letter.locale),
    ]
    signature = _signature(letter)

    text_parts: list[str] = [*intro, *wording.opening]
    text_parts.append(
        "\n".join(
            [
                " | ".join(header),
                *(" | ".join(row) for row in rows),
                *(f"{name}{sep}{amount}" for name, amount in totals),
                deadline,
            ]
        )
    )
    apart, apart_total, apart_text = _also_due(letter, sep)
    if apart_text:
        text_parts.append(apart_text)
    # The closing line ("Kind regards,") leads straight to the signatory: how to pay, the
    # contacts and the references come before it, after the closing's other paragraphs.
    body_end, salutation = wording.closing[:-1], wording.closing[-1:]
    text_parts += list(body_end)
    text_parts.append("\n".join([label(lang, "how_to_pay"), *(f"- {p}" for p in payment)]))
    text_parts += [x for x in (contact, previous) if x]
    text_parts.append("\n".join(references))
    text_parts += list(salutation)
    text_parts.append("\n".join(signature))
    text = "\n\n".join(text_parts) + "\n"

    def para(value: str) -> str:
        return f"<p>{escape(value)}</p>"

    cells = "".join(f"<th>{escape(h)}</th>" for h in header)
    body_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    total_rows = "".join(
        f'<tr><td colspan="6" style="text-align:right">{escape(n)}</td>'
        f'<td style="text-align:right"><b>{escape(a)}</b></td></tr>'
        for n, a in totals
    )
    html = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(wording.subject)}</title></head>",
            '<body style="font-family:sans-serif;font-size:14px;color:#222">',
            *(para(p) for p in (*intro, *wording.opening)),
            '<table cellpadding="4" style="border-collapse:collapse;border:1px solid #ccc">',
            f'<tr style="background:#eee">{cells}</tr>{body_rows}{total_rows}</table>',
            f"<p><b>{escape(deadline)}</b></p>",
            *(_apart_html(label(lang, "also_due"), cells, apart, apart_total) if apart else ()),
            *(para(p) for p in body_end),
            f"<p><b>{escape(label(lang, 'how_to_pay'))}</b></p>",
            "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in payment) + "</ul>",
            *(para(p) for p in (contact, previous) if p),
            "<p>" + "<br>".join(escape(r) for r in references) + "</p>",
            *(para(p) for p in salutation),
            "<p>" + "<br>".join(escape(s) for s in signature) + "</p>",
            "</body></html>",
        ]
    )
    return EmailBody(subject=wording.subject, text=text, html=html)
