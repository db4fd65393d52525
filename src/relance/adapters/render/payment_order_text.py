"""A payment order request's data as the creditor copies it into the form: JSON for a
program, and text in the order of the form's boxes (the court, the creditor, the debtor,
the claim and its count, the supporting documents), with the notes the creditor must read
before filing. The text is in French, the form's language, or in English for a reader who
does not read French (the court's and the form's own names stay as the form prints them)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from relance.core.letter import format_money, format_short_day
from relance.core.money import Money
from relance.core.payment_order import Party, PaymentOrderRequest

_FR = "fr"

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "REQUÊTE EN INJONCTION DE PAYER (articles 1405 à 1425 du Code de procédure "
        "civile)",
        "form": "Données pour le formulaire Cerfa n° {form} ({court})",
        "court": "1. Juridiction",
        "court_place": "   {to} du lieu où demeure le débiteur : {place}",
        "creditor": "2. Le demandeur (créancier)",
        "debtor": "3. Le débiteur",
        "claim": "4. La créance",
        "documents": "5. Bordereau des pièces justificatives (jointes à la requête)",
        "name": "Dénomination", "legal_form": "Forme", "registration": "SIREN / RCS",
        "seat": "Siège", "home": "Domicile", "phone": "Téléphone", "email": "E-mail",
        "colon": " : ",
        "after_notice": ", restées impayées malgré la mise en demeure reçue le {day}",
        "unpaid": ", restées impayées",
        "basis": "   Fondement : factures impayées n° {numbers} (ventes de biens ou prestations "
        "de services), échues{after}",
        "count": "   Décompte :",
        "invoice": "     Facture {number} du {issued}, échue le {due} : {amount} ; déjà réglé "
        "{paid} ; reste dû {open}",
        "principal": "   Principal : {amount}",
        "interest": "   Intérêts de retard arrêtés au {day} : {amount} ({basis})",
        "indemnity": "   Indemnités forfaitaires pour frais de recouvrement (C. com. L441-10 "
        "et D441-5) : {amount}",
        "costs": "   Frais prévus au contrat : {amount}",
        "total": "   Total demandé : {amount}",
        "left_out": "   - facture {number} laissée de côté : contestée depuis le {day} "
        "({reason}) ; l'injonction de payer est réservée à une créance certaine (article "
        "1405 du Code de procédure civile)",
        "no_notice": "   - aucune mise en demeure reçue n'est enregistrée : le juge attend "
        "qu'elle ait précédé la requête (article 1344 du Code civil)",
        "read_first": "À lire avant de déposer la requête :",
    },
    "en": {
        "title": "REQUEST FOR A PAYMENT ORDER (injonction de payer, articles 1405 to 1425 of "
        "the French Code of civil procedure)",
        "form": "The data for form Cerfa n° {form} ({court}), which is filed in French",
        "court": "1. Court",
        "court_place": "   {to}, the court of the place where the debtor lives: {place}",
        "creditor": "2. The applicant (the creditor)",
        "debtor": "3. The debtor",
        "claim": "4. The claim",
        "documents": "5. List of the supporting documents (attached to the request)",
        "name": "Name", "legal_form": "Legal form", "registration": "SIREN / RCS",
        "seat": "Registered office", "home": "Address", "phone": "Phone", "email": "E-mail",
        "colon": ": ",
        "after_notice": ", unpaid despite the formal notice received on {day}",
        "unpaid": ", unpaid",
        "basis": "   Basis: unpaid invoices no. {numbers} (sales of goods or services), "
        "past due{after}",
        "count": "   Count:",
        "invoice": "     Invoice {number} of {issued}, due on {due}: {amount}; already paid "
        "{paid}; still owed {open}",
        "principal": "   Principal: {amount}",
        "interest": "   Late-payment interest to {day}: {amount} ({basis})",
        "indemnity": "   Fixed recovery indemnities (C. com. L441-10 and D441-5): {amount}",
        "costs": "   Costs provided by the contract: {amount}",
        "total": "   Total claimed: {amount}",
        "left_out": "   - invoice {number} left out: disputed since {day} ({reason}); a "
        "payment order is only for a certain claim (article 1405 of the Code of civil "
        "procedure)",
        "no_notice": "   - no formal notice received is on record: the judge expects one "
        "before the request (article 1344 of the Civil code)",
        "read_first": "To read before filing the request:",
    },
}  # fmt: skip


def _money(amount: Money, language: str = _FR) -> str:
    return format_money(amount, language).replace("\u202f", " ").replace("\xa0", " ")


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


def _party_lines(party: Party, creditor: bool, w: dict[str, str]) -> list[str]:
    colon = w["colon"]
    lines = [f"   {w['name']}{colon}{party.name}"]
    if party.legal_form:
        lines.append(f"   {w['legal_form']}{colon}{party.legal_form}")
    if party.registration_id:
        lines.append(f"   {w['registration']}{colon}{party.registration_id}")
    place = ", ".join([*party.address, f"{party.postal_code} {party.city}".strip()])
    seat = w["seat"] if creditor or party.kind == "business" else w["home"]
    lines.append(f"   {seat}{colon}{place} ({party.country})")
    for label, value in ((w["phone"], party.phone), (w["email"], party.email)):
        if value:
            lines.append(f"   {label}{colon}{value}")
    return lines


def _claim_lines(request: PaymentOrderRequest, language: str, w: dict[str, str]) -> list[str]:
    def day(value: date) -> str:
        return format_short_day(value, language)

    def money(amount: Money) -> str:
        return _money(amount, language)

    notice = request.formal_notice
    after = w["after_notice"].format(day=day(notice)) if notice else w["unpaid"]
    lines = [
        w["basis"].format(numbers=", ".join(r.number for r in request.invoices), after=after),
        w["count"],
    ]
    for r in request.invoices:
        paid = money(r.paid + r.credited)
        lines.append(w["invoice"].format(
            number=r.number, issued=day(r.issue_date), due=day(r.due_date),
            amount=money(r.amount), paid=paid, open=money(r.open)))  # fmt: skip
    lines.append(w["principal"].format(amount=money(request.principal)))
    if request.interest.is_positive:
        lines.append(w["interest"].format(
            day=day(request.as_of), amount=money(request.interest), basis=request.interest_basis
        ))  # fmt: skip
    if request.indemnity.is_positive:
        lines.append(w["indemnity"].format(amount=money(request.indemnity)))
    if request.costs.is_positive:
        lines.append(w["costs"].format(amount=money(request.costs)))
    lines.append(w["total"].format(amount=money(request.total)))
    return lines


def request_text(request: PaymentOrderRequest, language: str = _FR) -> bytes:
    """The request's data box after box of the form, in French or English (`language`)."""
    language = "en" if language.startswith("en") else _FR
    w = WORDS[language]
    lines = [
        w["title"],
        w["form"].format(form=request.form, court=request.court_kind),
        "",
        w["court"],
        w["court_place"].format(to=request.addressed_to, place=request.court_place),
        "",
        w["creditor"],
        *_party_lines(request.creditor, True, w),
        "",
        w["debtor"],
        *_party_lines(request.debtor, False, w),
        "",
        w["claim"],
        *_claim_lines(request, language, w),
        "",
        w["documents"],
        *(f"   {d.number}. {d.description} – {d.file}" for d in request.documents),
    ]
    notes = [
        w["left_out"].format(number=d.invoice_number, day=format_short_day(d.opened, language),
                             reason=d.reason)
        for d in request.left_out
    ]  # fmt: skip
    if request.formal_notice is None:
        notes.append(w["no_notice"])
    if notes:
        lines += ["", w["read_first"], *notes]
    return ("\n".join(lines) + "\n").encode()
