"""What a case file is made of, read from the ledger in one transaction: the claim and its
charges, the history, the evidence kept, and the dossier that sums them up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from relance import __version__
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage import repository_casefile as case_repo
from relance.adapters.storage import repository_history as history_repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage.database import Connection, Store
from relance.adapters.storage.repository_history import Event
from relance.core.case_summary import ClaimSummary, claim_summaries, foreign_charges
from relance.core.casefile import CaseFileDocument, CaseFileEntry
from relance.core.charges import Charges
from relance.core.contacts import Contact, ContactChannel
from relance.core.dossier import Dossier, ProcessStep, Purpose, StepKind, TimelineEntry
from relance.core.interest import FormalNotice
from relance.core.jurisdiction import RuleSet
from relance.core.letter import pick_language
from relance.core.mandate import Mandate
from relance.core.model import Creditor, Customer, Invoice
from relance.core.money import Money
from relance.core.pauses import Dispute, Promise
from relance.core.registered_mail import RegisteredRecord
from relance.services import casefile_evidence as ev
from relance.services.agency_mandate import mandate_of
from relance.services.casefile_statement import StatementFiles, statement_files
from relance.services.customer_lookup import known_customer
from relance.services.interest_reports import customer_claims
from relance.services.rule_sets import need_creditor


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything a case file says, as read from the ledger."""

    creditor: Creditor
    customer: Customer
    as_of: date
    language: str
    rule_set: RuleSet
    charges: tuple[Charges, ...]
    problems: tuple[str, ...]
    invoices: tuple[tuple[Invoice, Money], ...]  # the claim's invoices, with what is open
    summaries: tuple[ClaimSummary, ...]
    events: tuple[Event, ...]
    letters: tuple[rl.Evidence, ...]
    messages: tuple[case_repo.SentMessage, ...]
    registered: tuple[RegisteredRecord, ...]
    contacts: tuple[Contact, ...]
    disputes: tuple[Dispute, ...]
    promises: tuple[Promise, ...]
    notices: tuple[FormalNotice, ...]
    invoice_pdfs: dict[str, case_repo.InvoiceDocument]
    statement: StatementFiles | None
    mandate: Mandate | None = None  # the agency's written mandate (`--for agency`)


class NoAgencyToMandate(ValueError):
    """A case file for an agency when relance cannot tell which agency."""


def gather(
    store: Store,
    customer_ref: str,
    as_of: date,
    language: str | None,
    *,
    mandate_for: str | bool = False,
) -> CaseFacts:
    """Read the customer's case as of `as_of` (LookupError for an unknown customer).
    `mandate_for` (an agency's name, or True for the agency of the latest handoff) adds
    the agency's mandate, counted in the same transaction."""
    with store.begin() as conn:
        creditor = need_creditor(conn)
        customer = known_customer(conn, customer_ref)
        chosen = language or pick_language(creditor, customer)
        _, rule_set, charges, problems = customer_claims(conn, customer_ref, as_of)
        invoices = repo.load_invoices(conn, customer_ref)
        allocations = repo.load_allocations(conn, [i.number for i in invoices])
        summaries = claim_summaries(invoices, allocations, charges, as_of)
        claimed = {row.number: row.open for s in summaries for row in s.invoices}
        events = sorted(
            (e for e in history_repo.customer_events(conn, customer_ref) if _told(e, as_of)),
            key=lambda e: e.dated,
        )
        facts = CaseFacts(
            creditor,
            customer,
            as_of,
            chosen,
            rule_set,
            charges,
            tuple(dict.fromkeys((*problems, *(p for c in charges for p in c.problems)))),
            tuple((i, claimed[i.number]) for i in invoices if i.number in claimed),
            summaries,
            tuple(events),
            tuple(e for e in rl.load_evidence(conn, customer_ref=customer_ref) if e.dated <= as_of),
            tuple(case_repo.sent_messages(conn, customer_ref)),
            tuple(case_repo.registered_letters(conn, customer_ref)),
            tuple(pause_repo.load_contacts(conn, as_of, customer_ref)),
            tuple(d for d in pause_repo.load_disputes(conn, customer_ref) if d.opened <= as_of),
            tuple(p for p in pause_repo.load_promises(conn, customer_ref) if p.made_on <= as_of),
            tuple(n for n in law_repo.formal_notices(conn, customer_ref) if n.date <= as_of),
            case_repo.invoice_documents(conn, customer_ref),
            None,
        )
        if mandate_for:
            agency = _mandated_agency(conn, facts, mandate_for)
            facts = replace(facts, mandate=mandate_of(conn, customer_ref, agency, as_of, chosen))
    return replace(facts, statement=statement_files(store, customer_ref, as_of, chosen))


