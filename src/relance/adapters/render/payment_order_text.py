"""A payment order request's data as the creditor copies it into the form: JSON for a
program, and French text in the order of the form's boxes (the court, the creditor, the
debtor, the claim and its count, the supporting documents), with the notes the creditor
must read before filing."""

from __future__ import annotations

import json
from typing import Any

from relance.core.letter import format_money, format_short_day
from relance.core.money import Money
from relance.core.payment_order import Party, PaymentOrderRequest

_FR = "fr"


def _money(amount: Money) -> str:
    return format_money(amount, _FR).replace("\u202f", " ").replace("\xa0", " ")


def _party_json(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "kind": party.kind,
        "legal_form": party.legal_form,
        "registration_id": party.registration_id,
        "vat_number": party.vat_number,
        "address": list(party.address),
        "postal_code": party.postal_code,
        "city": party.city,
        "country": party.country,
        "email": party.email,
        "phone": party.phone,
    }


def request_json(request: PaymentOrderRequest) -> bytes:
    """The request's data as JSON, its sections in the form's order."""
    data = {
        "form": f"Cerfa n° {request.form}",
        "court": {
            "kind": request.court_kind,
            "addressed_to": request.addressed_to,
            "debtor_place": request.court_place,
        },
        "creditor": _party_json(request.creditor),
        "debtor": _party_json(request.debtor),
        "claim": {
            "basis": request.basis,
            "currency": request.total.currency,
            "invoices": [
                {
                    "number": r.number,
                    "issue_date": r.issue_date.isoformat(),
                    "due_date": r.due_date.isoformat(),
                    "amount": str(r.amount.amount),
                    "paid": str((r.paid + r.credited).amount),
                    "principal": str(r.open.amount),
                    "interest": str(r.interest.amount),
                    "indemnity": str(r.indemnity.amount),
                }
                for r in request.invoices
            ],
            "principal": str(request.principal.amount),
            "interest": str(request.interest.amount),
            "interest_basis": request.interest_basis,
            "interest_to": request.as_of.isoformat(),
            "indemnity": str(request.indemnity.amount),
            "costs": str(request.costs.amount),
            "total": str(request.total.amount),
        },
        "documents": [
            {"number": d.number, "description": d.description, "file": d.file}
            for d in request.documents
        ],
        "formal_notice_received": (
            request.formal_notice.isoformat() if request.formal_notice else None
        ),
        "left_out": [
            {
                "invoice": d.invoice_number,
                "disputed_since": d.opened.isoformat(),
                "reason": d.reason,
            }
            for d in request.left_out
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


def _party_lines(party: Party, creditor: bool) -> list[str]:
    lines = [f"   Dénomination : {party.name}"]
    if party.legal_form:
        lines.append(f"   Forme : {party.legal_form}")
    if party.registration_id:
        lines.append(f"   SIREN / RCS : {party.registration_id}")
    place = ", ".join([*party.address, f"{party.postal_code} {party.city}".strip()])
    lines.append(
        f"   {'Siège' if creditor or party.kind == 'business' else 'Domicile'} : "
        f"{place} ({party.country})"
    )
    for label, value in (("Téléphone", party.phone), ("E-mail", party.email)):
        if value:
            lines.append(f"   {label} : {value}")
    return lines


def _claim_lines(request: PaymentOrderRequest) -> list[str]:
    day = format_short_day(request.as_of, _FR)
    numbers = ", ".join(r.number for r in request.invoices)
    notice = request.formal_notice
    after = (
        f", restées impayées malgré la mise en demeure reçue le {format_short_day(notice, _FR)}"
        if notice
        else ", restées impayées"
    )
    lines = [
        f"   Fondement : factures impayées n° {numbers} (ventes de biens ou prestations "
        f"de services), échues{after}",
        "   Décompte :",
    ]
    for r in request.invoices:
        lines.append(
            f"     Facture {r.number} du {format_short_day(r.issue_date, _FR)}, échue le "
            f"{format_short_day(r.due_date, _FR)} : {_money(r.amount)} ; déjà réglé "
            f"{_money(r.paid + r.credited)} ; reste dû {_money(r.open)}"
        )
    lines.append(f"   Principal : {_money(request.principal)}")
    if request.interest.is_positive:
        lines.append(
            f"   Intérêts de retard arrêtés au {day} : {_money(request.interest)} "
            f"({request.interest_basis})"
        )
    if request.indemnity.is_positive:
        lines.append(
            f"   Indemnités forfaitaires pour frais de recouvrement (C. com. L441-10 "
            f"et D441-5) : {_money(request.indemnity)}"
        )
    if request.costs.is_positive:
        lines.append(f"   Frais prévus au contrat : {_money(request.costs)}")
    lines.append(f"   Total demandé : {_money(request.total)}")
    return lines


def request_text(request: PaymentOrderRequest) -> bytes:
    """The request's data in French, box after box of the form."""
    lines = [
        "REQUÊTE EN INJONCTION DE PAYER (articles 1405 à 1425 du Code de procédure civile)",
        f"Données pour le formulaire Cerfa n° {request.form} ({request.court_kind})",
        "",
        "1. Juridiction",
        f"   {request.addressed_to} du lieu où demeure le débiteur : {request.court_place}",
        "",
        "2. Le demandeur (créancier)",
        *_party_lines(request.creditor, creditor=True),
        "",
        "3. Le débiteur",
        *_party_lines(request.debtor, creditor=False),
        "",
        "4. La créance",
        *_claim_lines(request),
        "",
        "5. Bordereau des pièces justificatives (jointes à la requête)",
        *(f"   {d.number}. {d.description} – {d.file}" for d in request.documents),
    ]
    notes = [
        f"   - facture {d.invoice_number} laissée de côté : contestée depuis le "
        f"{format_short_day(d.opened, _FR)} ({d.reason}) ; l'injonction de payer est réservée "
        "à une créance certaine (article 1405 du Code de procédure civile)"
        for d in request.left_out
    ]
    if request.formal_notice is None:
        notes.append(
            "   - aucune mise en demeure reçue n'est enregistrée : le juge attend "
            "qu'elle ait précédé la requête (article 1344 du Code civil)"
        )
    if notes:
        lines += ["", "À lire avant de déposer la requête :", *notes]
    return ("\n".join(lines) + "\n").encode()
