"""A run's letters on paper: one PDF per letter and one print file for the whole batch.

Each letter's file is the letter followed by the invoice's own PDF when the ledger has
one (``Invoice.pdf_path``). The print file puts every letter one after the other, each
starting on a recto page (a blank page is added after a letter with an odd page count)
so that duplex printing never puts two debtors on one sheet. A summary counts letters,
pages and registered letters.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from relance.adapters.render.communication import RenderedCommunication


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a print batch holds and where its files are."""

    letters: int
    pages: int
    registered: int
    letter_files: tuple[Path, ...]
    print_file: Path | None

    def describe(self) -> str:
        """One line for the terminal."""
        where = f" → {self.print_file}" if self.print_file else ""
        return f"{self.letters} letters, {self.pages} pages, {self.registered} registered{where}"


def with_invoice_copies(pdf: bytes, invoice_pdfs: Sequence[Path]) -> tuple[bytes, int]:
    """The letter followed by the invoices' PDFs that exist; returns the bytes and pages."""
    present = [path for path in invoice_pdfs if path.is_file()]
    if not present:
        return pdf, len(PdfReader(io.BytesIO(pdf)).pages)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    for path in present:
        writer.append(PdfReader(path))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def invoice_pdf_paths(item: RenderedCommunication, invoice_pdfs: dict[str, Path]) -> list[Path]:
    """The invoice PDFs known for the invoices of `item`'s letter, in the table's order."""
    return [invoice_pdfs[row.number] for row in item.letter.rows if row.number in invoice_pdfs]


def write_print_batch(
    items: Sequence[RenderedCommunication],
    out_dir: Path,
    *,
    invoice_pdfs: dict[str, Path] | None = None,
    batch_name: str = "print-batch.pdf",
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Write each letter of `items` to `out_dir` and the whole batch to one print file.

    Blocked communications and those without a PDF are refused (ValueError): the
    caller checks before printing. `progress(done, total)` is called after each letter.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    invoice_pdfs = invoice_pdfs or {}
    batch = PdfWriter()
    files: list[Path] = []
    pages = registered = 0
    for done, item in enumerate(items, start=1):
        if item.blocked or item.pdf is None:
            raise ValueError(f"letter {item.letter.reference} is blocked or has no PDF")
        content, count = with_invoice_copies(item.pdf.pdf, invoice_pdf_paths(item, invoice_pdfs))
        path = out_dir / item.pdf_name
        path.write_bytes(content)
        files.append(path)
        batch.append(PdfReader(io.BytesIO(content)))
        if count % 2:
            batch.add_blank_page()
        pages += count
        registered += item.channel == "registered_letter" or item.letter.registered
        if progress is not None:
            progress(done, len(items))
    print_file: Path | None = None
    if files:
        print_file = out_dir / batch_name
        with print_file.open("wb") as handle:
            batch.write(handle)
    return BatchSummary(len(files), pages, registered, tuple(files), print_file)
