"""A copy of each invoice with the first letter: the invoice's own PDF where the ledger has one
(an imported Factur-X), else a duplicate drawn from the ledger, marked "Duplicata".

The debtor who mislaid the invoice can check it and pay at once; a letter asking for
money the reader cannot trace is what most often goes unanswered. The duplicate shows
what the ledger knows of the invoice (number, dates, subject, amounts before and with
tax, what is still owed) under the creditor's identity and legal mentions, and says that
it is a duplicate, issued on the letter's date.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.letterhead import creditor_lines, legal_mentions
from relance.adapters.render.pdf_page import Fonts, RecordedCanvas, unicode_fonts, wrap
from relance.core.addressing import recipient_lines
from relance.core.letter import InvoiceRow, Letter, format_money, format_short_day

WIDTH, HEIGHT = A4
FIRST_LETTER_LEVEL = 1
# The template key of a "letter" that only carries a duplicate into a case file: its note
# then says so, not that it goes with a reminder.
CASEFILE_TEMPLATE = "casefile"

_WORDS = {
    "fr": {
        "mark": "DUPLICATA",
        "title": "Facture n° {number}",
        "issued": "Date de facture : {date}",
        "due": "Échéance : {date}",
        "subject": "Désignation",
        "net": "Montant HT",
        "tax": "TVA",
        "gross": "Montant TTC",
        "open": "Reste dû au {date}",
        "note": (
            "Duplicata établi le {date} d'après notre comptabilité, à joindre à notre courrier "
            "de relance ; il ne remplace pas la facture originale."
        ),
        "casefile_note": (
            "Duplicata établi le {date} d'après notre comptabilité pour le dossier de la "
            "créance ; il ne remplace pas la facture originale."
        ),
    },
    "en": {
        "mark": "DUPLICATE",
        "title": "Invoice no. {number}",
        "issued": "Invoice date: {date}",
        "due": "Due date: {date}",
        "subject": "Description",
        "net": "Net amount",
        "tax": "VAT",
        "gross": "Total",
        "open": "Balance due on {date}",
        "note": (
            "Duplicate issued on {date} from our ledger, enclosed with our reminder; it does not "
            "replace the original invoice."
        ),
        "casefile_note": (
            "Duplicate issued on {date} from our ledger for the case file of the claim; it does "
            "not replace the original invoice."
        ),
    },
}


def needs_copies(letter: Letter) -> bool:
    """True for the first letter: it goes with a copy of each invoice it chases."""
    return letter.level == FIRST_LETTER_LEVEL


def own_document(row: InvoiceRow) -> Path | None:
    """The invoice's own PDF when the ledger names one that is on disk."""
    path = Path(row.document) if row.document else None
    return path if path is not None and path.is_file() else None


class _TextOutsideBaseFonts(Exception):
    """A text the PDF base fonts cannot print: the page is drawn again with a TTF."""


class _BaseFontCanvas:
    """A canvas whose texts are checked for the PDF base fonts, which print Windows-1252
    only (as the letter's own pages do): French amounts' narrow no-break space becomes a
    no-break space, anything else outside the set raises `_TextOutsideBaseFonts`."""

    def __init__(self, canvas: Any) -> None:
        self._canvas = canvas

    def __getattr__(self, name: str) -> Any:
        return getattr(self._canvas, name)

    @staticmethod
    def _checked(text: str) -> str:
        text = text.replace("\u202f", "\xa0")
        try:
            text.encode("cp1252")
        except UnicodeEncodeError as exc:
            raise _TextOutsideBaseFonts(text) from exc
        return text

    def drawString(self, x: float, y: float, text: str) -> None:
        self._canvas.drawString(x, y, self._checked(text))

    def drawRightString(self, x: float, y: float, text: str) -> None:
        self._canvas.drawRightString(x, y, self._checked(text))

    def drawCentredString(self, x: float, y: float, text: str) -> None:
        self._canvas.drawCentredString(x, y, self._checked(text))


