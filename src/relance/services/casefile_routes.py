"""What a case file adds for the route chosen (docs/casefile.md): for a payment order, the
request's data in the order the form asks (`payment-order/request.json` and `.txt`); for
a collection agency, what the agency needs to take the claim over (`agency/handoff.json`)
and the written mandate to sign (`agency/mandate.pdf`, CPCE R124-3).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from relance.adapters.render.charge_wording import Wording
from relance.adapters.render.mandate import render_mandate
from relance.adapters.render.payment_order_text import request_json, request_text
from relance.core.casefile import CaseFileDocument
from relance.core.dossier import Purpose
from relance.core.letter import format_short_day
from relance.core.payment_order import PaymentOrderRequest, disputed_on, payment_order_request
from relance.services.casefile_evidence import file_part

if TYPE_CHECKING:
    from relance.services.casefile_facts import CaseFacts

DOSSIER_FILE = "dossier.pdf"


class NothingToRequest(ValueError):
    """A payment order asked for a customer who owes nothing due."""


def route_documents(
    facts: CaseFacts, purpose: Purpose, evidence: Sequence[CaseFileDocument]
) -> list[CaseFileDocument]:
    """The documents the route needs beyond the evidence (none for a general case file)."""
    if purpose is Purpose.PAYMENT_ORDER:
        return payment_order_documents(facts, evidence)
    if purpose is Purpose.AGENCY:
        return [agency_document(facts, evidence), *mandate_document(facts)]
    return []


MANDATE_FILE = "agency/mandate.pdf"


def mandate_document(facts: CaseFacts) -> list[CaseFileDocument]:
    """The agency's written mandate (CPCE R124-3) rendered for both parties to sign, in the
    dossier's language; none when the facts hold no mandate."""
    if facts.mandate is None:
        return []
    return [
        CaseFileDocument(
            MANDATE_FILE,
            render_mandate(facts.mandate),
            "mandate",
            f"the written mandate to {facts.mandate.agency.name} (CPCE R124-3), to sign",
        )
    ]


# The supporting documents' descriptions: French for the form, English for a reader
_DOCUMENT_WORDS = {
    "fr": {
        "invoice": "Facture {stem}", "duplicate": "Duplicata de la facture {stem}",
        "notice": "Mise en demeure par lettre recommandée avec AR du {day}",
        "reminder": "Lettre de relance du {day}",
        "email": "Relance par e-mail du {day}, message tel qu'envoyé",
        "registered": "Dépôt et accusé de réception des lettres recommandées (numéros de "
        "suivi et dates)",
        "statement": "Relevé de compte (lignes)",
        "dossier": "Décompte de la créance, relevé de compte, calcul des intérêts et "
        "chronologie des relances",
    },
    "en": {
        "invoice": "Invoice {stem}", "duplicate": "Duplicate of invoice {stem}",
        "notice": "Formal notice by registered letter with acknowledgement of receipt of {day}",
        "reminder": "Reminder letter of {day}",
        "email": "Reminder by e-mail of {day}, the message as sent",
        "registered": "Posting and acknowledgements of receipt of the registered letters "
        "(tracking numbers and dates)",
        "statement": "Statement of account (lines)",
        "dossier": "Count of the claim, statement of account, interest computation and "
        "timeline of the reminders",
    },
}  # fmt: skip


