"""Use case: import a CSV file of customers, invoices, credit notes or payments.

One file is one transaction: a bad row aborts it and nothing from the file is written.
Importing the same file again updates what changed and duplicates nothing. A dry run
does the same work and rolls it back, so it reports exactly what would change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from relance.adapters.formats.errors import FormatError
from relance.adapters.formats.ledger_csv import (
    CreditNoteRow,
    CsvKind,
    CustomerRow,
    CustomerValues,
    InvoiceRow,
    InvoiceValues,
    PaymentRow,
    Row,
    open_layout,
    read_rows,
)
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_imports as imports_repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.bulk import chunks, no_cyclic_gc
from relance.core.model import Allocation, AllocationKind, Customer, Invoice, Payment
from relance.core.money import Money
from relance.services import deposits, documents, invoice_changes, law, webhook_events

CHUNK = 5000
Progress = Callable[[int], None]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    file: str
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    allocations: int = 0
    unknown_columns: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    import_id: int | None = None  # for `relance imports undo`

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (JSON-ready)."""
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "allocations": self.allocations,
            "unknown_columns": list(self.unknown_columns),
            "warnings": self.warnings,
            "dry_run": self.dry_run,
            "import_id": self.import_id,
        }


def count_lines(path: Path) -> int:
    """Data lines in a file (for a progress bar), without decoding it."""
    lines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def import_ledger_csv(
    store: Store,
    kind: CsvKind,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "import",
    ignore_unknown_columns: bool = False,
    allow_changes: bool = False,
) -> ImportReport:
    """Import one CSV file of `kind` into the ledger (raises FormatError, writes nothing then).

    A file whose header fits another kind, or has columns relance does not know, is refused
    unless `ignore_unknown_columns` (which never lets a file of another kind in). An invoice
    already dunned, paid in part or at an agency keeps its figures unless `allow_changes`
    (`relance.services.invoice_changes`)."""
    layout = open_layout(path, kind, ignore_unknown=ignore_unknown_columns)
    report = ImportReport(str(path), kind.value, unknown_columns=layout.unknown, dry_run=dry_run)
    transaction = store.trial() if dry_run else store.begin()
    # a million rows make millions of small objects and no cycle: the collector waits
    with no_cyclic_gc(), transaction as conn:
        mark = imports_repo.start_import(
            conn, kind.value, path.name, sha256_of(path), datetime.now(UTC)
        )
        creditor = repo.load_creditor(conn)
        currency = creditor.currency if creditor else "EUR"
        rows = read_rows(layout, currency)
        importer = _FileImport(conn, path, report, actor, allow_changes)
        importer.import_id = mark.import_id
        with ledger_repo.first_fill(conn, kind.value):
            for chunk in chunks(rows, CHUNK):
                importer.rows(kind, chunk)
                report.rows += len(chunk)
                if progress:
                    progress(len(chunk))
        summary = {**report.as_dict(), "import_id": mark.import_id, "changed": importer.changes}
        imports_repo.finish_import(conn, mark, summary)
        report.import_id = mark.import_id
        repo.append_event(conn, "import", actor=actor, subject=path.name, data=summary)
    return report


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks: what an import is known by."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _customer_id(path: Path, line: int, ref: str, ids: dict[str, int]) -> int:
    found = ids.get(ref)
    if found is None:
        raise FormatError(path, str(line), "customer", f"unknown customer {ref!r}")
    return found


def _allocate(
    conn: Connection,
    path: Path,
    line: int,
    kind: AllocationKind,
    source: str,
    customer_ref: str,
    invoice_number: str,
    available: Money,
    when: Any,
    report: ImportReport,
) -> Allocation | None:
    """Apply up to `available` to one invoice; what does not fit stays unapplied credit.
    The allocation made, if any."""
    found = repo.existing_invoices(conn, [invoice_number]).get(invoice_number)
    if found is None:
        raise FormatError(path, str(line), "invoice", f"unknown invoice {invoice_number!r}")
    if found.customer_ref != customer_ref:
        raise FormatError(
            path,
            str(line),
            "invoice",
            f"invoice {invoice_number} is {found.customer_ref!r}'s, not {customer_ref!r}'s",
        )
    if found.currency != available.currency:
        raise FormatError(
            path, str(line), "currency", f"invoice {invoice_number} is in {found.currency}"
        )
    invoice_id = repo.invoice_ids(conn, [invoice_number])[invoice_number]
    if ledger_repo.has_allocation(conn, kind, source, invoice_id):
        return None
    open_minor = found.amount.to_minor() - repo.allocated_minor(conn, invoice_id)
    amount = min(open_minor, available.to_minor())
    if amount <= 0:
        report.warnings.append(
            f"line {line}: invoice {invoice_number} is already settled; kept as unapplied credit"
        )
        return None
    allocation = Allocation(
        kind, source, invoice_number, Money.from_minor(amount, found.currency), when
    )
    repo.add_allocation(conn, allocation, invoice_id)
    law.grant_early_payment_discount(conn, found, invoice_id, allocation)
    report.allocations += 1
    return allocation