def render_duplicate(letter: Letter, row: InvoiceRow) -> bytes:
    """One A4 page: the invoice `row` of `letter` as the ledger knows it, marked duplicate.

    Drawn with the PDF base fonts, which embed nothing (a page of a few KB), unless a text
    needs more than they print; then with the TTF fonts the letters use in that case.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0  # as for the letter: no ASCII85 wrapping of compressed streams
    try:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        canvas.setTitle(f"{_words(letter)['mark']} {row.number}")
        _draw_checked(canvas, letter, row, Fonts())
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()
    finally:
        rl_config.useA85 = saved


def draw_duplicates(canvas: Canvas, letter: Letter, fonts: Fonts) -> int:
    """Draw on `canvas`, after the letter's last page, a duplicate of each invoice of the
    first letter that has no PDF of its own (those that have one follow the letter in the
    print file); returns the pages drawn (none for other letters).

    The pages go in the letter's own PDF, with its fonts: a letter in the base fonts gets
    duplicates in the base fonts too, unless a duplicate's text needs the TTF.
    """
    if not needs_copies(letter):
        return 0
    missing = [row for row in letter.rows if own_document(row) is None]
    for row in missing:
        _draw_checked(canvas, letter, row, fonts)
        canvas.showPage()
    return len(missing)


def _draw_checked(canvas: Canvas, letter: Letter, row: InvoiceRow, fonts: Fonts) -> None:
    """The duplicate in `fonts` when they are TTF or print every one of its texts, else
    in the TTF: drawn once on a recording canvas, played on `canvas` when it fits."""
    if fonts != Fonts():
        _draw_page(canvas, letter, row, fonts)
        return
    recorded = RecordedCanvas()
    try:
        _draw_page(recorded, letter, row, fonts)
    except _TextOutsideBaseFonts:
        _draw_page(canvas, letter, row, unicode_fonts())
        return
    recorded.replay(canvas)


def _words(letter: Letter) -> dict[str, str]:
    return _WORDS["fr" if letter.language == "fr" else "en"]


def _draw_page(target: Any, letter: Letter, row: InvoiceRow, fonts: Fonts) -> None:
    """The duplicate's content on the current page of `target` (a canvas)."""
    words = _words(letter)
    canvas: Any = _BaseFontCanvas(target) if fonts == Fonts() else target
    left, right, y = 20 * mm, WIDTH - 20 * mm, HEIGHT - 22 * mm
    canvas.setFont(fonts.bold, 13)
    canvas.drawString(left, y, letter.creditor.name)
    canvas.setFont(fonts.regular, 8.5)
    for line in creditor_lines(letter):
        y -= 10.5
        canvas.drawString(left, y, line)
    _draw_mark(canvas, words["mark"], fonts.bold, right)
    y = HEIGHT - 62 * mm
    canvas.setFont(fonts.regular, 10)
    for line in recipient_lines(letter):
        canvas.drawString(110 * mm, y, line)
        y -= 12.5
    y = HEIGHT - 105 * mm
    canvas.setFont(fonts.bold, 12)
    canvas.drawString(left, y, words["title"].format(number=row.number))
    canvas.setFont(fonts.regular, 9.5)
    for key, day in (("issued", row.issue_date), ("due", row.due_date)):
        y -= 14
        canvas.drawString(left, y, words[key].format(date=format_short_day(day, letter.locale)))
    _draw_amounts(canvas, letter, row, words, y - 12 * mm, fonts)
    canvas.setFont(fonts.regular, 7)
    canvas.drawCentredString(WIDTH / 2, 10 * mm, legal_mentions(letter))


def _draw_mark(canvas: Canvas, mark: str, font: str, right: float) -> None:
    # The word in a frame at the top right, and again large and light across the page, so
    # that no copy of the page can pass for the original.
    canvas.setFont(font, 16)
    width = canvas.stringWidth(mark, font, 16)
    canvas.rect(right - width - 6 * mm, HEIGHT - 27 * mm, width + 6 * mm, 10 * mm)
    canvas.drawRightString(right - 3 * mm, HEIGHT - 24 * mm, mark)
    canvas.saveState()
    canvas.setFillGray(0.88)
    canvas.setFont(font, 72)
    canvas.translate(WIDTH / 2, HEIGHT / 2 - 75 * mm)
    canvas.rotate(35)
    canvas.drawCentredString(0, 0, mark)
    canvas.restoreState()


def _draw_amounts(
    canvas: Canvas,
    letter: Letter,
    row: InvoiceRow,
    words: dict[str, str],
    top: float,
    fonts: Fonts,
) -> None:
    left, right = 20 * mm, WIDTH - 20 * mm
    columns = (("subject", left + 2 * mm), ("net", right - 62 * mm), ("tax", right - 32 * mm))
    canvas.setFillGray(0.9)
    canvas.rect(left, top - 2 * mm, right - left, 6 * mm, 0, 1)
    canvas.setFillGray(0)
    canvas.setFont(fonts.bold, 8.5)
    canvas.drawString(columns[0][1], top, words["subject"])
    for key, x in columns[1:]:
        canvas.drawRightString(x, top, words[key])
    canvas.drawRightString(right - 2 * mm, top, words["gross"])
    canvas.setFont(fonts.regular, 9)
    tax = row.tax if row.tax is not None else row.amount - row.amount
    amounts = (row.amount - tax, tax, row.amount)
    y = top - 7 * mm
    lines = wrap(row.subject or "—", fonts.regular, 9, right - left - 80 * mm)
    for index, line in enumerate(lines):
        canvas.drawString(columns[0][1], y - index * 11, line)
    for (_, x), amount in zip((*columns[1:], ("", right - 2 * mm)), amounts, strict=True):
        canvas.drawRightString(x, y, format_money(amount, letter.locale))
    y -= 11 * len(lines) + 6 * mm
    canvas.line(left, y + 4 * mm, right, y + 4 * mm)
    canvas.setFont(fonts.bold, 10)
    day = format_short_day(letter.dated, letter.locale)
    canvas.drawString(left + 2 * mm, y, words["open"].format(date=day))
    canvas.drawRightString(right - 2 * mm, y, format_money(row.open_balance, letter.locale))
    canvas.setFont(fonts.regular, 8)
    note = words["casefile_note" if letter.template_key == CASEFILE_TEMPLATE else "note"]
    for index, line in enumerate(wrap(note.format(date=day), fonts.regular, 8, 170 * mm)):
        canvas.drawString(left, y - 12 * mm - index * 10, line)
