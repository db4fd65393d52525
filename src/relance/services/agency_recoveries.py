"""What the agencies recover: their CSV imported (`relance import agency-recoveries`), each
recovery applied as a payment to its invoice, the agency's fee computed from its schedule
and kept apart (the creditor's cost, never the debtor's debt: CPCE L111-8), the claim's
state at the agency moved on; and the report per agency (`relance agency report`).
docs/after-notice.md says how the fee and the report are computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from relance.adapters.formats.agency_recoveries import RecoveryLine, read_recoveries
from relance.adapters.formats.errors import FormatError
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_imports as imports_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.agencies import Agency, fee_on_recovery
from relance.core.agency_report import AgencyLine, HandedClaim, Recovery, agency_report
from relance.core.model import Allocation, AllocationKind, Invoice, Payment
from relance.core.money import Money, total
from relance.core.writeoff import AgencyHandoff, HandoffStatus
from relance.services import webhook_events
from relance.services.agencies import need_agency
from relance.services.ledger_import import sha256_of

IMPORT_KIND = "agency-recoveries"


@dataclass(frozen=True, slots=True)
class Applied:
    """One recovery applied: the invoice, the amount, the agency's fee, the new state."""

    line: int
    invoice_number: str
    amount: Money
    fee: Money
    state: HandoffStatus


@dataclass(frozen=True, slots=True)
class RecoveryImport:
    """What an import did: the recoveries applied and the references already known, and
    the import's number (`relance imports undo` takes it back out)."""

    path: Path
    applied: tuple[Applied, ...]
    skipped: tuple[str, ...]
    import_id: int = 0


@dataclass
class _File:
    """A file at the agency as the import sees it: its claim, age, what it recovered."""

    claim: Money
    age_days: int
    recovered: Money


def _files(conn: Connection, agency: str) -> dict[str, _File]:
    """By invoice, the file it belongs to (its latest handoff to `agency`), shared by the
    invoices of that handoff."""
    routes = [r for r in agency_repo.load_routes(conn) if r.agency == agency]
    groups: dict[tuple[str, date], list[agency_repo.RouteRow]] = {}
    latest: dict[str, tuple[str, date]] = {}
    for row in routes:  # oldest first: the last handoff of an invoice wins
        groups.setdefault((row.customer_ref, row.date), []).append(row)
        latest[row.invoice_number] = (row.customer_ref, row.date)
    recovered: dict[str, Money] = {}
    for found in agency_repo.load_recoveries(conn, agency):
        recovered[found.invoice_number] = (
            recovered.get(found.invoice_number, Money.zero(found.amount.currency)) + found.amount
        )
    files: dict[tuple[str, date], _File] = {}
    for key, rows in groups.items():
        currency = rows[0].claim.currency
        files[key] = _File(
            total((r.claim for r in rows), currency),
            max(r.age_days for r in rows),
            total((recovered.get(r.invoice_number, Money.zero(currency)) for r in rows), currency),
        )
    return {number: files[key] for number, key in latest.items()}


def _check(path: Path, line: RecoveryLine, files: dict[str, _File], owed: Money | None,
           agency: Agency) -> None:  # fmt: skip
    where = str(line.line)
    if owed is None:
        raise FormatError(path, where, "invoice", f"no invoice {line.invoice_number!r}")
    if line.invoice_number not in files:
        raise FormatError(path, where, "invoice",
                          f"{line.invoice_number} was not handed to {agency.name}")  # fmt: skip
    if line.amount.currency != owed.currency:
        raise FormatError(path, where, "currency", f"the invoice is in {owed.currency}")
    if line.amount > owed:
        raise FormatError(path, where, "amount",
                          f"{line.amount} is more than the {owed} still owed")  # fmt: skip