def _awaited(row: PaymentRow, invoices: dict[str, int], report: ImportReport) -> str | None:
    """The invoice a deposit waits for: named by the payment, not yet in the ledger."""
    if not row.invoice_number or row.invoice_number in invoices:
        return None
    report.warnings.append(
        f"line {row.line}: invoice {row.invoice_number} is not in the ledger yet; the payment "
        "is kept on account (a deposit) and applied to it when it is imported"
    )
    return row.invoice_number


class _FileImport:
    """The import of one file: its connection, its report, and what earlier rows set up."""

    def __init__(
        self, conn: Connection, path: Path, report: ImportReport, actor: str, allow_changes: bool
    ) -> None:
        self.conn, self.path, self.report = conn, path, report
        self.actor, self.allow_changes = actor, allow_changes
        self.import_id: int | None = None  # written with each invoice it adds
        self.changes: list[dict[str, Any]] = []  # each invoice changed: its old and new values
        # invoice numbers met earlier in the file, with their line: a repeated number is
        # compared with the first row (in its chunk, or as written), which is rare
        self.invoice_lines: dict[str, int] = {}
        self.seen_customers: dict[str, tuple[int, int]] = {}
        # on a first import into an empty table there is nothing to look up or update
        self.no_invoices_yet = not ledger_repo.has_invoices(conn)
        # a file of invoices adds no payment: with no deposit waiting at the start, none
        # will wait for the invoices it adds
        self.deposits_waiting = ledger_repo.has_deposits_waiting(conn)
        self.no_customers_yet = not ledger_repo.has_customers(conn)
        # customer ids by reference, read once: a file of a million invoices names the same
        # hundred thousand customers again and again
        self.ids = repo.customer_ids(conn)

    def rows(self, kind: CsvKind, rows: list[Row]) -> None:
        """Import one chunk of rows of `kind`."""
        {
            CsvKind.CUSTOMERS: self.customers,
            CsvKind.INVOICES: self.invoices,
            CsvKind.CREDIT_NOTES: self.credit_notes,
            CsvKind.PAYMENTS: self.payments,
        }[kind](rows)

    def customers(self, rows: list[Row]) -> None:
        conn, path, report = self.conn, self.path, self.report
        seen = self.seen_customers
        batch: dict[str, tuple[int, CustomerValues]] = {}
        again: list[str] = []  # references met in an earlier chunk: written already
        for line, values in cast(list[CustomerRow], rows):
            ref = values.ref
            fingerprint = hash(values)
            earlier = seen.get(ref)
            if earlier is not None:
                if earlier[1] != fingerprint:
                    raise FormatError(
                        path,
                        str(line),
                        "ref",
                        f"customer {ref!r} is also on line {earlier[0]} with different data",
                    )
                if ref not in batch:
                    again.append(ref)
            seen[ref] = (line, fingerprint)
            batch[ref] = (line, values)
        # into an empty ledger, only a reference repeated from an earlier chunk is there
        lookup = again if self.no_customers_yet else list(batch)
        existing = {c.ref: c for c in repo.load_customers(conn, lookup)} if lookup else {}
        new: list[CustomerValues] = []
        changed: list[Customer] = []
        for ref, (_line, values) in batch.items():
            old = existing.get(ref)
            if old is None:
                new.append(values)
                continue
            customer = values.customer()  # the record, for what the ledger holds already
            merged = replace(customer, ibans=tuple(dict.fromkeys(old.ibans + customer.ibans)))
            if ledger_repo.same_file_data(old, merged) and merged.ibans == old.ibans:
                report.unchanged += 1
                continue
            changed.append(merged)
        ledger_repo.add_customer_values(conn, new, self.import_id)
        report.created += len(new)
        ledger_repo.update_customers_from_file(conn, changed)
        report.updated += len(changed)

    def invoices(self, rows: list[Row]) -> None:
        conn, path, report = self.conn, self.path, self.report
        seen, ids = self.invoice_lines, self.ids
        batch: dict[str, InvoiceRow] = {}
        for row in cast(list[InvoiceRow], rows):
            line, invoice, _ = row
            number = invoice.number
            if number in seen:
                self._repeated(line, invoice, seen[number], batch)
                continue
            seen[number] = line
            if invoice.customer_ref not in ids:
                _customer_id(path, line, invoice.customer_ref, ids)
            batch[number] = row
        existing = {} if self.no_invoices_yet else repo.existing_invoices(conn, list(batch))
        new: list[InvoiceValues] = []
        changed: list[Invoice] = []
        pdfs: dict[str, str | None] = {}
        for number, (line, values, _) in batch.items():
            if number not in existing:
                if values.pdf_path:  # read, checked and kept at import
                    pdfs[number] = documents.store_csv_pdf(conn, values.pdf_path, path, line)
                new.append(values)
            elif (update := self._known_invoice(existing[number], line, values, pdfs)) is not None:
                changed.append(update)
        if new:
            ledger_repo.add_invoice_values(conn, new, ids, pdfs, self.import_id)
            report.created += len(new)
        if new and self.deposits_waiting:
            applied, warnings = deposits.apply_waiting_deposits(conn, [i.number for i in new])
            report.allocations += applied
            report.warnings += warnings
        finals = deposits.link_file_deposits(conn, path, list(batch.values()), actor=self.actor)
        if new or finals:  # deposit invoices waiting for their final invoice: deducted from it
            report.allocations += deposits.settle_deposit_invoices(
                conn, [i.number for i in new] + finals)  # fmt: skip
        ledger_repo.update_invoices(conn, changed, ids, pdfs)
        report.updated += len(changed)

    def _repeated(
        self,
        line: int,
        invoice: InvoiceValues,
        earlier_line: int,
        batch: dict[str, InvoiceRow],
    ) -> None:
        """An invoice number met again in the file: ignored when the row says the same as
        the first one (still in this chunk, or already written in this transaction),
        refused otherwise."""
        number = invoice.number
        if number in batch:
            same = batch[number][1] == invoice
        else:
            written = repo.existing_invoices(self.conn, [number]).get(number)
            same = written == invoice.invoice()
        if not same:
            raise FormatError(
                self.path,
                str(line),
                "number",
                f"invoice {number} is also on line {earlier_line} with different data",
            )
        self.report.warnings.append(f"line {line}: invoice {number} repeated, ignored")

    def _known_invoice(
        self, old: Invoice, line: int, values: InvoiceValues, pdfs: dict[str, str | None]
    ) -> Invoice | None:
        """An invoice the ledger holds already: None when unchanged, else the invoice that
        replaces it (its change checked and recorded)."""
        conn, path = self.conn, self.path
        invoice = values.invoice()
        if old == invoice:
            self.report.unchanged += 1
            return None
        if invoice.pdf_path:
            pdfs[invoice.number] = documents.store_csv_pdf(conn, invoice.pdf_path, path, line)
        why = invoice_changes.check_update(conn, path, line, old, invoice, self.allow_changes)
        self.changes.append(
            invoice_changes.record_change(
                conn, old, invoice, file=path.name, line=line, actor=self.actor, why=why
            )
        )
        return invoice

    def credit_notes(self, rows: list[Row]) -> None:
        conn, path, report = self.conn, self.path, self.report
        ids = self.ids
        made: list[Allocation | None] = []
        for row in rows:
            assert isinstance(row, CreditNoteRow)
            note = row.credit_note
            customer_id = _customer_id(path, row.line, note.customer_ref, ids)
            agrees = ledger_repo.credit_note_agrees(conn, note, customer_id)
            if agrees is None:
                ledger_repo.add_credit_notes(conn, [note], {note.customer_ref: customer_id})
                report.created += 1
            elif agrees:
                report.unchanged += 1
            else:
                raise FormatError(
                    path,
                    str(row.line),
                    "number",
                    f"credit note {note.number} is already in the ledger with other data",
                )
            if note.invoice_number:
                made.append(_allocate(
                    conn, path, row.line, AllocationKind.CREDIT_NOTE, note.number,
                    note.customer_ref, note.invoice_number, note.amount, note.date, report,
                ))  # fmt: skip
        webhook_events.allocations_made(conn, [a for a in made if a is not None])

    def payments(self, rows: list[Row]) -> None:
        conn, path, report = self.conn, self.path, self.report
        ids = self.ids
        keys = [row.payment.key for row in rows if isinstance(row, PaymentRow)]
        known = ledger_repo.payment_keys(conn, keys)
        named = [row.invoice_number for row in rows if isinstance(row, PaymentRow)]
        invoices = repo.invoice_ids(conn, filter(None, named))
        new: list[Payment] = []
        awaited: dict[str, str | None] = {}
        made: list[Allocation | None] = []
        for row in rows:
            assert isinstance(row, PaymentRow)
            payment = row.payment
            assert payment.customer_ref is not None
            _customer_id(path, row.line, payment.customer_ref, ids)
            if payment.key in known:
                report.unchanged += 1
            else:
                new.append(payment)
                awaited[payment.key] = _awaited(row, invoices, report)
        if new:
            ledger_repo.add_payments(conn, new, ids, awaited)
            report.created += len(new)
        for row in rows:
            assert isinstance(row, PaymentRow)
            if row.invoice_number in invoices:
                # A payment already known may name its invoice only now: what is left of it
                # (never more) is applied; allocating twice to the same invoice is a no-op.
                payment = row.payment
                assert payment.customer_ref is not None
                left = payment.amount.to_minor() - repo.allocated_from(conn, payment.key)
                if left <= 0:
                    continue
                made.append(_allocate(
                    conn, path, row.line, AllocationKind.PAYMENT, payment.key, payment.customer_ref,
                    row.invoice_number, Money.from_minor(left, payment.amount.currency),
                    payment.date, report,
                ))  # fmt: skip
        webhook_events.allocations_made(conn, [a for a in made if a is not None])
