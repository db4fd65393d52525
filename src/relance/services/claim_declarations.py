"""Declaring a claim in a customer's insolvency proceedings (docs/prevention.md): the
declaration rendered to PDF for the mandataire judiciaire, then its registered letter's
posting and receipt, as for any registered letter. The posting interrupts limitation
until the proceedings close (C. com. L622-25-1); its date is what proves the claim was
declared in time, so the posting slip is kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.deliver.print_batch import write_atomically
from relance.adapters.render.declaration import render_declaration
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_insolvency as irepo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.charges import ChargeKind
from relance.core.claim_declaration import Declaration, build_declaration, claim_lines
from relance.core.insolvency import DeclarationRecord, outside_metropolitan_france
from relance.core.limitation import Interruption, InterruptionKind
from relance.core.money import Money, total
from relance.core.registered_mail import RegisteredRecord, record_posting, record_receipt
from relance.services.insolvency import need_case
from relance.services.interest_reports import customer_claims
from relance.services.rule_sets import need_creditor


@dataclass(frozen=True, slots=True)
class DeclarationFile:
    """A declaration rendered: what it says, where it was written and its hash."""

    declaration: Declaration
    path: Path
    sha256: str


def declaration_of(conn: Connection, customer_ref: str, made_on: date,
                   extra_documents: tuple[str, ...] = ()) -> Declaration:  # fmt: skip
    """The declaration of the customer's claim in its latest case, made on `made_on`:
    the invoices issued by the judgment's day and still open, with interest and
    indemnities counted to that day. LookupError without a case; `NothingToDeclare`
    when nothing is owed."""
    creditor = need_creditor(conn)
    _, case = need_case(conn, customer_ref)
    customer = repo.load_customers(conn, [customer_ref])[0]
    balances = repo.open_invoice_balances(conn, made_on, customer_ref)
    _, _, claims, _ = customer_claims(conn, customer_ref, case.opened)
    interest: dict[str, Money] = {}
    indemnity: dict[str, Money] = {}
    notes: list[str] = []
    for claim in claims:
        if claim.blocking:
            notes.append(f"{claim.invoice_number}: interest left out ({'; '.join(claim.blocking)})")
            continue
        for kind, into in ((ChargeKind.INTEREST, interest), (ChargeKind.INDEMNITY, indemnity)):
            items = [c.amount for c in claim.of_kind(kind) if c.amount.currency == claim.currency]
            if items:
                into[claim.invoice_number] = total(items, claim.currency)
    lines = claim_lines(balances, case.opened, interest, indemnity)
    abroad = outside_metropolitan_france(creditor.country, creditor.address.postal_code)
    return build_declaration(
        creditor, customer, case, made_on, lines, abroad, extra_documents, tuple(notes)
    )


def declare(
    store: Store,
    customer_ref: str,
    made_on: date,
    out: Path,
    *,
    extra_documents: tuple[str, ...] = (),
    actor: str = "user",
) -> DeclarationFile:
    """Render the declaration of the customer's claim to `out` (a PDF, written whole or
    not at all) and record it: its posting is then recorded with
    `record_declaration_posting`."""
    with store.begin() as conn:
        declaration = declaration_of(conn, customer_ref, made_on, extra_documents)
        pdf = render_declaration(declaration)
        digest = hashlib.sha256(pdf).hexdigest()
        case_id, _ = need_case(conn, customer_ref)
        record = DeclarationRecord(customer_ref, made_on, digest)
        irepo.add_declaration(conn, case_id, record, declaration.total)
        repo.append_event(
            conn, "claim_declaration.rendered", actor=actor, customer_ref=customer_ref,
            subject=digest,
            data={"total": str(declaration.total.amount), "currency": declaration.currency,
                  "invoices": [line.invoice_number for line in declaration.lines],
                  "deadline": declaration.deadline.isoformat() if declaration.deadline else None},
            dated=made_on,
        )  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, pdf)
    return DeclarationFile(declaration, out, digest)


def record_declaration_mail(
    store: Store,
    customer_ref: str,
    *,
    tracking: str | None = None,
    posted: date | None = None,
    received: date | None = None,
    actor: str = "user",
) -> DeclarationRecord:
    """Record the posting (tracking number and day) or the receipt of the customer's
    latest declaration. The posting interrupts the limitation of every invoice it
    declares. LookupError without a declaration; `RegisteredMailProblem` for an
    impossible date."""
    with store.begin() as conn:
        found = irepo.latest_declarations(conn, [customer_ref]).get(customer_ref)
        if found is None:
            raise LookupError(f"customer {customer_ref} has no declaration of claim yet")
        declaration_id, record, _ = found
        evidence = RegisteredRecord(
            f"declaration/{customer_ref}", "registered", record.pdf_sha256,
            record.tracking_number, record.posted_on, record.received_on,
        )  # fmt: skip
        if posted is not None:
            evidence = record_posting(evidence, tracking or "", posted)
        if received is not None:
            evidence = record_receipt(evidence, received)
        updated = DeclarationRecord(
            customer_ref, record.made_on, record.pdf_sha256, evidence.tracking_number,
            evidence.posted_on, evidence.received_on,
        )  # fmt: skip
        irepo.save_declaration_evidence(conn, declaration_id, updated)
        if posted is not None and record.posted_on is None:
            _interrupt_limitation(conn, customer_ref, posted)
        repo.append_event(
            conn, "claim_declaration." + ("received" if received else "posted"), actor=actor,
            customer_ref=customer_ref, subject=updated.tracking_number,
            data={"posted": posted.isoformat() if posted else None,
                  "received": received.isoformat() if received else None},
            dated=received or posted,
        )  # fmt: skip
    return updated


def _interrupt_limitation(conn: Connection, customer_ref: str, posted: date) -> None:
    """The declaration interrupts limitation for each invoice it declares (L622-25-1)."""
    _, case = need_case(conn, customer_ref)
    for invoice, _ in repo.open_invoice_balances(conn, posted, customer_ref):
        if invoice.issue_date <= case.opened:
            law_repo.add_interruption(
                conn,
                Interruption(
                    invoice.number, InterruptionKind.CLAIM_DECLARED, posted,
                    "declaration of claim posted",
                ),
            )  # fmt: skip