def import_recoveries(
    store: Store, path: Path, agency_name: str, actor: str = "user"
) -> RecoveryImport:
    """Apply every recovery of the agency's file, all or none: a line naming an unknown
    invoice, one not handed to this agency, another currency or more than is owed is a
    `FormatError` naming its line and field, and nothing is written. A reference already
    imported is skipped (a file imported twice adds nothing). The import is listed by
    `relance imports` and can be undone like a ledger file."""
    lines = read_recoveries(path)
    applied: list[Applied] = []
    skipped: list[str] = []
    with store.begin() as conn:
        agency = need_agency(conn, agency_name)
        mark = imports_repo.start_import(
            conn, IMPORT_KIND, path.name, sha256_of(path), datetime.now(UTC)
        )
        files = _files(conn, agency.name)
        known = agency_repo.known_references(conn, agency.name)
        numbers = sorted({line.invoice_number for line in lines})
        invoices = {i.number: i for i in repo.load_invoices(conn, numbers=numbers)}
        owed = {n: i.amount - total((a.amount for a in repo.load_allocations(conn, [n])),
                                    i.currency) for n, i in invoices.items()}  # fmt: skip
        for line in lines:
            if line.reference in known:
                skipped.append(line.reference)
                continue
            _check(path, line, files, owed.get(line.invoice_number), agency)
            known.add(line.reference)
            owed[line.invoice_number] -= line.amount
            applied.append(_apply(conn, agency, line, files, owed, invoices, actor))
        summary = {"rows": len(lines), "applied": len(applied), "skipped": len(skipped),
                   "agency": agency.name, "import_id": mark.import_id}  # fmt: skip
        imports_repo.finish_import(conn, mark, summary)
    return RecoveryImport(path, tuple(applied), tuple(skipped), mark.import_id)


def _apply(
    conn: Connection,
    agency: Agency,
    line: RecoveryLine,
    files: dict[str, _File],
    owed: dict[str, Money],
    invoices: dict[str, Invoice],
    actor: str,
) -> Applied:
    number = line.invoice_number
    invoice = invoices[number]
    file = files[number]
    fee = Money.zero(line.amount.currency)
    if agency.fees.currency == line.amount.currency:
        fee = fee_on_recovery(agency.fees, file.recovered, line.amount, file.age_days, file.claim)
    file.recovered = file.recovered + line.amount
    key = f"agency:{agency.name}:{line.reference}"
    payment = Payment(key, line.date, line.amount, invoice.customer_ref, "agency",
                      line.reference, agency.name)  # fmt: skip
    ledger_repo.add_payments(
        conn, [payment], {invoice.customer_ref: law_repo.customer_id(conn, invoice.customer_ref)}
    )
    allocation = Allocation(AllocationKind.PAYMENT, key, number, line.amount, line.date)
    repo.add_allocation(conn, allocation, law_repo.invoice_id(conn, number))
    webhook_events.allocations_made(conn, [allocation])
    agency_repo.add_recovery(
        conn, agency_repo.RecoveryRow(agency.name, number, line.date, line.amount, fee,
                                      line.reference, key),
    )  # fmt: skip
    state = (HandoffStatus.RECOVERED_BY_AGENCY if not owed[number].is_positive
             else HandoffStatus.PARTLY_RECOVERED)  # fmt: skip
    law_repo.add_handoff(conn, AgencyHandoff(number, agency.name, line.date, state,
                                             f"recovery {line.reference}"))  # fmt: skip
    repo.append_event(
        conn, "agency.recovery", actor=actor, customer_ref=invoice.customer_ref, subject=number,
        data={"agency": agency.name, "amount": str(line.amount.amount), "fee": str(fee.amount),
              "currency": line.amount.currency, "reference": line.reference,
              "state": state.value},
        dated=line.date,
    )  # fmt: skip
    return Applied(line.line, number, line.amount, fee, state)


def report(
    store: Store, start: date, end: date, agency: str | None = None
) -> tuple[AgencyLine, ...]:
    """Each agency's figures for the claims handed over from `start` to `end` (see
    `relance.core.agency_report`)."""
    with store.begin() as conn:
        routes = [r for r in agency_repo.load_routes(conn) if r.route == "agency" and r.agency]
        found = agency_repo.load_recoveries(conn, agency)
    claims = [
        HandedClaim(r.agency or "", r.invoice_number, r.date, r.claim,
                    r.file_fee or Money.zero(r.claim.currency))
        for r in routes if agency is None or r.agency == agency
    ]  # fmt: skip
    recoveries = [Recovery(r.agency, r.invoice_number, r.date, r.amount, r.fee) for r in found]
    return agency_report(claims, recoveries, start, end)
