"""The page of a letter: A4, its margins, the envelope's address window, the fonts, and the
drawing cursor (`Page`) that the parts of a letter draw with (`relance.adapters.render.pdf`).

The PDF base fonts print Windows-1252 only: a text outside it raises `NeedsUnicodeFont`,
and the letter is drawn again with an embedded TTF (`unicode_fonts`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.labels import label
from relance.adapters.render.letterhead import legal_mentions
from relance.core.letter import Letter
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


_STANDARD_FONTS = frozenset({"Helvetica", "Times-Roman", "Courier"})


class NeedsUnicodeFont(Exception):
    """A text outside Windows-1252 met a base font: the letter is drawn again with a TTF
    (`relance.adapters.render.pdf.render_letter_pdf`)."""


class RecordedCanvas:
    """A stand-in for the canvas that keeps the calls made to it, to be played on a real
    canvas (`play`) once the drawing is kept. A letter is laid out twice when its last
    page is short (`relance.adapters.render.pdf`): the layout not kept costs its
    measuring only, never ReportLab's formatting of every string."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        calls = self.calls

        def record(*args: Any, **kwargs: Any) -> None:
            calls.append((name, args, kwargs))

        return record

    @staticmethod
    def stringWidth(text: str, font: str, size: float) -> float:
        """The width of `text`, as the canvas would measure it."""
        return float(pdfmetrics.stringWidth(text, font, size))

    def replay(self, canvas: Canvas) -> None:
        """Make every recorded call on `canvas`."""
        for name, args, kwargs in self.calls:
            getattr(canvas, name)(*args, **kwargs)

    def play(self, letter: Letter) -> tuple[Canvas, io.BytesIO]:
        """A new canvas for `letter` with every recorded call made on it, and its buffer."""
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        canvas.setTitle(letter.reference)
        canvas.setAuthor(letter.creditor.name)
        self.replay(canvas)
        return canvas, buffer


class Page:
    """The drawing cursor: the canvas (recorded), the current height, and the text drawn
    so far."""

    def __init__(self, letter: Letter, layout: PageLayout) -> None:
        self.letter = letter
        self.layout = layout
        self.canvas: Any = RecordedCanvas()
        self.text: list[str] = []
        self.standard_fonts = layout.fonts.regular in _STANDARD_FONTS
        self.page = 1
        self.left = layout.margin_left * mm
        self.right = PAGE_WIDTH - layout.margin_right * mm
        self.bottom = layout.margin_bottom * mm
        self.y = PAGE_HEIGHT - layout.margin_top * mm

    # -- primitives -----------------------------------------------------------
    def font(self, bold: bool = False, size: float | None = None) -> tuple[str, float]:
        """Set the regular or bold font at `size` (the body size by default); its name and size."""
        fonts = self.layout.fonts
        name = fonts.bold if bold else fonts.regular
        chosen = size or self.layout.body_size
        self.canvas.setFont(name, chosen)
        return name, chosen

    def put(self, x: float, y: float, text: str, *, right: bool = False) -> None:
        """Draw one line of `text` at (x, y), right-aligned on x when `right`, and keep it."""
        if self.standard_fonts:
            # The base fonts print Windows-1252 only: the narrow no-break space Babel
            # puts in French amounts becomes a no-break space; anything else outside
            # the set sends the letter to a TTF font (see `render_letter_pdf`).
            text = text.replace("\u202f", "\xa0")
            try:
                text.encode("cp1252")
            except UnicodeEncodeError as exc:
                raise NeedsUnicodeFont(text) from exc
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
        """The legal mentions and the page number at the foot of the current page."""
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
        """`text` wrapped to the page width, over pages when needed, then `gap` below it."""
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
    space = _word_width(" ", font, size)
    used = 0.0
    for word in text.split(" "):
        measure = _word_width(word, font, size)
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


# Letters repeat the same words (the template's, the creditor's, the amounts' shapes):
# each width is measured once, a few thousand at most in a run.
@lru_cache(maxsize=16384)
def _word_width(word: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(word, font, size))


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` as it fits in `width` points, shortened with an ellipsis when it does not."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
