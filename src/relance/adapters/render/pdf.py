"""A reminder letter as an A4 PDF, drawn by hand on a ReportLab canvas (fast: no layout engine).

The page follows the French business letter layout (after NF Z 11-001, see docs/law.md):
sender block with its legal mentions top left, the debtor's address placed in the window
of a DL/C5 window envelope on the right, then place and date, references, subject, the
template's opening paragraphs, the table of overdue invoices (continued on the next page
when long), the total due and the deadline, the closing paragraphs, how to pay (with an
EPC QR code when the creditor has an IBAN and the letter is in euros), the previous
letters and the signatory. The English layout puts the window on the left, as UK and US
window envelopes have it. Window coordinates are a setting: test them against the
envelope actually used.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import segno
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.epc import EpcProblem, epc_payload, epc_qr
from relance.adapters.render.labels import counted, label
from relance.adapters.render.letterhead import creditor_lines, legal_mentions
from relance.adapters.render.templates import Wording
from relance.core.addressing import (
    country_name,
    creditor_phone,
    is_abroad,
    recipient_lines,
    signatory_title,
)
from relance.core.letter import (
    InvoiceRow,
    Letter,
    PaymentMethod,
    format_day,
    format_money,
    format_short_day,
)
from relance.core.model import WindowSide

PAGE_WIDTH, PAGE_HEIGHT = A4


@dataclass(frozen=True, slots=True)
class AddressWindow:
    """Where the debtor's address is printed, in mm from the page's top-left corner."""

    left: float
    top: float
    width: float
    height: float


# A DL envelope with its window on the right, the usual French one (after NF Z 11-001):
# address about 5 cm from the top and starting about 11 cm from the right edge; a DL
# window is ~100 x 45 mm.
RIGHT_WINDOW = AddressWindow(left=100, top=50, width=90, height=35)
# A DL envelope with its window on the left, as UK and US window envelopes have it.
LEFT_WINDOW = AddressWindow(left=20, top=50, width=90, height=35)


@dataclass(frozen=True, slots=True)
class Fonts:
    """Regular and bold fonts; a TTF is embedded so that every accent and symbol prints."""

    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"


@dataclass(frozen=True, slots=True)
class PageLayout:
    """Margins (mm), the address window and the fonts of a letter."""

    window: AddressWindow = RIGHT_WINDOW
    margin_left: float = 20
    margin_right: float = 20
    margin_top: float = 15
    margin_bottom: float = 22
    fonts: Fonts = field(default_factory=Fonts)
    body_size: float = 9.5


_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def unicode_fonts() -> Fonts:
    """DejaVu Sans when the system has it, else Bitstream Vera shipped inside ReportLab.

    Both cover French and English letters, the euro sign and the narrow no-break space
    Babel puts in French amounts; the base Helvetica lacks the last.
    """
    if "relance-regular" not in pdfmetrics.getRegisteredFontNames():
        regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
        if not (regular.is_file() and bold.is_file()):
            import reportlab

            shipped = Path(reportlab.__file__).parent / "fonts"
            regular, bold = shipped / "Vera.ttf", shipped / "VeraBd.ttf"
        pdfmetrics.registerFont(TTFont("relance-regular", str(regular)))
        pdfmetrics.registerFont(TTFont("relance-bold", str(bold)))
    return Fonts(regular="relance-regular", bold="relance-bold")


def layout_for(letter: Letter, fonts: Fonts | None = None) -> PageLayout:
    """The layout of the creditor's envelope (`Creditor.window_side`), the same for every
    letter of a print batch whatever its language: the address sits in the one window.

    Fonts default to the PDF base fonts (Helvetica): nothing to embed, which halves the
    time a letter takes. A letter with a character they lack is drawn with DejaVu.
    """
    side = letter.creditor.window_side
    window = RIGHT_WINDOW if side is WindowSide.RIGHT else LEFT_WINDOW
    return PageLayout(window=window, fonts=fonts or Fonts())


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """A letter as a PDF, with its page count, the text it shows and its SHA-256."""

    pdf: bytes
    pages: int
    text: str

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the PDF bytes, kept as evidence of what was sent."""
        return hashlib.sha256(self.pdf).hexdigest()


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


