"""Use case: import e-invoices — Factur-X/ZUGFeRD PDFs (or CII XML) and UBL 2.1.

The buyer becomes a customer when new; an invoice keeps the absolute path of its PDF (and
a copy in the document store) so letters attach the very invoice the customer received; a
credit note that names its invoice settles it, now or when the invoice arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from relance.adapters.formats import detect
from relance.adapters.formats.detect import Format, Kind
from relance.adapters.formats.einvoice import EInvoice
from relance.adapters.formats.errors import FormatError
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.model import Allocation, AllocationKind, CreditNote, Invoice, Payment
from relance.core.money import Money
from relance.services import deposits, documents, webhook_events
from relance.services.import_run import (
    FileReport,
    Progress,
    Settings,
    add_allocations,
    add_new_customers,
    run_files,
    same_invoice,
    timed,
)


def import_einvoices(
    store: Store,
    paths: Iterable[Path],
    *,
    only: Format | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "import",
) -> list[FileReport]:
    """Import Factur-X/ZUGFeRD PDFs (or CII XML) and UBL 2.1 invoices and credit notes.

    The buyer becomes a customer when new; an invoice keeps the absolute path of its PDF so
    letters attach the very invoice the customer received; a credit note that names its
    invoice settles it. `only` refuses files of another e-invoice format. An invoice number
    already in the ledger with other data is a FormatError.
    """

    def one(conn: Connection, path: Path, reader: detect.Reader, report: FileReport) -> None:
        with timed(report, "read"):
            read: EInvoice = reader.extract(path)
        report.read = 1
        _write_einvoice(conn, path, read, report)
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)

    return run_files(store, paths, Kind.EINVOICE, dry_run, one, Settings(actor, only=only))


def _write_einvoice(conn: Connection, path: Path, read: EInvoice, report: FileReport) -> None:
    add_new_customers(conn, [read.customer], report)
    customer_id = repo.customer_ids(conn)[read.customer.ref]
    if read.invoice is not None:
        _write_invoice(conn, path, read, customer_id, report)
    if read.credit_note is not None:
        _write_credit_note(conn, path, read.credit_note, customer_id, report)


def _write_invoice(
    conn: Connection, path: Path, read: EInvoice, customer_id: int, report: FileReport
) -> None:
    """A new invoice, with its PDF, the credit notes and deposits that waited for it and
    what was paid before it was issued; or what another reading of it adds."""
    assert read.invoice is not None
    invoice = read.invoice
    if invoice.pdf_path:
        invoice = replace(invoice, pdf_path=str(Path(invoice.pdf_path).resolve()))
    old = repo.existing_invoices(conn, [invoice.number]).get(invoice.number)
    undated = old is not None and old.delivery_date is None
    if undated and old is not None and invoice.delivery_date and same_invoice(old, invoice):
        # another profile of the same invoice may carry its delivery date (BT-72)
        ledger_repo.set_delivery_date(conn, invoice.number, invoice.delivery_date)
    stored = documents.store_facturx_pdf(conn, path) if invoice.pdf_path else None
    if old is not None:
        _update_invoice(conn, path, old, invoice, stored, report)
        return
    ids = {invoice.customer_ref: customer_id}
    ledger_repo.add_invoices(conn, [invoice], ids, {invoice.number: stored})
    report.count("invoices")
    _settle_waiting_credit_notes(conn, path, invoice.number, read.customer.ref, report)
    applied, warnings = deposits.apply_waiting_deposits(conn, [invoice.number])
    applied += deposits.settle_deposit_invoices(conn, [invoice.number])
    report.count("allocations", applied)
    report.warnings += warnings
    if read.prepaid.is_positive:
        _prepaid(conn, invoice, read.prepaid, customer_id, report)


def _update_invoice(
    conn: Connection,
    path: Path,
    old: Invoice,
    invoice: Invoice,
    stored: str | None,
    report: FileReport,
) -> None:
    """An invoice already in the ledger: the same one (its PDF now known, perhaps), or a
    FormatError when it says something else."""
    if not same_invoice(old, invoice):
        raise FormatError(
            path, "BT-1", "BT-1",
            f"invoice {invoice.number} is already in the ledger with other data",
        )  # fmt: skip
    if invoice.pdf_path and old.pdf_path != invoice.pdf_path:
        ledger_repo.set_invoice_pdf(conn, invoice.number, invoice.pdf_path, stored)
        report.count("pdf_paths")
    else:
        report.unchanged += 1


def _write_credit_note(
    conn: Connection, path: Path, note: CreditNote, customer_id: int, report: FileReport
) -> None:
    """A new credit note, settling the invoice it names when that is this customer's."""
    if ledger_repo.credit_note_numbers(conn, [note.number]):
        report.unchanged += 1
        return
    ledger_repo.add_credit_notes(conn, [note], {note.customer_ref: customer_id})
    report.count("credit_notes")
    target = (
        repo.existing_invoices(conn, [note.invoice_number]).get(note.invoice_number)
        if note.invoice_number
        else None
    )
    if target is None or target.customer_ref != note.customer_ref:
        if note.invoice_number:
            report.warnings.append(
                f"credit note {note.number}: invoice {note.invoice_number} is not this "
                "customer's in the ledger; kept as unapplied credit"
            )
        return
    allocation = Allocation(
        AllocationKind.CREDIT_NOTE, note.number, target.number, note.amount, note.date
    )
    add_allocations(conn, path, [allocation], report)


def _settle_waiting_credit_notes(
    conn: Connection, path: Path, number: str, customer_ref: str, report: FileReport
) -> None:
    """Credit notes of this customer that named this invoice before it was imported (a
    folder is read in name order) settle it now."""
    allocations = [
        Allocation(AllocationKind.CREDIT_NOTE, note.number, number, note.amount, note.date)
        for note in ledger_repo.credit_notes_naming(conn, number, customer_ref)
    ]
    add_allocations(conn, path, allocations, report)


def _prepaid(
    conn: Connection, invoice: Invoice, prepaid: Money, customer_id: int, report: FileReport
) -> None:
    """BT-113: part of the invoice was paid before it was issued (a deposit): a payment
    allocated to it, so the invoice is chased only for the rest."""
    key = f"prepaid:{invoice.number}"
    payment = Payment(
        key, invoice.issue_date, prepaid, invoice.customer_ref, "deposit", invoice.number
    )
    ledger_repo.add_payments(conn, [payment], {invoice.customer_ref: customer_id})
    report.count("payments")
    amount = min(prepaid, invoice.amount)
    allocation = Allocation(AllocationKind.PAYMENT, key, invoice.number, amount, invoice.issue_date)
    invoice_id = repo.invoice_ids(conn, [invoice.number])[invoice.number]
    repo.add_allocation(conn, allocation, invoice_id)
    webhook_events.allocations_made(conn, [allocation])
    report.count("allocations")
