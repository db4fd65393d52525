"""A run's letters on paper: one PDF per letter and one print file for the whole batch.

Each letter's file is the letter followed by the invoice's own PDF when relance's document
store has one (taken in and checked at import: ``services/documents.py``). The print file
puts every letter one after the other, each starting on a recto page (a blank page is added
after a letter with an odd page count) so that duplex printing never puts two debtors on one
sheet. A summary counts letters, pages and registered letters.

A print file is never overwritten: each is written under a temporary name, flushed to
disk, then given a number of its day (``print-batch-DATE-NNN.pdf``) by a link that fails
rather than replace a file already there. Whoever records the letters as sent does it
once the batch is on disk (a send takes the number from the ledger and records the batch
in the same transaction: services/print_batches.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from relance.adapters.deliver.pdf_concat import concatenate
from relance.adapters.render.communication import RenderedCommunication


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a print batch holds and where its files are."""

    letters: int
    pages: int
    registered: int
    letter_files: tuple[Path, ...]
    print_file: Path | None
    sha256: str = ""

    def describe(self) -> str:
        """One line for the terminal."""
        where = f" → {self.print_file}" if self.print_file else ""
        return f"{self.letters} letters, {self.pages} pages, {self.registered} registered{where}"


def with_invoice_copies(pdf: bytes, invoice_pdfs: Sequence[bytes]) -> tuple[bytes, int]:
    """The letter followed by the invoices' stored PDFs; returns the bytes and pages."""
    if not invoice_pdfs:
        return pdf, len(PdfReader(io.BytesIO(pdf)).pages)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    for content in invoice_pdfs:
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def invoice_pdf_paths(
    item: RenderedCommunication, invoice_pdfs: Mapping[str, bytes]
) -> list[bytes]:
    """The stored invoice PDFs of the invoices of `item`'s letter, in the table's order."""
    return [invoice_pdfs[row.number] for row in item.letter.rows if row.number in invoice_pdfs]


@dataclass(frozen=True, slots=True)
class LettersWritten:
    """The letters of a batch, each written to its own file, and what they count."""

    files: tuple[Path, ...]
    contents: tuple[bytes, ...]
    pages: int
    registered: int


def write_letters(
    items: Sequence[RenderedCommunication],
    out_dir: Path,
    *,
    invoice_pdfs: Mapping[str, bytes] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LettersWritten:
    """Write each letter of `items` (followed by its invoices' PDFs) to its own file of
    `out_dir`. Blocked communications and those without a PDF are refused (ValueError):
    the caller checks before printing. `progress(done, total)` is called after each."""
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # letters: personal data
    invoice_pdfs = invoice_pdfs or {}
    files: list[Path] = []
    contents: list[bytes] = []
    pages = registered = 0
    for done, item in enumerate(items, start=1):
        if item.blocked or item.pdf is None:
            raise ValueError(f"letter {item.letter.reference} is blocked or has no PDF")
        copies = invoice_pdf_paths(item, invoice_pdfs)
        # A letter alone is written as rendered: its page count is known, not read back.
        content, count = (
            with_invoice_copies(item.pdf.pdf, copies) if copies else (item.pdf.pdf, item.pdf.pages)
        )
        path = out_dir / item.pdf_name
        write_atomically(path, content)
        files.append(path)
        contents.append(content)
        pages += count
        registered += item.channel == "registered_letter" or item.letter.registered
        if progress is not None:
            progress(done, len(items))
    return LettersWritten(tuple(files), tuple(contents), pages, registered)


def write_print_batch(
    items: Sequence[RenderedCommunication],
    out_dir: Path,
    *,
    invoice_pdfs: Mapping[str, bytes] | None = None,
    batch_prefix: str = "print-batch",
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Write each letter of `items` to `out_dir` and the whole batch to one new print file
    named `batch_prefix` and the next free number of the folder, never replacing one
    already there (a send numbers its batches from the ledger: services/print_batches.py)."""
    written = write_letters(items, out_dir, invoice_pdfs=invoice_pdfs, progress=progress)
    if not written.files:
        return BatchSummary(0, 0, 0, (), None)
    data = assemble_batch(written.contents)
    print_file = write_numbered(out_dir, batch_prefix, data)
    digest = hashlib.sha256(data).hexdigest()
    return BatchSummary(
        len(written.files), written.pages, written.registered, written.files, print_file, digest
    )


def assemble_batch(letters: Sequence[bytes]) -> bytes:
    """One print file of `letters` (PDF bytes), each starting on a recto page: the
    letters' own objects copied (`pdf_concat`), or through pypdf when one of them is not
    a plain letter as relance draws them (a letter followed by an invoice's own PDF)."""
    plain = concatenate(letters)
    if plain is not None:
        return plain
    batch = PdfWriter()
    for content in letters:
        reader = PdfReader(io.BytesIO(content))
        batch.append(reader)
        if len(reader.pages) % 2:
            batch.add_blank_page()
    out = io.BytesIO()
    batch.write(out)
    return out.getvalue()


def stage(folder: Path, data: bytes) -> Path:
    """`data` in a new hidden file of `folder`, flushed to disk (``.writing-*.part``)."""
    fd, name = tempfile.mkstemp(prefix=".writing-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file renamed over it once written."""
    temporary = stage(path.parent, data)
    os.replace(temporary, path)


def write_numbered(folder: Path, prefix: str, data: bytes) -> Path:
    """Write `data` as ``PREFIX-NNN.pdf`` in `folder` under the first number not taken,
    complete before it gets its name; an existing file is never replaced."""
    temporary = stage(folder, data)
    try:
        return link_numbered(temporary, prefix)
    finally:
        os.unlink(temporary)


def link_numbered(staged: Path, prefix: str, first: int = 1) -> Path:
    """Give the file `staged` (written whole) a second name ``PREFIX-NNN.pdf`` in its
    folder, with the first number from `first` that no file there has yet."""
    number = first
    while True:
        final = staged.parent / f"{prefix}-{number:03d}.pdf"
        try:
            os.link(staged, final)  # fails if `final` exists: no overwrite, no race
        except FileExistsError:
            number += 1
            continue
        return final
