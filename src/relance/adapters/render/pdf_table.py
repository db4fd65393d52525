"""The table of a letter: its overdue invoices (continued over pages when long), the
charges and the total due, the deadline, and the customer's other overdue invoices."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm

from relance.adapters.render.labels import counted, label
from relance.adapters.render.pdf_page import Page, fit, wrap
from relance.core.letter import InvoiceRow, Letter, format_day, format_money, format_short_day

# Table columns: (label key, width in mm, right-aligned)
_COLUMNS = (
    ("col_number", 23, False),
    ("col_date", 20, False),
    ("col_subject", 40, False),
    ("col_amount", 23, True),
    ("col_due", 22, False),
    ("col_late", 16, True),
    ("col_open", 26, True),
)


def invoice_cells(row: InvoiceRow, letter: Letter) -> tuple[str, ...]:
    """One invoice of the table, as letters and e-mails print it (the letter's locale)."""
    locale = letter.locale
    return (
        row.number,
        format_short_day(row.issue_date, locale),
        row.subject,
        format_money(row.amount, locale),
        format_short_day(row.due_date, locale),
        label(letter.language, "days", n=row.days_late),
        format_money(row.open_balance, locale),
    )


# A cell's text is 8 pt; a description wraps onto lines this far apart.
_LINE_IN_CELL = 3.4 * mm


def _cell_lines(page: Page, text: str, width_mm: float) -> list[str]:
    """A table cell's text wrapped to its column (a description is never cut); a single
    word longer than the column is shortened with an ellipsis."""
    name, size, room = page.layout.fonts.regular, 8.0, width_mm * mm - 2 * mm
    return [fit(line, name, size, room) for line in wrap(text, name, size, room)] or [""]


def table_header(page: Page) -> None:
    """The grey header row of the invoice table, one label per column."""
    lang = page.letter.language
    name, size = page.font(bold=True, size=8)
    page.canvas.setFillGray(0.9)
    page.canvas.rect(page.left, page.y - 4.2 * mm, page.right - page.left, 5.6 * mm, 0, 1)
    page.canvas.setFillGray(0)
    x = page.left
    for key, width, right in _COLUMNS:
        text = fit(label(lang, key), name, size, width * mm - 2 * mm)
        if right:
            page.put(x + width * mm - 1 * mm, page.y - 3 * mm, text, right=True)
        else:
            page.put(x + 2 * mm, page.y - 3 * mm, text)
        x += width * mm
    page.y -= 6.5 * mm


def draw_table(page: Page) -> None:
    """The overdue invoices, the charges, the total due and the deadline, then the other
    overdue invoices of the customer."""
    letter = page.letter
    lang = letter.language
    row_height = 4.6 * mm
    page.ensure(row_height * 3)
    table_header(page)
    _draw_rows(page, letter.rows)
    page.canvas.setLineWidth(0.5)
    page.canvas.line(page.left, page.y + 1 * mm, page.right, page.y + 1 * mm)
    page.y -= 3 * mm
    totals = total_lines(letter)
    # A charge's label and its arithmetic can be longer than the line: both are wrapped
    # in the space left of the amounts, the arithmetic in smaller type under its label.
    text_right = page.right - 30 * mm
    text_width = text_right - page.left
    for text, amount, bold, explanation in totals:
        name, size = page.font(bold=bold, size=9 if bold else 8.5)
        lines = wrap(text, name, size, text_width)
        small = [] if not explanation else wrap(f"({explanation})", name, 7.5, text_width)
        page.ensure(4.6 * mm * len(lines) + 3.6 * mm * len(small))
        page.font(bold=bold, size=size)
        page.put(page.right - 1 * mm, page.y, amount, right=True)
        for line in lines:
            page.put(text_right, page.y, line, right=True)
            page.y -= 4.6 * mm
        page.font(size=7.5)
        for line in small:
            page.y += 0.8 * mm
            page.put(text_right, page.y, line, right=True)
            page.y -= 3.6 * mm
        if small:
            page.y -= 0.8 * mm
    page.font(bold=True)
    page.y -= 1 * mm
    page.put(
        page.right - 1 * mm,
        page.y,
        label(lang, "deadline", date=format_day(letter.deadline, letter.locale)),
        right=True,
    )
    page.y -= 7 * mm
    if letter.also_due:
        _draw_also_due(page)


def total_lines(letter: Letter) -> list[tuple[str, str, bool, str]]:
    """Under the table: (label, amount, bold?, arithmetic) for the subtotal, each charge,
    the credit on account and the total due (letters and e-mails)."""
    lang = letter.language
    totals: list[tuple[str, str, bool, str]] = []
    if letter.charges:
        subtotal = format_money(letter.principal_due, letter.locale)
        totals.append((counted(lang, "subtotal", len(letter.rows)), subtotal, False, ""))
        for charge in letter.charges:
            amount = "" if charge.amount is None else format_money(charge.amount, letter.locale)
            totals.append((charge.label, amount, False, charge.explanation))
    credit = letter.credit_on_account
    if credit is not None:
        if not letter.charges:
            subtotal = format_money(letter.principal_due, letter.locale)
            totals.append((counted(lang, "subtotal", len(letter.rows)), subtotal, False, ""))
        credited = format_money(-credit, letter.locale)
        totals.append((label(lang, "credit_on_account"), credited, False, ""))
    totals.append(
        (label(lang, "total_due"), format_money(letter.total_due, letter.locale), True, "")
    )
    return totals


def _draw_rows(page: Page, rows: Sequence[InvoiceRow]) -> None:
    letter = page.letter
    lang = letter.language
    row_height = 4.6 * mm
    for row in rows:
        cells = [_cell_lines(page, cell, width) for (_, width, _), cell in zip(
            _COLUMNS, invoice_cells(row, letter), strict=True
        )]  # fmt: skip
        height = row_height + _LINE_IN_CELL * (max(len(lines) for lines in cells) - 1)
        if page.ensure(height):
            page.font(size=8)
            page.put(page.left, page.y, label(lang, "continued"))
            page.y -= 2 * mm
            table_header(page)
        page.font(size=8)
        x = page.left
        for (_, width, right), lines in zip(_COLUMNS, cells, strict=True):
            for index, text in enumerate(lines):
                y = page.y - 2 * mm - index * _LINE_IN_CELL
                if right:
                    page.put(x + width * mm - 1 * mm, y, text, right=True)
                else:
                    page.put(x + 2 * mm, y, text)
            x += width * mm
        page.y -= height


def _draw_also_due(page: Page) -> None:
    """The customer's other overdue invoices, apart from the letter's table and total."""
    letter = page.letter
    lang = letter.language
    page.ensure(4.6 * mm * 4)
    page.paragraph(label(lang, "also_due"), bold=True, gap=4 * mm)
    table_header(page)
    _draw_rows(page, letter.also_due)
    page.y -= 2 * mm
    page.font(size=8.5)
    total_text = label(lang, "also_due_total")
    page.put(page.right - 30 * mm, page.y, total_text, right=True)
    page.put(
        page.right - 1 * mm, page.y, format_money(letter.also_due_total, letter.locale), right=True
    )
    page.y -= 7 * mm
