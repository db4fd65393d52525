"""The body of a reminder e-mail: plain text and HTML carrying the same content.

Both bodies carry everything a letter carries (table of invoices, total, deadline, how to
pay, contact, signatory, creditor identity), so the compliance check reads the plain text
and the debtor sees the same in either. No link is made: addresses stay plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from relance.adapters.render.labels import label
from relance.adapters.render.letterhead import (
    contact_paragraph,
    creditor_lines,
    legal_mentions,
    previous_letters_paragraph,
)
from relance.adapters.render.pdf_payment import payment_lines
from relance.adapters.render.pdf_table import invoice_cells, total_lines
from relance.adapters.render.templates import Wording
from relance.core.addressing import signatory_title
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
    """The letter's lines under the table, each charge's arithmetic in brackets after it."""
    return [
        (text + (f" ({explanation})" if explanation else ""), amount)
        for text, amount, _, explanation in total_lines(letter)
    ]


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


@dataclass(frozen=True, slots=True)
class _Parts:
    """What an e-mail says, in the order it says it, before the text or HTML is written."""

    language: str
    subject: str
    intro: list[str]  # the e-mail copy's introduction of the letter's PDF, when it is one
    opening: tuple[str, ...]
    header: list[str]
    rows: list[list[str]]
    totals: list[tuple[str, str]]
    deadline: str
    apart: list[list[str]]
    apart_total: str
    apart_text: str
    body_end: tuple[str, ...]  # the closing's paragraphs before its last line
    payment: list[str]
    contact: str
    previous: str
    references: list[str]
    salutation: tuple[str, ...]  # the closing's last line ("Kind regards,")
    signature: list[str]
    sep: str


def _parts(letter: Letter, wording: Wording, copy_of_letter: bool) -> _Parts:
    lang = letter.language
    intro = []
    if copy_of_letter:
        intro.append(label(lang, "email_copy_intro", date=format_day(letter.dated, letter.locale)))
    header, rows = _table(letter)
    sep = " : " if lang == "fr" else ": "
    apart, apart_total, apart_text = _also_due(letter, sep)
    # The closing line ("Kind regards,") leads straight to the signatory: how to pay, the
    # contacts and the references come before it, after the closing's other paragraphs.
    return _Parts(
        language=lang,
        subject=wording.subject,
        intro=intro,
        opening=tuple(wording.opening),
        header=header,
        rows=rows,
        totals=_totals(letter),
        deadline=label(lang, "deadline", date=format_day(letter.deadline, letter.locale)),
        apart=apart,
        apart_total=apart_total,
        apart_text=apart_text,
        body_end=tuple(wording.closing[:-1]),
        payment=payment_lines(letter),
        contact=contact_paragraph(letter),
        previous=previous_letters_paragraph(letter),
        references=[
            f"{label(lang, 'our_ref')}{sep}{letter.reference}",
            f"{label(lang, 'payment_ref')}{sep}{letter.rf_reference}",
            format_day(letter.dated, letter.locale),
        ],
        salutation=tuple(wording.closing[-1:]),
        signature=_signature(letter),
        sep=sep,
    )


def _plain_text(parts: _Parts) -> str:
    table = [
        " | ".join(parts.header),
        *(" | ".join(row) for row in parts.rows),
        *(f"{name}{parts.sep}{amount}" for name, amount in parts.totals),
        parts.deadline,
    ]
    text_parts = [*parts.intro, *parts.opening, "\n".join(table)]
    if parts.apart_text:
        text_parts.append(parts.apart_text)
    text_parts += parts.body_end
    how_to_pay = label(parts.language, "how_to_pay")
    text_parts.append("\n".join([how_to_pay, *(f"- {p}" for p in parts.payment)]))
    text_parts += [x for x in (parts.contact, parts.previous) if x]
    text_parts.append("\n".join(parts.references))
    text_parts += parts.salutation
    text_parts.append("\n".join(parts.signature))
    return "\n\n".join(text_parts) + "\n"


def _para(value: str) -> str:
    return f"<p>{escape(value)}</p>"


def _html(parts: _Parts) -> str:
    lang = parts.language
    cells = "".join(f"<th>{escape(h)}</th>" for h in parts.header)
    body_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in parts.rows
    )
    total_rows = "".join(
        f'<tr><td colspan="6" style="text-align:right">{escape(n)}</td>'
        f'<td style="text-align:right"><b>{escape(a)}</b></td></tr>'
        for n, a in parts.totals
    )
    apart = (
        _apart_html(label(lang, "also_due"), cells, parts.apart, parts.apart_total)
        if parts.apart
        else ()
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(parts.subject)}</title></head>",
            '<body style="font-family:sans-serif;font-size:14px;color:#222">',
            *(_para(p) for p in (*parts.intro, *parts.opening)),
            '<table cellpadding="4" style="border-collapse:collapse;border:1px solid #ccc">',
            f'<tr style="background:#eee">{cells}</tr>{body_rows}{total_rows}</table>',
            f"<p><b>{escape(parts.deadline)}</b></p>",
            *apart,
            *(_para(p) for p in parts.body_end),
            f"<p><b>{escape(label(lang, 'how_to_pay'))}</b></p>",
            "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in parts.payment) + "</ul>",
            *(_para(p) for p in (parts.contact, parts.previous) if p),
            "<p>" + "<br>".join(escape(r) for r in parts.references) + "</p>",
            *(_para(p) for p in parts.salutation),
            "<p>" + "<br>".join(escape(s) for s in parts.signature) + "</p>",
            "</body></html>",
        ]
    )


def build_email_body(letter: Letter, wording: Wording, *, copy_of_letter: bool) -> EmailBody:
    """The e-mail for `letter`: the letter's words, or an e-mail copy introducing its PDF."""
    parts = _parts(letter, wording, copy_of_letter)
    return EmailBody(subject=wording.subject, text=_plain_text(parts), html=_html(parts))