def payment_lines(letter: Letter) -> list[str]:
    """How to pay, one line per accepted method the creditor can take (letters and e-mails)."""
    creditor = letter.creditor
    lang = letter.language
    lines: list[str] = []
    for method in letter.payment_methods:
        if method is PaymentMethod.TRANSFER and creditor.iban:
            bic = label(lang, "bic", bic=creditor.bic) if creditor.bic else ""
            lines.append(
                label(lang, "transfer", iban=creditor.iban, bic=bic, ref=letter.rf_reference)
            )
        elif method is PaymentMethod.CHEQUE:
            address = ", ".join(
                [
                    *creditor.address.lines,
                    f"{creditor.address.postal_code} {creditor.address.city}".strip(),
                    *([country_name(creditor.country, lang)] if is_abroad(letter) else []),
                ]
            )
            lines.append(label(lang, "cheque", name=creditor.name, address=address))
        elif method is PaymentMethod.CARD and creditor.phone:
            lines.append(label(lang, "card", phone=creditor_phone(letter)))
    return lines


def epc_payload_qr(letter: Letter) -> segno.QRCode | None:
    """The EPC069-12 QR code (SEPA credit transfer) for the total due, or None.

    Only a creditor with an IBAN, writing in euros, gets one: the EPC format carries
    euros only. The RF reference goes in the structured remittance field.
    """
    creditor = letter.creditor
    if not creditor.iban or letter.currency != "EUR" or not letter.total_due.is_positive:
        return None
    try:
        payload = epc_payload(
            name=creditor.name,
            iban=creditor.iban,
            amount=letter.total_due,
            reference=letter.rf_reference,
            bic=creditor.bic,
        )
    except EpcProblem:
        return None  # the letter still says how to pay by transfer, in words
    return epc_qr(payload)


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


_STANDARD_FONTS = frozenset({"Helvetica", "Times-Roman", "Courier"})


class _NeedsUnicodeFont(Exception):
    """A text outside Windows-1252 met a base font: the letter is drawn again with a TTF."""