def _mandated_agency(conn: Connection, facts: CaseFacts, named: str | bool) -> str:
    """The agency the mandate is given to: the one named, else the one of the latest
    handoff to an agency, else the only agency on record."""
    if isinstance(named, str):
        return named
    handed = [
        e.data["agency"] for e in facts.events if e.kind == "handoff" and e.data.get("agency")
    ]
    if handed:
        return str(handed[-1])
    known = agency_repo.load_agencies(conn)
    if len(known) == 1:
        return known[0].name
    raise NoAgencyToMandate(
        f"no claim of {facts.customer.ref} was handed to an agency and "
        f"{len(known)} agencies are on record: name the agency whose mandate goes in the "
        "case file (relance casefile CUSTOMER --for agency --agency NAME)"
    )


def evidence_documents(facts: CaseFacts) -> list[CaseFileDocument]:
    """The evidence files, each checked against its recorded hash."""
    letters = ev.letter_files(facts.letters)
    return [
        *ev.invoice_files(
            facts.creditor,
            facts.customer,
            facts.invoices,
            facts.invoice_pdfs,
            facts.as_of,
            facts.language,
        ),
        *letters,
        *ev.email_files(m for m in facts.messages if _sent_by(m, facts.as_of)),
        *ev.registered_file(facts.registered, letters),
        *ev.exchange_files(facts.contacts, facts.disputes, facts.promises),
        *_statement_csv(facts),
    ]


def _statement_csv(facts: CaseFacts) -> list[CaseFileDocument]:
    if facts.statement is None:
        return []
    return [
        CaseFileDocument(
            "statement/statement.csv",
            facts.statement.csv,
            "statement",
            "the statement of account's lines, as in the dossier",
        )
    ]


# The events of the history that are no contact with the debtor: a step proposed or
# approved inside relance, a policy edited... The timeline leaves them out.
_INTERNAL = frozenset({"action.proposed", "action.approved", "action.cancelled"})


def _told(event: Event, as_of: date) -> bool:
    """True for an event of the timeline: a contact, a proof, a pause, a payment, up to
    `as_of`; a step marked done by relance's own send is told by its sent event."""
    if event.dated > as_of or event.kind in _INTERNAL:
        return False
    return not (event.kind == "action.done" and event.reason == "sent by relance")


def _sent_by(message: case_repo.SentMessage, as_of: date) -> bool:
    left = message.sent_at or message.updated_at
    return left is None or left.date() <= as_of


def process_steps(facts: CaseFacts) -> tuple[ProcessStep, ...]:
    """The steps of the process followed, by day: letters (one a step, with its
    channels), the formal notice's receipt, calls, promises, disputes."""
    steps: list[ProcessStep] = []
    by_action: dict[int, list[rl.Evidence]] = {}
    for evidence in facts.letters:
        by_action.setdefault(evidence.action_id, []).append(evidence)
    for kept in by_action.values():
        first = kept[0]
        steps.append(
            ProcessStep(
                first.dated,
                StepKind.LETTER,
                {
                    "level": first.level,
                    "reference": first.reference,
                    "channels": sorted({e.channel for e in kept}),
                },
            )
        )
    for record in facts.registered:
        if record.received_on is not None:
            steps.append(
                ProcessStep(
                    record.received_on,
                    StepKind.NOTICE_RECEIVED,
                    {"tracking": record.tracking_number},
                )
            )
    for contact in facts.contacts:
        if contact.channel is ContactChannel.CALL:
            steps.append(
                ProcessStep(
                    contact.on,
                    StepKind.CALL,
                    {
                        "outcome": contact.outcome.value if contact.outcome else "",
                        "note": contact.note,
                    },
                )
            )
    for promise in facts.promises:
        steps.append(
            ProcessStep(
                promise.made_on, StepKind.PROMISE, {"amount": promise.amount, "due": promise.due}
            )
        )
    for dispute in facts.disputes:
        steps.append(
            ProcessStep(
                dispute.opened,
                StepKind.DISPUTE,
                {
                    "invoice": dispute.invoice_number,
                    "reason": dispute.reason,
                    "resolved": dispute.resolved,
                },
            )
        )
    return tuple(sorted(steps, key=lambda s: s.day))


def dossier_of(facts: CaseFacts, purpose: Purpose, files: Sequence[CaseFileEntry]) -> Dossier:
    """The dossier's content: the claim, the process, the timeline, the files listed."""
    timeline = tuple(
        TimelineEntry(e.dated, e.kind, e.subject, e.reason, dict(e.data)) for e in facts.events
    )
    return Dossier(
        facts.creditor,
        facts.customer,
        facts.as_of,
        facts.language,
        purpose,
        facts.rule_set.title,
        facts.summaries,
        foreign_charges(facts.charges),
        facts.charges,
        process_steps(facts),
        timeline,
        facts.registered,
        tuple(files),
        __version__,
        facts.problems,
    )
