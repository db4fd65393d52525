"""The pages of a case file's dossier: an A4 cursor that writes lines and tables and
breaks to a new page when one is full, repeating a table's header on the next page, with
a footer naming the dossier and the page on every page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.pdf_page import Fonts, wrap

WIDTH, HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 18 * mm, WIDTH - 18 * mm, HEIGHT - 18 * mm, 20 * mm


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, width, and whether its cells align right."""

    header: str
    width: float
    right: bool = False
    size: float = 8
    font: str = ""  # another font than the page's regular one (a fixed width for hashes)


class DossierPage:
    """A cursor down the dossier's pages."""

    def __init__(self, canvas: Canvas, fonts: Fonts, footer: str, page_word: str) -> None:
        self.canvas, self.fonts, self.footer, self.page_word = canvas, fonts, footer, page_word
        self.y = TOP
        self.number = 1

    def need(self, height: float) -> bool:
        """Break to a new page unless `height` fits; True when it broke."""
        if self.y - height >= BOTTOM:
            return False
        self.new_page()
        return True

    def new_page(self) -> None:
        """End this page and start the next."""
        self._footer()
        self.canvas.showPage()
        self.number += 1
        self.y = TOP

    def _footer(self) -> None:
        self.canvas.setFont(self.fonts.regular, 7)
        self.canvas.setFillGray(0.35)
        text = f"{self.footer} – {self.page_word} {self.number}"
        self.canvas.drawCentredString(WIDTH / 2, 10 * mm, text)
        self.canvas.setFillGray(0)

    def text(self, line: str, size: float = 9, bold: bool = False, x: float = LEFT) -> None:
        """A paragraph, wrapped to the right margin."""
        font = self.fonts.bold if bold else self.fonts.regular
        for part in wrap(line, font, size, RIGHT - x) or [""]:
            self.need(size + 3)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, part)
            self.y -= size + 3

    def heading(self, title: str) -> None:
        """A section's title, kept with at least a few lines of what follows."""
        self.need(40 * mm)
        self.gap(2 * mm)
        self.canvas.setFont(self.fonts.bold, 12.5)
        self.canvas.drawString(LEFT, self.y, title)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(LEFT, self.y - 2 * mm, RIGHT, self.y - 2 * mm)
        self.y -= 9 * mm

    def gap(self, height: float = 3 * mm) -> None:
        """Blank space."""
        self.y -= height

    def pair(self, label: str, value: str, bold: bool = False, size: float = 9.5) -> None:
        """A label on the left, its amount on the right."""
        self.need(size + 5)
        self.canvas.setFont(self.fonts.bold if bold else self.fonts.regular, size)
        self.canvas.drawString(LEFT + 2 * mm, self.y, label)
        self.canvas.drawRightString(RIGHT - 2 * mm, self.y, value)
        self.y -= size + 5

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
        """A table whose cells wrap within their column; the header repeats on each page."""
        self._header(columns)
        for row in rows:
            cells = [
                wrap(cell, col.font or self.fonts.regular, col.size, col.width - 2 * mm) or [""]
                for cell, col in zip(row, columns, strict=True)
            ]
            height = max(len(lines) for lines in cells) * (columns[0].size + 2.5) + 2
            if self.need(height):
                self._header(columns)
            x = LEFT
            for lines, col in zip(cells, columns, strict=True):
                self.canvas.setFont(col.font or self.fonts.regular, col.size)
                for index, line in enumerate(lines):
                    y = self.y - index * (col.size + 2.5)
                    if col.right:
                        self.canvas.drawRightString(x + col.width - 1 * mm, y, line)
                    else:
                        self.canvas.drawString(x + 1 * mm, y, line)
                x += col.width
            self.y -= height
            self.canvas.setStrokeGray(0.8)
            self.canvas.line(LEFT, self.y + 2 * mm + 1, RIGHT, self.y + 2 * mm + 1)
            self.canvas.setStrokeGray(0)
        self.gap(2 * mm)

    def _header(self, columns: Sequence[Column]) -> None:
        self.need(16)
        self.canvas.setFillGray(0.9)
        self.canvas.rect(LEFT, self.y - 2 * mm, RIGHT - LEFT, 6 * mm, 0, 1)
        self.canvas.setFillGray(0)
        self.canvas.setFont(self.fonts.bold, 7.5)
        x = LEFT
        for col in columns:
            if col.right:
                self.canvas.drawRightString(x + col.width - 1 * mm, self.y, col.header)
            else:
                self.canvas.drawString(x + 1 * mm, self.y, col.header)
            x += col.width
        self.y -= 6 * mm

    def finish(self) -> None:
        """End the last page."""
        self._footer()
        self.canvas.showPage()
