"""The words of the statement of account, in French and in English: titles, column heads,
and what each line says (a payment and the invoices it settled, a deposit deducted)."""

from __future__ import annotations

from collections.abc import Callable

from relance.core.letter import format_money
from relance.core.statement import LineKind, StatementLine

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "RELEVÉ DE COMPTE",
        "period": "Période du {start} au {end}",
        "as_of": "Situation au {end}, depuis le début de nos relations",
        "customer_ref": "Référence client : {ref}",
        "currency": "Montants en {currency}",
        "summary": "Récapitulatif au {end}",
        "open_invoices": "Factures restant dues",
        "unapplied": "Paiements et avoirs non encore affectés",
        "balance_due": "Solde dû",
        "balance_credit": "Solde en votre faveur",
        "overdue_part": "dont échu",
        "not_due_part": "dont non encore échu",
        "interest": "Intérêts de retard exigibles au {end} (non compris dans le solde)",
        "interest_stopped": "Intérêts de retard arrêtés au jugement d'ouverture du {day} "
        "(non compris dans le solde)",
        "other_charges": "Indemnités et frais exigibles (non compris dans le solde)",
        "movements": "Mouvements du compte",
        "columns": "Date|Pièce|Libellé|Échéance|Débit|Crédit|Solde",
        "opening": "Solde au {day}",
        "no_movement": "Aucun mouvement sur la période.",
        "totals": "Totaux et solde au {end}",
        "overdue": "Factures échues au {end}",
        "overdue_columns": "Facture|Date|Échéance|Montant|Reste dû|Retard (jours)|Intérêts",
        "none_overdue": "Aucune facture échue : merci.",
        "overdue_total": "Total échu",
        "invoice": "Facture",
        "credit_note": "Avoir",
        "credit_note_on": "Avoir sur la facture {invoice}",
        "payment": "Paiement reçu",
        "discount": "Escompte pour paiement anticipé",
        "write_off": "Créance abandonnée",
        "deposit": "Acompte {deposit} déduit",
        "deposit_moved": "Reste de l'acompte reporté sur la facture {final}",
        "applied_here": "Règlement {source} reçu sur un autre compte",
        "applied_there": "Règlement affecté à la facture {invoice} d'un autre compte",
        "settles": "Règle {items}",
        "settles_item": "{invoice} ({amount})",
        "left_unapplied": "non affecté : {amount}",
        "paid": "soldée",
        "open_late": "reste dû {amount}, échue depuis {days} j",
        "open_not_due": "reste dû {amount}",
        "closing_words": "Sauf erreur ou omission de notre part. Pour toute question sur ce "
        "relevé, contactez-nous{contacts}.",
        "page": "Page {number} / {count}",
        "continued": "Relevé de compte de {customer} au {end} (suite)",
    },
    "en": {
        "title": "STATEMENT OF ACCOUNT",
        "period": "Period from {start} to {end}",
        "as_of": "Position at {end}, since the start of our relationship",
        "customer_ref": "Customer reference: {ref}",
        "currency": "Amounts in {currency}",
        "summary": "Summary at {end}",
        "open_invoices": "Invoices still due",
        "unapplied": "Payments and credit notes not yet applied",
        "balance_due": "Balance due",
        "balance_credit": "Balance in your favour",
        "overdue_part": "of which overdue",
        "not_due_part": "of which not yet due",
        "interest": "Late-payment interest claimable at {end} (not in the balance)",
        "interest_stopped": "Late-payment interest stopped at the opening judgment of {day} "
        "(not in the balance)",
        "other_charges": "Compensation and fees claimable (not in the balance)",
        "movements": "Account movements",
        "columns": "Date|Document|Description|Due date|Debit|Credit|Balance",
        "opening": "Balance at {day}",
        "no_movement": "No movement in the period.",
        "totals": "Totals and balance at {end}",
        "overdue": "Invoices overdue at {end}",
        "overdue_columns": "Invoice|Date|Due date|Amount|Still due|Days late|Interest",
        "none_overdue": "No invoice is overdue: thank you.",
        "overdue_total": "Total overdue",
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "credit_note_on": "Credit note on invoice {invoice}",
        "payment": "Payment received",
        "discount": "Early-payment discount",
        "write_off": "Debt written off",
        "deposit": "Deposit {deposit} deducted",
        "deposit_moved": "Rest of the deposit moved to invoice {final}",
        "applied_here": "Payment {source} received on another account",
        "applied_there": "Payment applied to invoice {invoice} of another account",
        "settles": "Settles {items}",
        "settles_item": "{invoice} ({amount})",
        "left_unapplied": "unapplied: {amount}",
        "paid": "paid",
        "open_late": "{amount} still due, {days} days overdue",
        "open_not_due": "{amount} still due",
        "closing_words": "Errors and omissions excepted. For any question about this "
        "statement, contact us{contacts}.",
        "page": "Page {number} of {count}",
        "continued": "Statement of account of {customer} at {end} (continued)",
    },
}


def words(language: str) -> Callable[..., str]:
    """A function giving the statement's phrase `key` in `language`, filled in."""
    table = WORDS["fr" if language.startswith("fr") else "en"]

    def say(key: str, **values: object) -> str:
        return table[key].format(**values)

    return say


def line_texts(line: StatementLine, language: str, locale: str) -> tuple[str, str]:
    """What a line says: its description, and a second, smaller line of detail (what a
    payment settled, what is left on an invoice) or ""."""
    say = words(language)
    kind, ref, text = line.kind, line.reference, line.description
    if kind is LineKind.INVOICE:
        main = f"{say('invoice')} – {text}" if text else say("invoice")
        return main, _invoice_state(line, say, locale)
    if kind in (LineKind.PAYMENT, LineKind.CREDIT_NOTE):
        if kind is LineKind.PAYMENT:
            main = f"{say('payment')} – {text}" if text else say("payment")
        else:
            main = say("credit_note_on", invoice=text) if text else say("credit_note")
        return main, _settlement(line, say, locale)
    if kind is LineKind.DEPOSIT:
        if text.startswith("moved to "):
            return say("deposit_moved", final=text.removeprefix("moved to ")), ""
        return say("deposit", deposit=text.removeprefix("deposit ")), ""
    if kind is LineKind.ALLOCATION:
        if line.debit.is_positive:
            return say("applied_there", invoice=ref), ""
        return say("applied_here", source=text), ""
    return say(kind.value), ""


def _invoice_state(line: StatementLine, say: Callable[..., str], locale: str) -> str:
    if line.open_amount is None or not line.open_amount.is_positive:
        return say("paid")
    amount = format_money(line.open_amount, locale)
    if line.days_late:
        return say("open_late", amount=amount, days=line.days_late)
    return say("open_not_due", amount=amount)


def _settlement(line: StatementLine, say: Callable[..., str], locale: str) -> str:
    parts = []
    if line.settles:
        items = ", ".join(
            say("settles_item", invoice=s.invoice_number, amount=format_money(s.amount, locale))
            for s in line.settles
        )
        parts.append(say("settles", items=items))
    left = line.credit
    for settlement in line.settles:
        left = left - settlement.amount
    if left.is_positive:
        parts.append(say("left_unapplied", amount=format_money(left, locale)))
    return " – ".join(parts)


def period_text(start_day: str | None, end_day: str, language: str) -> str:
    """ "Period from … to …", or the position at the end since the first movement."""
    say = words(language)
    if start_day is None:
        return say("as_of", end=end_day)
    return say("period", start=start_day, end=end_day)
