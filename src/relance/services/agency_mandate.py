"""The agency mandate (CPCE R124-3) of a customer's claim rendered for signature
(`relance agency mandate`, `relance handoff … --mandate FILE`): the invoices the agency
holds for the customer (or, before the handoff, those a handoff would cover), with their
interest and indemnities counted to the day. The rendering is recorded in the customer's
history with its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.deliver.print_batch import write_atomically
from relance.adapters.render.mandate import render_mandate
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.charges import ChargeKind
from relance.core.claim_declaration import claim_lines
from relance.core.mandate import Mandate
from relance.core.money import Money, total
from relance.core.writeoff import handoff_status
from relance.services.agencies import need_agency
from relance.services.customer_lookup import known_customer
from relance.services.handoffs import need_claim
from relance.services.interest_reports import customer_claims
from relance.services.rule_sets import need_creditor


@dataclass(frozen=True, slots=True)
class MandateFile:
    """A mandate rendered: what it says, where it was written, its SHA-256."""

    mandate: Mandate
    path: Path
    sha256: str


def _at_agency(conn: Connection, customer_ref: str, agency: str, on: date) -> set[str]:
    """The customer's invoices `agency` holds on `on` (their latest state)."""
    invoices = [i.number for i in repo.load_invoices(conn, customer_ref)]
    handoffs = tuple(law_repo.load_handoffs(conn, invoices))
    held = set()
    for number in {h.invoice_number for h in handoffs if h.agency == agency}:
        if handoff_status(number, handoffs, on).at_agency:
            held.add(number)
    return held


def mandate_of(
    conn: Connection, customer_ref: str, agency_name: str, on: date, language: str = "fr"
) -> Mandate:
    """The mandate of the customer's claim to the agency on `on` (see the module).
    `NothingToHandOver` when the agency holds nothing and nothing could be handed over."""
    creditor = need_creditor(conn)
    customer = known_customer(conn, customer_ref)
    agency = need_agency(conn, agency_name)
    wanted = _at_agency(conn, customer_ref, agency.name, on)
    if not wanted:
        wanted = {item.invoice.number for item in need_claim(conn, customer_ref, on)}
    balances = [
        (invoice, balance)
        for invoice, balance in repo.open_invoice_balances(conn, on, customer_ref)
        if invoice.number in wanted
    ]
    _, _, claims, _ = customer_claims(conn, customer_ref, on)
    interest: dict[str, Money] = {}
    indemnity: dict[str, Money] = {}
    for claim in claims:
        if claim.blocking:
            continue
        for kind, into in ((ChargeKind.INTEREST, interest), (ChargeKind.INDEMNITY, indemnity)):
            items = [c.amount for c in claim.of_kind(kind) if c.amount.currency == claim.currency]
            if items:
                into[claim.invoice_number] = total(items, claim.currency)
    lines = claim_lines(balances, on, interest, indemnity)
    currency = lines[0].principal.currency if lines else creditor.currency
    notices = tuple(
        sorted({n.date for n in law_repo.formal_notices(conn, customer_ref) if n.date <= on})
    )
    return Mandate(
        creditor, customer, agency, on, currency,
        tuple(line for line in lines if line.principal.currency == currency), notices, language,
    )  # fmt: skip


def write_mandate(
    store: Store,
    customer_ref: str,
    agency_name: str,
    on: date,
    out: Path,
    *,
    language: str = "fr",
    actor: str = "user",
) -> MandateFile:
    """Render the mandate to `out` (a PDF written whole or not at all) and record it."""
    with store.begin() as conn:
        mandate = mandate_of(conn, customer_ref, agency_name, on, language)
        pdf = render_mandate(mandate)
        digest = hashlib.sha256(pdf).hexdigest()
        repo.append_event(
            conn, "agency.mandate", actor=actor, customer_ref=customer_ref, subject=digest,
            data={"agency": mandate.agency.name, "total": str(mandate.total.amount),
                  "currency": mandate.currency, "language": language,
                  "invoices": [line.invoice_number for line in mandate.lines]},
            dated=on,
        )  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, pdf)
    return MandateFile(mandate, out, digest)