def supporting_documents(
    evidence: Sequence[CaseFileDocument], left_out: Collection[str] = (), language: str = "fr"
) -> list[tuple[str, str]]:
    """The supporting documents in the order a court reads them, worded in French (or
    English): the invoices, the formal notice and its proof, the other reminders, the
    statement, the dossier (the count of the claim and the timeline). The invoices
    `left_out` (by their file's name) are not listed."""
    w = _DOCUMENT_WORDS["en" if language.startswith("en") else "fr"]
    invoices, notices, reminders, emails, others = [], [], [], [], []
    for doc in evidence:
        stem = doc.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        day = _day(stem, language)
        if doc.kind.startswith("invoice") and stem.removesuffix("-duplicate") in left_out:
            continue
        if doc.kind == "invoice":
            invoices.append((w["invoice"].format(stem=stem), doc.path))
        elif doc.kind == "invoice-duplicate":
            invoices.append((w["duplicate"].format(stem=stem.removesuffix("-duplicate")), doc.path))
        elif doc.kind == "letter" and stem.endswith("registered_letter"):
            notices.append((w["notice"].format(day=day), doc.path))
        elif doc.kind == "letter" and stem.endswith("-letter"):
            reminders.append((w["reminder"].format(day=day), doc.path))
        elif doc.kind == "email":
            emails.append((w["email"].format(day=day), doc.path))
        elif doc.kind == "registered-mail":
            others.append((w["registered"], doc.path))
        elif doc.kind == "statement":
            others.append((w["statement"], doc.path))
    return [*invoices, *notices, *reminders, *emails, *others, (w["dossier"], DOSSIER_FILE)]


def _day(stem: str, language: str) -> str:
    try:
        day = date.fromisoformat(stem[:10])
    except ValueError:
        return ""
    return format_short_day(day, language) if language.startswith("en") else f"{day:%d/%m/%Y}"


def payment_order_requests(
    facts: CaseFacts, evidence: Sequence[CaseFileDocument], language: str = "fr"
) -> list[PaymentOrderRequest]:
    """One request a currency of the claim, its documents and interest worded in French
    (or English)."""
    wording = Wording(language, facts.customer.country)
    bases = dict.fromkeys(
        wording.basis(line)
        for claim in facts.charges
        if claim.interest is not None
        for line in claim.interest.lines
    )
    basis = "; ".join(bases)
    contested = [file_part(number) for number in disputed_on(facts.disputes, facts.as_of)]
    documents = supporting_documents(evidence, contested, language)
    received = [n.date for n in facts.notices]
    return [
        payment_order_request(
            facts.creditor,
            facts.customer,
            summary,
            facts.disputes,
            documents,
            basis,
            facts.as_of,
            max(received) if received else None,
        )
        for summary in facts.summaries
        if summary.invoices
    ]


def payment_order_documents(
    facts: CaseFacts, evidence: Sequence[CaseFileDocument]
) -> list[CaseFileDocument]:
    """`payment-order/request.json` and `request.txt` (a currency's suffix when the claim
    has several); with a case file in English, `request-en.txt` too, the same request for
    a reader who does not read French (the form is filed in French)."""
    requests = payment_order_requests(facts, evidence)
    english = facts.language.startswith("en")
    readings = payment_order_requests(facts, evidence, "en") if english else []
    if not requests:
        raise NothingToRequest(
            f"customer {facts.customer.ref} owes nothing due on {facts.as_of.isoformat()}: "
            "there is no payment order to request"
        )
    files = []
    for request in requests:
        suffix = "" if len(requests) == 1 else f"-{request.total.currency.lower()}"
        files += [
            CaseFileDocument(
                f"payment-order/request{suffix}.json",
                request_json(request),
                "payment-order",
                "the payment order request's data",
            ),
            CaseFileDocument(
                f"payment-order/request{suffix}.txt",
                request_text(request),
                "payment-order",
                "the request's data in the form's order",
            ),
        ]
    for reading in readings:
        suffix = "" if len(readings) == 1 else f"-{reading.total.currency.lower()}"
        files.append(
            CaseFileDocument(
                f"payment-order/request{suffix}-en.txt",
                request_text(reading, "en"),
                "payment-order",
                "the request's data in English, to read (the form is filed in French)",
            )
        )
    return files


