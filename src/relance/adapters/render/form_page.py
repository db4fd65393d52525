"""The page cursor and the claim table shared by the documents a party signs: the declaration
of claim (`declaration`) and the agency mandate (`mandate`). Each keeps its own margins,
type sizes and footer; the way lines are wrapped, pages broken, the claim's table and its
amounts drawn is one."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.pdf_page import Fonts, wrap
from relance.core.claim_declaration import ClaimLine
from relance.core.letter import format_money, format_short_day
from relance.core.money import Money


@dataclass(frozen=True, slots=True)
class Layout:
    """A document's page: its margins (points from the page's left and bottom), the body's
    type size and the space added under a line, and the default gap between blocks."""

    left: float
    right: float
    top: float
    bottom: float
    size: float
    leading: float
    gap: float


class FormPage:
    """A cursor down the pages: writes wrapped lines and breaks to a new page when full,
    drawing the footer (`footer(page)`) at the foot of each."""

    def __init__(
        self, canvas: Canvas, fonts: Fonts, layout: Layout, footer: Callable[[FormPage], None]
    ) -> None:
        self.canvas, self.fonts, self.layout, self._draw_footer = canvas, fonts, layout, footer
        self.y = layout.top
        self.number = 1

    def need(self, height: float) -> None:
        """Break to a new page unless `height` fits above the bottom margin."""
        if self.y - height < self.layout.bottom:
            self.footer()
            self.canvas.showPage()
            self.number += 1
            self.y = self.layout.top

    def footer(self) -> None:
        """Draw this page's footer."""
        self._draw_footer(self)

    def text(
        self,
        line: str,
        size: float | None = None,
        bold: bool = False,
        x: float | None = None,
        right: float | None = None,
    ) -> None:
        """A paragraph from `x` to `right`, wrapped (the body's size unless `size`)."""
        size = self.layout.size if size is None else size
        x = self.layout.left if x is None else x
        right = self.layout.right if right is None else right
        font = self.fonts.bold if bold else self.fonts.regular
        for part in wrap(line, font, size, right - x) or [""]:
            self.need(size + self.layout.leading)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, part)
            self.y -= size + self.layout.leading

    def gap(self, height: float | None = None) -> None:
        """Space between two blocks (the layout's gap unless `height`)."""
        self.y -= self.layout.gap if height is None else height

    def finish(self) -> None:
        """Close the last page."""
        self.footer()
        self.canvas.showPage()


def a4_pdf(title: str, draw: Callable[[Canvas], None]) -> bytes:
    """The PDF bytes of an A4 document that `draw` draws on its canvas: the same bytes for
    the same content (no date, no random id), streams compressed without ASCII85."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        canvas.setTitle(title)
        draw(canvas)
        canvas.save()
        return buffer.getvalue()
    finally:
        rl_config.useA85 = saved


def amount_line(page: FormPage, label: str, amount: Money, locale: str, bold: bool) -> None:
    """A label on the left, its amount on the right; the total's line in bold."""
    page.need(14)
    page.canvas.setFont(page.fonts.bold if bold else page.fonts.regular, 10 if bold else 9.5)
    page.canvas.drawString(page.layout.left + 2 * mm, page.y, label)
    page.canvas.drawRightString(page.layout.right - 2 * mm, page.y, format_money(amount, locale))
    page.y -= 14


def claim_table(
    page: FormPage,
    columns: Sequence[str],
    xs: Sequence[float],
    lines: Sequence[ClaimLine],
    locale: str,
    size: float,
) -> None:
    """The claim invoice by invoice: number, issue and due days (left-aligned at their x),
    principal, interest, indemnity and their total (right-aligned), under a grey header."""
    layout, canvas = page.layout, page.canvas
    page.need(24)
    canvas.setFillGray(0.9)
    canvas.rect(layout.left, page.y - 2 * mm, layout.right - layout.left, 6 * mm, 0, 1)
    canvas.setFillGray(0)
    canvas.setFont(page.fonts.bold, 8.5)
    _row(canvas, columns, xs, page.y)
    page.y -= 7 * mm
    for line in lines:
        page.need(12)
        canvas.setFont(page.fonts.regular, size)
        whole = line.principal + line.interest + line.indemnity
        cells = (
            line.invoice_number, format_short_day(line.issue_date, locale),
            format_short_day(line.due_date, locale),
            *(format_money(m, locale) for m in (line.principal, line.interest, line.indemnity,
                                                whole)),
        )  # fmt: skip
        _row(canvas, cells, xs, page.y)
        page.y -= 12


def _row(canvas: Canvas, cells: Sequence[str], xs: Sequence[float], y: float) -> None:
    for index, (cell, x) in enumerate(zip(cells, xs, strict=True)):
        (canvas.drawString if index < 3 else canvas.drawRightString)(x, y, cell)