class _Page:
    """The drawing cursor: one canvas, the current height, and the text drawn so far."""

    def __init__(self, letter: Letter, layout: PageLayout) -> None:
        self.letter = letter
        self.layout = layout
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=True, pageCompression=1)
        self.canvas.setTitle(letter.reference)
        self.canvas.setAuthor(letter.creditor.name)
        self.text: list[str] = []
        self.standard_fonts = layout.fonts.regular in _STANDARD_FONTS
        self.page = 1
        self.left = layout.margin_left * mm
        self.right = PAGE_WIDTH - layout.margin_right * mm
        self.bottom = layout.margin_bottom * mm
        self.y = PAGE_HEIGHT - layout.margin_top * mm

    # -- primitives -----------------------------------------------------------
    def font(self, bold: bool = False, size: float | None = None) -> tuple[str, float]:
        fonts = self.layout.fonts
        name = fonts.bold if bold else fonts.regular
        chosen = size or self.layout.body_size
        self.canvas.setFont(name, chosen)
        return name, chosen

    def put(self, x: float, y: float, text: str, *, right: bool = False) -> None:
        if self.standard_fonts:
            # The base fonts print Windows-1252 only: the narrow no-break space Babel
            # puts in French amounts becomes a no-break space; anything else outside
            # the set sends the letter to a TTF font (see `render_letter_pdf`).
            text = text.replace("\u202f", "\xa0")
            try:
                text.encode("cp1252")
            except UnicodeEncodeError as exc:
                raise _NeedsUnicodeFont(text) from exc
        if right:
            self.canvas.drawRightString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)
        self.text.append(text)

    def ensure(self, height: float) -> bool:
        """Start a new page when `height` does not fit; True when it did."""
        if self.y - height >= self.bottom:
            return False
        self.footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - self.layout.margin_top * mm
        self.font(size=8)
        head = f"{self.letter.creditor.name} – {self.letter.reference}"
        self.put(self.left, self.y - 8, head)
        self.y -= 14 * mm
        return True

    def footer(self) -> None:
        regular = self.layout.fonts.regular
        self.canvas.setFont(regular, 7)
        mentions = legal_mentions(self.letter)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, 10 * mm, mentions)
        self.text.append(mentions)
        # The page count is known only at the end: a form drawn then fills in the number.
        prefix = label(self.letter.language, "page", n=self.page, count="")
        digit = pdfmetrics.stringWidth("0", regular, 7)
        self.canvas.drawRightString(self.right - digit, 14 * mm, prefix)
        self.canvas.saveState()
        self.canvas.translate(self.right - digit, 14 * mm)
        self.canvas.doForm("pagecount")
        self.canvas.restoreState()

    def paragraph(self, text: str, *, bold: bool = False, gap: float = 2.6 * mm) -> None:
        name, size = self.font(bold)
        lines = wrap(text, name, size, self.right - self.left)
        leading = size * 1.25
        for line in lines:
            self.ensure(leading)
            self.font(bold)
            self.y -= leading
            self.put(self.left, self.y, line)
        self.y -= gap


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` into lines of at most `width` points, at ordinary spaces only.

    No-break spaces stay inside their line, so "304,00 €" or "1 234,56 €" is never cut.
    """
    lines: list[str] = []
    current = ""
    space = pdfmetrics.stringWidth(" ", font, size)
    used = 0.0
    for word in text.split(" "):
        measure = pdfmetrics.stringWidth(word, font, size)
        if current and used + space + measure > width:
            lines.append(current)
            current, used = word, measure
        elif current:
            current, used = f"{current} {word}", used + space + measure
        else:
            current, used = word, measure
    if current:
        lines.append(current)
    return lines


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# A cell's text is 8 pt; a description wraps onto lines this far apart.
_LINE_IN_CELL = 3.4 * mm


def _cell_lines(page: _Page, text: str, width_mm: float) -> list[str]:
    """A table cell's text wrapped to its column (a description is never cut); a single
    word longer than the column is shortened with an ellipsis."""
    name, size, room = page.layout.fonts.regular, 8.0, width_mm * mm - 2 * mm
    return [_fit(line, name, size, room) for line in wrap(text, name, size, room)] or [""]


def _draw_letterhead(page: _Page) -> None:
    letter, canvas, layout = page.letter, page.canvas, page.layout
    window = layout.window
    # Sender block on the side opposite the window.
    window_centre = (window.left + window.width / 2) * mm
    sender_x = page.left if window_centre > PAGE_WIDTH / 2 else 120 * mm
    top = page.y
    logo = letter.creditor.logo_path
    if logo and Path(logo).is_file():
        image = ImageReader(logo)
        width, height = image.getSize()
        scale = min(40 * mm / width, 16 * mm / height)
        canvas.drawImage(
            image, sender_x, top - height * scale, width * scale, height * scale, mask="auto"
        )
        top -= height * scale + 2 * mm
    page.font(bold=True, size=13)
    page.put(sender_x, top - 12, letter.creditor.name)
    page.font(size=8.5)
    y = top - 12 - 12
    for line in creditor_lines(letter):
        page.put(sender_x, y, line)
        y -= 10.5
    # Debtor's address in the envelope window, 10.5 pt lines, capped by the window height.
    page.font(size=10)
    x = window.left * mm + 4 * mm
    y = PAGE_HEIGHT - window.top * mm - 6 * mm
    for line in recipient_lines(letter)[:7]:
        page.put(x, y, line)
        y -= 12.5
    page.y = min(y, PAGE_HEIGHT - (window.top + window.height) * mm) - 2 * mm


def _draw_heading(page: _Page, wording: Wording) -> None:
    letter = page.letter
    lang = letter.language
    page.font()
    day = format_day(letter.dated, letter.locale)
    where = (
        label(lang, "place_date", place=letter.place, date=day)
        if letter.place
        else label(lang, "date_only", date=day)
    )
    page.put(page.right, page.y, where, right=True)
    page.font(size=8.5)
    refs = [
        f"{label(lang, 'our_ref')} : {letter.reference}"
        if lang == "fr"
        else f"{label(lang, 'our_ref')}: {letter.reference}",
        f"{label(lang, 'your_account')}{' :' if lang == 'fr' else ':'} {letter.debtor.ref}",
    ]
    if letter.rf_reference:
        sep = " :" if lang == "fr" else ":"
        refs.append(f"{label(lang, 'payment_ref')}{sep} {letter.rf_reference}")
    for ref in refs:
        page.put(page.left, page.y, ref)
        page.y -= 10.5
    page.y -= 3 * mm
    if letter.registered:
        page.paragraph(label(lang, "registered"), bold=True, gap=1 * mm)
    sep = " : " if lang == "fr" else ": "
    page.paragraph(f"{label(lang, 'subject')}{sep}{wording.subject}", bold=True, gap=4 * mm)


def _table_header(page: _Page) -> None:
    lang = page.letter.language
    name, size = page.font(bold=True, size=8)
    page.canvas.setFillGray(0.9)
    page.canvas.rect(page.left, page.y - 4.2 * mm, page.right - page.left, 5.6 * mm, 0, 1)
    page.canvas.setFillGray(0)
    x = page.left
    for key, width, right in _COLUMNS:
        text = _fit(label(lang, key), name, size, width * mm - 2 * mm)
        if right:
            page.put(x + width * mm - 1 * mm, page.y - 3 * mm, text, right=True)
        else:
            page.put(x + 2 * mm, page.y - 3 * mm, text)
        x += width * mm
    page.y -= 6.5 * mm


def _draw_table(page: _Page) -> None:
    letter = page.letter
    lang = letter.language
    row_height = 4.6 * mm
    page.ensure(row_height * 3)
    _table_header(page)
    _draw_rows(page, letter.rows)
    page.canvas.setLineWidth(0.5)
    page.canvas.line(page.left, page.y + 1 * mm, page.right, page.y + 1 * mm)
    page.y -= 3 * mm
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


def _draw_rows(page: _Page, rows: Sequence[InvoiceRow]) -> None:
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
            _table_header(page)
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


def _draw_also_due(page: _Page) -> None:
    """The customer's other overdue invoices, apart from the letter's table and total."""
    letter = page.letter
    lang = letter.language
    page.ensure(4.6 * mm * 4)
    page.paragraph(label(lang, "also_due"), bold=True, gap=4 * mm)
    _table_header(page)
    _draw_rows(page, letter.also_due)
    page.y -= 2 * mm
    page.font(size=8.5)
    total_text = label(lang, "also_due_total")
    page.put(page.right - 30 * mm, page.y, total_text, right=True)
    page.put(
        page.right - 1 * mm, page.y, format_money(letter.also_due_total, letter.locale), right=True
    )
    page.y -= 7 * mm


def _draw_qr(page: _Page, qr: segno.QRCode, x: float, top: float, size: float) -> None:
    # Drawn as PDF operators in module units under one transform, one rectangle per run of
    # dark modules: a few hundred short operators, no image to encode, sharp at any zoom.
    matrix = qr.matrix
    count = len(matrix)
    module = size / count
    ops = [f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.3f} {top - size:.3f} cm"]
    for r, row in enumerate(matrix):
        y = count - 1 - r
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                ops.append(f"{start} {y} {c - start} 1 re")
            else:
                c += 1
    ops.append("f Q")
    page.canvas.addLiteral("\n".join(ops))


def _draw_payment(page: _Page, pdf_qr: segno.QRCode | None) -> None:
    letter = page.letter
    lang = letter.language
    qr_size = 26 * mm if pdf_qr else 0.0
    lines = payment_lines(letter)
    name, size = page.font(size=8.5)
    width = page.right - page.left - (qr_size + 8 * mm if qr_size else 0) - 3 * mm
    # (first line of an item?, text): a bullet is drawn as a dot, not a glyph, because
    # text extraction reads the base fonts' bullet as an unknown character.
    wrapped = [
        (index == 0, part)
        for line in lines
        for index, part in enumerate(wrap(line, name, size, width))
    ]
    height = max(len(wrapped) * 11 + 14, qr_size + 10 if qr_size else 0)
    page.ensure(height + 12)
    page.y -= 12
    top = page.y
    page.font(bold=True)
    page.put(page.left, page.y, label(lang, "how_to_pay"))
    page.y -= 12
    page.font(size=8.5)
    for first, line in wrapped:
        if first:
            page.canvas.circle(page.left + 1 * mm, page.y + 2.6, 1.1, stroke=0, fill=1)
        page.put(page.left + 3 * mm, page.y, line)
        page.y -= 11
    if pdf_qr is not None:
        qr_left = page.right - qr_size - 4 * mm
        _draw_qr(page, pdf_qr, qr_left, top + 3 * mm, qr_size)
        page.font(size=6)
        page.canvas.drawCentredString(
            qr_left + qr_size / 2, top - qr_size + 0.5 * mm, label(lang, "qr_caption")
        )
        page.text.append(label(lang, "qr_caption"))
    page.y = min(page.y, top - height + 6) - 3 * mm


def _draw_closing(page: _Page, sign_off: str) -> None:
    letter = page.letter
    lang = letter.language
    contacts = " – ".join(
        x
        for x in (
            label(lang, "phone", phone=creditor_phone(letter)) if letter.creditor.phone else "",
            label(lang, "email", email=letter.creditor.email) if letter.creditor.email else "",
        )
        if x
    )
    paragraphs = [label(lang, "contact", contacts=contacts)]
    if letter.previous:
        items = ", ".join(
            label(lang, "previous_item", date=format_day(p.sent_on, letter.locale), level=p.level)
            for p in letter.previous
        )
        paragraphs.append(counted(lang, "previous", len(letter.previous), items=items))
    # The contact line, the earlier letters, the sign-off and the signature stay together:
    # a page never holds the closing line and the signature alone.
    name, size = page.font()
    lines = sum(len(wrap(text, name, size, page.right - page.left)) for text in paragraphs)
    sign_lines = len(wrap(sign_off, name, size, page.right - page.left)) if sign_off else 0
    page.ensure((lines + sign_lines) * size * 1.25 + len(paragraphs) * 2 * mm + 28 * mm)
    for text in paragraphs:
        page.paragraph(text, gap=2 * mm)
    if sign_off:
        page.y -= 1 * mm
        page.paragraph(sign_off)
    # Signature block on the right, with room left above the name for a hand signature.
    page.ensure(24 * mm)
    page.y -= 14 * mm
    x = page.left + 100 * mm
    if letter.level == 1:  # the first letter goes with a copy of each invoice
        numbers = ", ".join(row.number for row in letter.rows)
        key = "enclosures" if len(letter.rows) > 1 else "enclosure"
        page.font(size=8.5)
        for index, line in enumerate(wrap(label(lang, key, numbers=numbers), name, 8.5, 95 * mm)):
            page.put(page.left, page.y - index * 10.5, line)
    page.font(bold=True)
    page.put(x, page.y, letter.signatory_name or letter.creditor.name)
    title = signatory_title(letter)
    if title:
        page.y -= 12
        page.font()
        page.put(x, page.y, title)


def render_letter_pdf(
    letter: Letter, wording: Wording, layout: PageLayout | None = None
) -> RenderedLetter:
    """Draw `letter` with its `wording` on A4 pages and return the PDF and its text."""
    chosen = layout or layout_for(letter)
    # ASCII85 wrapping of the compressed streams is for 7-bit channels, long gone; it was
    # the largest cost of a letter. ReportLab reads it from a global setting.
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        try:
            return _fitted(letter, wording, chosen)
        except _NeedsUnicodeFont:
            return _fitted(letter, wording, replace(chosen, fonts=unicode_fonts()))
    finally:
        rl_config.useA85 = saved


# A last page filled less than this holds only the end of the letter: the letter is drawn
# again a little tighter, and the tighter one kept when it has a page fewer.
_SHORT_LAST_PAGE = 70 * mm


def _fitted(letter: Letter, wording: Wording, layout: PageLayout) -> RenderedLetter:
    rendered, last_page_used = _render(letter, wording, layout)
    if rendered.pages == 1 or last_page_used > _SHORT_LAST_PAGE:
        return rendered
    tighter = replace(layout, body_size=layout.body_size - 0.5, margin_top=11, margin_bottom=18)
    compact, _ = _render(letter, wording, tighter)
    return compact if compact.pages < rendered.pages else rendered


def _render(letter: Letter, wording: Wording, layout: PageLayout) -> tuple[RenderedLetter, float]:
    """The letter drawn with `layout`, and the height used on its last page."""
    page = _Page(letter, layout)
    _draw_letterhead(page)
    _draw_heading(page, wording)
    for text in wording.opening:
        page.paragraph(text)
    _draw_table(page)
    # The closing's last paragraph is the sign-off: how to pay, how to reach us and the
    # earlier letters go before it, so that it sits just above the signature.
    *body, sign_off = wording.closing or ("",)
    for text in body:
        page.paragraph(text)
    _draw_payment(page, epc_payload_qr(letter))
    _draw_closing(page, sign_off)
    page.footer()
    canvas = page.canvas
    canvas.showPage()
    # The form that the footers drew: the total page count.
    canvas.beginForm("pagecount")
    canvas.setFont(page.layout.fonts.regular, 7)
    canvas.drawString(0, 0, str(page.page))
    canvas.endForm()
    canvas.save()
    used = PAGE_HEIGHT - layout.margin_top * mm - page.y
    return RenderedLetter(page.buffer.getvalue(), page.page, "\n".join(page.text)), used