def agency_document(facts: CaseFacts, evidence: Sequence[CaseFileDocument]) -> CaseFileDocument:
    """What a collection agency needs to take the claim over: both parties, the claim
    invoice by invoice with its parts apart (principal, interest, indemnity), the
    reminders sent, the disputes and promises, and the documents of the case file."""
    data: dict[str, Any] = {
        "as_of": facts.as_of.isoformat(),
        **_parties_json(facts),
        "handed_over": _handoff_json(facts),
        "mandate": _mandate_json(facts),
        "claim": [_summary_json(s) for s in facts.summaries if s.invoices],
        **_history_json(facts),
        "documents": [
            {"description": what, "file": file} for what, file in supporting_documents(evidence)
        ],
    }
    content = json.dumps(data, ensure_ascii=False, indent=1).encode() + b"\n"
    return CaseFileDocument(
        "agency/handoff.json", content, "agency", "what the agency needs to take the claim over"
    )


def _mandate_json(facts: CaseFacts) -> dict[str, Any] | None:
    """The mandate the case file holds: its file, the agency, the amount it states."""
    mandate = facts.mandate
    if mandate is None:
        return None
    return {
        "file": MANDATE_FILE,
        "agency": mandate.agency.name,
        "made_on": mandate.made_on.isoformat(),
        "invoices": [line.invoice_number for line in mandate.lines],
        "total": str(mandate.total.amount),
        "currency": mandate.currency,
    }


def _handoff_json(facts: CaseFacts) -> dict[str, Any] | None:
    """The latest decision to hand the claim to an agency (`relance handoff`), if any."""
    decisions = [e for e in facts.events if e.kind == "handoff" and e.data.get("agency")]
    if not decisions:
        return None
    last = decisions[-1]
    return {
        "agency": last.data["agency"],
        "on": last.dated.isoformat(),
        "invoices": list(last.data.get("invoices", [])),
    }


def _parties_json(facts: CaseFacts) -> dict[str, Any]:
    creditor, customer = facts.creditor, facts.customer
    return {
        "creditor": {
            "name": creditor.name,
            "registration_id": creditor.registration_id,
            "email": creditor.email,
            "phone": creditor.phone,
            "iban": creditor.iban,
        },
        "debtor": {
            "ref": customer.ref,
            "name": customer.name,
            "kind": customer.kind.value,
            "registration_id": customer.registration_id,
            "contact": customer.contact_name,
            "email": customer.email,
            "phone": customer.phone,
            "address": list(customer.address.lines),
            "postal_code": customer.address.postal_code,
            "city": customer.address.city,
            "country": customer.country,
        },
    }


def _history_json(facts: CaseFacts) -> dict[str, Any]:
    return {
        "reminders": [
            {
                "date": e.dated.isoformat(),
                "level": e.level,
                "channel": e.channel,
                "reference": e.reference,
            }
            for e in facts.letters
        ],
        "disputes": [
            {
                "invoice": d.invoice_number,
                "opened": d.opened.isoformat(),
                "reason": d.reason,
                "resolved": d.resolved.isoformat() if d.resolved else None,
            }
            for d in facts.disputes
        ],
        "promises": [
            {
                "made_on": p.made_on.isoformat(),
                "due": p.due.isoformat(),
                "amount": str(p.amount.amount),
                "currency": p.amount.currency,
            }
            for p in facts.promises
        ],
    }


def _summary_json(summary: Any) -> dict[str, Any]:
    def money(amount: Any) -> str:
        return str(amount.amount)

    return {
        "currency": summary.currency,
        "invoices": [
            {
                "number": r.number,
                "issue_date": r.issue_date.isoformat(),
                "due_date": r.due_date.isoformat(),
                "amount": money(r.amount),
                "paid": money(r.paid),
                "credited": money(r.credited),
                "principal": money(r.open),
                "interest": money(r.interest),
                "indemnity": money(r.indemnity),
                "costs": money(r.costs),
            }
            for r in summary.invoices
        ],
        "principal": money(summary.open),
        "interest": money(summary.interest),
        "indemnity": money(summary.indemnity),
        "costs": money(summary.costs),
        "total": money(summary.balance),
    }
