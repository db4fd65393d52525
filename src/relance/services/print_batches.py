"""Print batches: each `relance send` writes its letters to a new numbered print file, and
any batch can be rebuilt later from the letters kept as evidence (``relance print``).

A batch is written whole under a temporary name; then, in one transaction that holds
the numbering, it takes the next number of its day across every batch of the ledger
(whatever folder it went to, and past any file already in this folder), gets that name
on disk, is recorded, and its letters are recorded as sent, each naming its batch. If
that transaction fails the named file is removed again: no print file is left on disk
whose letters are not recorded as sent. A process killed before the commit may leave
one: its letters stay unrecorded, and the next send prints them again in a batch of its
own, so no letter recorded as sent is ever missing from the files on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.deliver.print_batch import (
    BatchSummary,
    assemble_batch,
    link_numbered,
    stage,
    with_invoice_copies,
    write_atomically,
    write_letters,
)
from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.storage import repository_documents
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Connection, Store


def write_batch(
    store: Store,
    as_of: date,
    out_dir: Path,
    letters: Sequence[RenderedCommunication],
    invoice_pdfs: Mapping[str, bytes],
    record: Callable[[Connection, int], None],
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Write `letters` to a new numbered print file of `as_of` in `out_dir`; once the file
    is on disk, record the batch and call `record(conn, number)` in the same transaction
    (to record its letters as sent), so the batch and its letters are recorded together."""
    written = write_letters(letters, out_dir, invoice_pdfs=invoice_pdfs, progress=progress)
    data = assemble_batch(written.contents)
    digest = hashlib.sha256(data).hexdigest()
    prefix = f"print-batch-{as_of.isoformat()}"
    staged = stage(out_dir, data)
    print_file: Path | None = None
    try:
        with rs.exclusive(store.engine) as conn:
            rs.lock_print_batches(conn)
            print_file = link_numbered(staged, prefix, rs.next_print_batch_number(conn, prefix))
            number = rs.add_print_batch(
                conn, as_of, print_file.name, len(written.files), written.pages, digest
            )
            record(conn, number)
    except BaseException:
        if print_file is not None:  # named but not recorded: it must not be printed
            print_file.unlink(missing_ok=True)
        raise
    finally:
        staged.unlink(missing_ok=True)
    return BatchSummary(
        len(written.files), written.pages, written.registered, written.files, print_file, digest
    )


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """A print batch written again from the evidence."""

    number: int
    file: Path
    letters: int
    identical: bool  # the same bytes as the batch written at the time


def batches(store: Store) -> list[rs.PrintBatchRow]:
    """Every print batch written, by number."""
    with store.begin() as conn:
        return rs.print_batches(conn)


def rebuild(store: Store, number: int, out_dir: Path) -> Rebuilt:
    """Write print batch `number` again into `out_dir` from the letters kept as evidence
    (each followed by its invoices' PDFs from the document store), under its own name,
    or ``NAME.rebuilt.pdf`` when a file of that name is already there. LookupError when
    there is no such batch."""
    with store.begin() as conn:
        found = rs.print_batches(conn, number)
        if not found:
            raise LookupError(f"no print batch {number} (relance print lists them)")
        kept = rl.load_evidence(conn, print_batch=number)
        pdfs = {
            e.action_id: list(
                repository_documents.invoice_pdfs(
                    conn, rl.sent_invoices(conn, e.action_id)
                ).values()
            )
            for e in kept
        }
    data = assemble_batch([with_invoice_copies(e.pdf, pdfs[e.action_id])[0] for e in kept])
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # letters: personal data
    target = out_dir / found[0].file_name
    if target.exists():
        target = target.with_suffix(".rebuilt.pdf")
    write_atomically(target, data)
    same = hashlib.sha256(data).hexdigest() == found[0].sha256
    return Rebuilt(number, target, len(kept), same)
