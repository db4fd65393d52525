"""The statement of account as an A4 PDF, in French or English (docs/statement.md).

Page one: the creditor's letterhead, the customer, the period, a summary (what is owed,
what of it is overdue, the unapplied credit, the interest claimable), then every movement
with its running balance, then the overdue invoices with their days late and interest.
A long history continues on more pages, each with a short heading, the table's column
heads again, and "page n / N". Drawn with the TTF fonts the letters use, so every accent
and currency sign prints.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from babel.numbers import format_decimal
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.pdf_page import Fonts, fit, unicode_fonts, wrap
from relance.adapters.render.statement_words import line_texts, period_text, words
from relance.core.letter import format_day, format_money, format_short_day, letter_locale
from relance.core.model import Creditor
from relance.core.money import Money, minor_units
from relance.core.statement import Statement, StatementLine

WIDTH, HEIGHT = A4
LEFT, RIGHT, BOTTOM, TOP = 16 * mm, WIDTH - 16 * mm, 20 * mm, HEIGHT - 16 * mm
# Movements: date, document, description, due date, debit, credit, balance (right edges
# for the amounts).
_MOVE_X = (LEFT + 1 * mm, LEFT + 21 * mm, LEFT + 46 * mm, LEFT + 100 * mm,
           RIGHT - 40 * mm, RIGHT - 20 * mm, RIGHT - 1 * mm)  # fmt: skip
_DESCRIPTION_WIDTH = 52 * mm
_OVERDUE_X = (LEFT + 1 * mm, LEFT + 30 * mm, LEFT + 52 * mm, LEFT + 92 * mm,
              LEFT + 117 * mm, LEFT + 145 * mm, RIGHT - 1 * mm)  # fmt: skip
# A payment's key made by relance from the imported row's digest means nothing to the
# customer; a bank's own transaction id is shown.
_DIGEST_KEY = re.compile(r"^[a-z]+:[0-9a-f]{16,}(:\d+)?$")
_SIZE = 8.0


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no types
    """A canvas that writes "page n / N" on every page once it knows N."""

    def __init__(self, *args: Any, page_words: Callable[[int, int], str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._page_words = page_words

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("relance-regular", 7)
            self.drawRightString(RIGHT, 10 * mm, self._page_words(number, count))
            super().showPage()
        super().save()


class _Sheet:
    """A cursor down the pages: breaks to a new page with a heading when one is full."""

    def __init__(self, canvas: Canvas, fonts: Fonts, statement: Statement, language: str,
                 footer: str) -> None:  # fmt: skip
        self.canvas, self.fonts, self.footer = canvas, fonts, footer
        self.say = words(language)
        self.locale = letter_locale(language, statement.customer_address.country)
        self.statement = statement
        self.y = TOP
        self.table_head: Callable[[], None] | None = None  # drawn again on a new page

    def need(self, height: float) -> None:
        if self.y - height >= BOTTOM:
            return
        self.finish_page()
        self.y = TOP
        s = self.statement
        end = format_day(s.as_of, self.locale)
        self.text(self.say("continued", customer=s.customer_name, end=end), 8, bold=True)
        self.gap(2 * mm)
        if self.table_head is not None:
            self.table_head()

    def finish_page(self) -> None:
        self.canvas.setFont(self.fonts.regular, 7)
        self.canvas.drawString(LEFT, 10 * mm, fit(self.footer, self.fonts.regular, 7, 140 * mm))
        self.canvas.showPage()

    def text(self, line: str, size: float = 9, bold: bool = False, x: float = LEFT,
             width: float | None = None) -> None:  # fmt: skip
        font = self.fonts.bold if bold else self.fonts.regular
        for part in wrap(line, font, size, width or RIGHT - x) or [""]:
            self.need(size + 3)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, part)
            self.y -= size + 3

    def gap(self, height: float = 3 * mm) -> None:
        self.y -= height

    def amount(self, value: Money) -> str:
        """An amount without its currency (the heading names it), in the locale."""
        digits = minor_units(value.currency)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value.amount, format=pattern, locale=self.locale))


def render_statement_pdf(statement: Statement, creditor: Creditor, language: str) -> bytes:
    """The statement as PDF bytes, in `language` ("fr" or "en")."""
    return render_statements_pdf((statement,), creditor, language)


def render_statements_pdf(
    statements: Sequence[Statement], creditor: Creditor, language: str
) -> bytes:
    """Several statements (a customer's currencies) in one PDF, each from a new page."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        fonts = unicode_fonts()
        say = words(language)
        buffer = io.BytesIO()
        canvas = _NumberedCanvas(
            buffer, pagesize=A4, invariant=True, pageCompression=1,
            page_words=lambda number, count: say("page", number=number, count=count),
        )  # fmt: skip
        if statements:
            canvas.setTitle(f"{say('title').capitalize()} – {statements[0].customer_name}")
        for statement in statements:
            sheet = _Sheet(canvas, fonts, statement, language, _footer(creditor))
            _letterhead(sheet, creditor)
            _summary(sheet)
            _movements(sheet)
            _overdue(sheet)
            _closing(sheet, creditor)
            sheet.finish_page()
        canvas.save()
        return buffer.getvalue()
    finally:
        rl_config.useA85 = saved


def _footer(creditor: Creditor) -> str:
    parts = [creditor.name, creditor.legal_form]
    if creditor.registration_id:
        city = f"RCS {creditor.registration_city} " if creditor.registration_city else "SIREN "
        parts.append(city + creditor.registration_id)
    if creditor.vat_number:
        parts.append(creditor.vat_number)
    return " – ".join(p for p in parts if p)


def _letterhead(sheet: _Sheet, creditor: Creditor) -> None:
    s, say = sheet.statement, sheet.say
    sheet.text(creditor.name, 13, bold=True)
    address = creditor.address
    for line in (*address.lines, f"{address.postal_code} {address.city}".strip(),
                 creditor.phone, creditor.email):  # fmt: skip
        if line:
            sheet.text(line, 8.5)
    sheet.y = min(sheet.y, HEIGHT - 42 * mm)
    block = HEIGHT - 42 * mm
    sheet.y = block
    sheet.text(s.customer_name, 10, bold=True, x=112 * mm)
    place = s.customer_address
    for line in (*place.lines, f"{place.postal_code} {place.city}".strip()):
        if line:
            sheet.text(line, 9.5, x=112 * mm)
    sheet.text(say("customer_ref", ref=s.customer_ref), 8.5, x=112 * mm)
    sheet.y = min(sheet.y, block - 28 * mm) - 4 * mm
    sheet.text(say("title"), 15, bold=True)
    end = format_day(s.as_of, sheet.locale)
    start = None if s.start is None else format_day(s.start, sheet.locale)
    sheet.text(period_text(start, end, sheet.locale[:2]), 9.5)
    sheet.text(say("currency", currency=s.currency), 8.5)
    sheet.gap(2 * mm)


def _summary(sheet: _Sheet) -> None:
    s, say, money = sheet.statement, sheet.say, sheet.locale
    end = format_day(s.as_of, sheet.locale)
    sheet.text(say("summary", end=end), 10.5, bold=True)
    rows: list[tuple[str, Money, bool]] = [
        (say("open_invoices"), s.open_invoices, False),
        (say("unapplied"), -s.unapplied_credit, False),
    ]
    owed = s.closing_balance
    key = "balance_credit" if owed.is_negative else "balance_due"
    rows.append((say(key), -owed if owed.is_negative else owed, True))
    if s.open_invoices.is_positive:
        rows += [(say("overdue_part"), s.overdue_amount, False),
                 (say("not_due_part"), s.not_yet_due, False)]  # fmt: skip
    if s.interest_to is not None:
        stopped = format_day(s.interest_to, sheet.locale)
        rows.append((say("interest_stopped", day=stopped), s.interest, False))
    else:
        rows.append((say("interest", end=end), s.interest, False))
    if s.other_charges.is_positive:
        rows.append((say("other_charges"), s.other_charges, False))
    top = sheet.y + 9
    for label, value, bold in rows:
        sheet.need(13)
        font = sheet.fonts.bold if bold else sheet.fonts.regular
        indent = 6 * mm if label in (say("overdue_part"), say("not_due_part")) else 0
        sheet.canvas.setFont(font, 9.5 if bold else 9)
        sheet.canvas.drawString(LEFT + 3 * mm + indent, sheet.y, label)
        sheet.canvas.drawRightString(RIGHT - 3 * mm, sheet.y, format_money(value, money))
        sheet.y -= 13
    sheet.canvas.setStrokeGray(0.6)
    sheet.canvas.rect(LEFT, sheet.y + 8, RIGHT - LEFT, top - sheet.y - 8, 1, 0)
    sheet.canvas.setStrokeGray(0)
    sheet.gap(4 * mm)


def _movement_head(sheet: _Sheet) -> None:
    canvas = sheet.canvas
    canvas.setFillGray(0.9)
    canvas.rect(LEFT, sheet.y - 2 * mm, RIGHT - LEFT, 6 * mm, 0, 1)
    canvas.setFillGray(0)
    canvas.setFont(sheet.fonts.bold, _SIZE)
    for index, (name, x) in enumerate(zip(sheet.say("columns").split("|"), _MOVE_X,
                                          strict=True)):  # fmt: skip
        (canvas.drawString if index < 4 else canvas.drawRightString)(x, sheet.y, name)
    sheet.y -= 6.5 * mm


def _movements(sheet: _Sheet) -> None:
    s, say = sheet.statement, sheet.say
    sheet.need(40)
    sheet.text(say("movements"), 10.5, bold=True)
    sheet.gap(1 * mm)
    _movement_head(sheet)
    sheet.table_head = lambda: _movement_head(sheet)
    if s.opening_day is not None:
        day = format_short_day(s.opening_day, sheet.locale)
        opening = sheet.amount(s.opening_balance)
        _row(sheet, ("", "", say("opening", day=day), ""), ("", "", opening), bold=True)
    if not s.lines:
        sheet.text(say("no_movement"), _SIZE, x=_MOVE_X[2])
    for line in s.lines:
        _movement(sheet, line)
    sheet.need(16)
    sheet.canvas.line(LEFT, sheet.y + _SIZE + 1, RIGHT, sheet.y + _SIZE + 1)
    end = format_short_day(s.as_of, sheet.locale)
    _row(sheet, ("", "", say("totals", end=end), ""),
         (sheet.amount(s.total_debit), sheet.amount(s.total_credit),
          sheet.amount(s.closing_balance)), bold=True)  # fmt: skip
    sheet.table_head = None
    sheet.gap(4 * mm)


def _movement(sheet: _Sheet, line: StatementLine) -> None:
    main, detail = line_texts(line, sheet.locale[:2], sheet.locale)
    due = "" if line.due_date is None else format_short_day(line.due_date, sheet.locale)
    amounts = (
        sheet.amount(line.debit) if line.debit.is_positive else "",
        sheet.amount(line.credit) if line.credit.is_positive else "",
        sheet.amount(line.balance),
    )
    shown = "" if _DIGEST_KEY.match(line.reference) else line.reference
    reference = fit(shown, sheet.fonts.regular, _SIZE, 24 * mm)
    _row(sheet, (format_short_day(line.day, sheet.locale), reference, main, due), amounts,
         detail=detail, late=bool(line.days_late))  # fmt: skip


def _row(
    sheet: _Sheet,
    texts: tuple[str, str, str, str],
    amounts: tuple[str, str, str],
    *,
    detail: str = "",
    bold: bool = False,
    late: bool = False,
) -> None:
    font = sheet.fonts.bold if bold else sheet.fonts.regular
    lines = wrap(texts[2], font, _SIZE, _DESCRIPTION_WIDTH) or [""]
    details = wrap(detail, sheet.fonts.regular, _SIZE - 1, _DESCRIPTION_WIDTH) if detail else []
    sheet.need((len(lines) + len(details)) * (_SIZE + 2.5) + 2)
    canvas = sheet.canvas
    canvas.setFont(font, _SIZE)
    for text, x in zip((texts[0], texts[1], texts[3]), (_MOVE_X[0], _MOVE_X[1], _MOVE_X[3]),
                       strict=True):  # fmt: skip
        canvas.drawString(x, sheet.y, text)
    for text, x in zip(amounts, _MOVE_X[4:], strict=True):
        canvas.drawRightString(x, sheet.y, text)
    for part in lines:
        canvas.setFont(font, _SIZE)
        canvas.drawString(_MOVE_X[2], sheet.y, part)
        sheet.y -= _SIZE + 2.5
    if late:
        canvas.setFillColorRGB(0.7, 0.1, 0.1)
    else:
        canvas.setFillGray(0.35)
    for part in details:
        canvas.setFont(sheet.fonts.regular, _SIZE - 1)
        canvas.drawString(_MOVE_X[2] + 2 * mm, sheet.y, part)
        sheet.y -= _SIZE + 1.5
    canvas.setFillGray(0)
    sheet.y -= 1.5


def _overdue(sheet: _Sheet) -> None:
    s, say = sheet.statement, sheet.say
    end = format_day(s.as_of, sheet.locale)
    sheet.need(40)
    sheet.text(say("overdue", end=end), 10.5, bold=True)
    if not s.overdue:
        sheet.text(say("none_overdue"), 9)
        sheet.gap()
        return
    sheet.gap(1 * mm)

    def head() -> None:
        canvas = sheet.canvas
        canvas.setFillGray(0.9)
        canvas.rect(LEFT, sheet.y - 2 * mm, RIGHT - LEFT, 6 * mm, 0, 1)
        canvas.setFillGray(0)
        canvas.setFont(sheet.fonts.bold, _SIZE)
        for index, (name, x) in enumerate(zip(say("overdue_columns").split("|"), _OVERDUE_X,
                                              strict=True)):  # fmt: skip
            (canvas.drawString if index < 3 else canvas.drawRightString)(x, sheet.y, name)
        sheet.y -= 6.5 * mm

    head()
    sheet.table_head = head
    for item in s.overdue:
        sheet.need(_SIZE + 4)
        cells = (fit(item.invoice_number, sheet.fonts.regular, _SIZE, 26 * mm),
                 format_short_day(item.issue_date, sheet.locale),
                 format_short_day(item.due_date, sheet.locale), sheet.amount(item.amount),
                 sheet.amount(item.open_amount), str(item.days_late),
                 sheet.amount(item.interest))  # fmt: skip
        _cells(sheet, cells, sheet.fonts.regular)
    sheet.need(_SIZE + 4)
    sheet.canvas.line(LEFT, sheet.y + _SIZE + 1, RIGHT, sheet.y + _SIZE + 1)
    interest = sum((i.interest.amount for i in s.overdue), start=0 * s.interest.amount)
    _cells(sheet, (say("overdue_total"), "", "", "", sheet.amount(s.overdue_amount), "",
                   sheet.amount(Money.of(interest, s.currency))), sheet.fonts.bold)  # fmt: skip
    sheet.table_head = None
    sheet.gap()


def _cells(sheet: _Sheet, cells: Sequence[str], font: str) -> None:
    canvas = sheet.canvas
    canvas.setFont(font, _SIZE)
    for index, (text, x) in enumerate(zip(cells, _OVERDUE_X, strict=True)):
        (canvas.drawString if index < 3 else canvas.drawRightString)(x, sheet.y, text)
    sheet.y -= _SIZE + 4


def _closing(sheet: _Sheet, creditor: Creditor) -> None:
    contacts = " – ".join(x for x in (creditor.phone, creditor.email) if x)
    sheet.gap(2 * mm)
    sheet.text(sheet.say("closing_words", contacts=f" : {contacts}" if contacts and
                         sheet.locale.startswith("fr") else (f": {contacts}" if contacts
                                                             else "")), 8.5)  # fmt: skip
