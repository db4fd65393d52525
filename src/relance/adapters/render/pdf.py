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

from dataclasses import replace
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from relance.adapters.render.duplicate import draw_duplicates
from relance.adapters.render.labels import label
from relance.adapters.render.letterhead import (
    contact_paragraph,
    creditor_lines,
    previous_letters_paragraph,
)
from relance.adapters.render.pdf_page import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    NeedsUnicodeFont,
    Page,
    PageLayout,
    RenderedLetter,
    layout_for,
    unicode_fonts,
    wrap,
)
from relance.adapters.render.pdf_payment import draw_payment, epc_payload_qr
from relance.adapters.render.pdf_table import draw_table
from relance.adapters.render.templates import Wording
from relance.core.addressing import recipient_lines, signatory_title
from relance.core.letter import Letter, format_day


def _draw_letterhead(page: Page) -> None:
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


def _draw_heading(page: Page, wording: Wording) -> None:
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


def _draw_closing(page: Page, sign_off: str) -> None:
    letter = page.letter
    lang = letter.language
    paragraphs = [contact_paragraph(letter)]
    if letter.previous:
        paragraphs.append(previous_letters_paragraph(letter))
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
    letter: Letter, wording: Wording, layout: PageLayout | None = None, *, copies: bool = False
) -> RenderedLetter:
    """Draw `letter` with its `wording` on A4 pages and return the PDF and its text. With
    `copies`, a first letter is followed in the same PDF by a duplicate of each invoice
    (`relance.adapters.render.duplicate`); the text returned is the letter's alone."""
    chosen = layout or layout_for(letter)
    # ASCII85 wrapping of the compressed streams is for 7-bit channels, long gone; it was
    # the largest cost of a letter. ReportLab reads it from a global setting.
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        try:
            page = _fitted(letter, wording, chosen)
        except NeedsUnicodeFont:
            page = _fitted(letter, wording, replace(chosen, fonts=unicode_fonts()))
        return _finish(page, copies)
    finally:
        rl_config.useA85 = saved


# A last page filled less than this holds only the end of the letter: the letter is drawn
# again a little tighter, and the tighter one kept when it has a page fewer.
_SHORT_LAST_PAGE = 70 * mm


def _fitted(letter: Letter, wording: Wording, layout: PageLayout) -> Page:
    page, last_page_used = _draw(letter, wording, layout)
    if page.page == 1 or last_page_used > _SHORT_LAST_PAGE:
        return page
    tighter = replace(layout, body_size=layout.body_size - 0.5, margin_top=11, margin_bottom=18)
    compact, _ = _draw(letter, wording, tighter)
    return compact if compact.page < page.page else page


def _draw(letter: Letter, wording: Wording, layout: PageLayout) -> tuple[Page, float]:
    """The letter drawn with `layout` (its last page not yet closed), and the height used
    on its last page. Nothing is drawn yet: the calls are recorded, and played on a
    canvas only for the drawing kept (`_finish`)."""
    page = Page(letter, layout)
    _draw_letterhead(page)
    _draw_heading(page, wording)
    for text in wording.opening:
        page.paragraph(text)
    draw_table(page)
    # The closing's last paragraph is the sign-off: how to pay, how to reach us and the
    # earlier letters go before it, so that it sits just above the signature.
    *body, sign_off = wording.closing or ("",)
    for text in body:
        page.paragraph(text)
    draw_payment(page, epc_payload_qr(letter))
    _draw_closing(page, sign_off)
    page.footer()
    return page, PAGE_HEIGHT - layout.margin_top * mm - page.y


def _finish(page: Page, copies: bool) -> RenderedLetter:
    """Close the letter's last page, add the invoice duplicates when asked, and write the
    PDF out."""
    canvas, buffer = page.canvas.play(page.letter)
    canvas.showPage()
    pages = page.page + (draw_duplicates(canvas, page.letter, page.layout.fonts) if copies else 0)
    # The form that the footers drew: the letter's page count (duplicates not counted).
    canvas.beginForm("pagecount")
    canvas.setFont(page.layout.fonts.regular, 7)
    canvas.drawString(0, 0, str(page.page))
    canvas.endForm()
    canvas.save()
    return RenderedLetter(buffer.getvalue(), pages, "\n".join(page.text))
