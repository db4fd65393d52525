"""The fixed words printed around a template's paragraphs: headings, table columns, mentions.

Kept apart from the templates because they frame every letter the same way and the
compliance check relies on them (the table, the total, the payment details).
"""

from __future__ import annotations

from collections.abc import Mapping

LABELS: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "place_date": "{place}, le {date}",
        "date_only": "Le {date}",
        "our_ref": "Notre référence",
        "your_account": "Votre compte client",
        "payment_ref": "Référence de paiement",
        "subject": "Objet",
        "registered": "Lettre recommandée avec accusé de réception",
        "col_number": "Facture",
        "col_date": "Date",
        "col_subject": "Objet",
        "col_amount": "Montant",
        "col_due": "Échéance",
        "col_late": "Retard",
        "col_open": "Reste dû",
        "days": "{n} j",
        "continued": "(suite)",
        "subtotal": "Total des factures",
        "subtotal_one": "Montant de la facture",
        "total_due": "Total dû",
        "credit_on_account": "Paiements reçus, non encore affectés",
        "deadline": "À régler au plus tard le {date}",
        "also_due": "Autres factures échues, non visées par ce courrier",
        "also_due_total": "Total de ces autres factures",
        "how_to_pay": "Comment régler",
        "transfer": "Virement : IBAN {iban}{bic}, en indiquant la référence {ref}",
        "bic": " – BIC {bic}",
        # "à l'ordre de : {name}": the colon spares eliding "de" before a vowel ("d'Atelier").
        "cheque": "Chèque à l'ordre de : {name}, à adresser à : {address}",
        "card": "Carte bancaire : par téléphone au {phone}",
        "qr_caption": "QR code de virement SEPA (EPC)",
        "contact": "Une question, une erreur, une contestation ? {contacts}",
        "previous": "Nos précédents courriers : {items}",
        "previous_one": "Notre précédent courrier : {items}",
        "previous_item": "{date} (relance {level})",
        "phone": "Tél. {phone}",
        "email": "E-mail {email}",
        "capital": "au capital de {capital}",
        "siren": "SIREN {siren}",
        "rcs": "RCS {city} {siren}",
        "vat": "TVA intracommunautaire {vat}",
        "page": "Page {n}/{count}",
        "enclosure": "Pièce jointe : copie de la facture {numbers}",
        "enclosures": "Pièces jointes : copies des factures {numbers}",
        "email_copy_intro": (
            "Vous trouverez ci-joint, au format PDF, notre courrier du {date}, "
            "dont voici le contenu."
        ),
        "email_attachment": "Courrier en pièce jointe : {name}",
    },
    "en": {
        "place_date": "{place}, {date}",
        "date_only": "{date}",
        "our_ref": "Our reference",
        "your_account": "Your account",
        "payment_ref": "Payment reference",
        "subject": "Subject",
        "registered": "Registered letter with proof of delivery",
        "col_number": "Invoice",
        "col_date": "Date",
        "col_subject": "Description",
        "col_amount": "Amount",
        "col_due": "Due date",
        "col_late": "Days late",
        "col_open": "Balance",
        "days": "{n}",
        "continued": "(continued)",
        "subtotal": "Invoices total",
        "subtotal_one": "Invoice amount",
        "total_due": "Total due",
        "credit_on_account": "Payments received, not yet allocated",
        "deadline": "Please pay by {date}",
        "also_due": "Also overdue, not covered by this letter",
        "also_due_total": "Total of these other invoices",
        "how_to_pay": "How to pay",
        "transfer": "Bank transfer: IBAN {iban}{bic}, quoting reference {ref}",
        "bic": " – BIC {bic}",
        "cheque": "Cheque payable to {name}, sent to: {address}",
        "card": "Card: by phone on {phone}",
        "qr_caption": "SEPA credit transfer QR code (EPC)",
        "contact": "A question, an error, a dispute? {contacts}",
        "previous": "Our previous letters: {items}",
        "previous_one": "Our previous letter: {items}",
        "previous_item": "{date} (reminder {level})",
        "phone": "Phone {phone}",
        "email": "E-mail {email}",
        "capital": "share capital {capital}",
        "siren": "Company no. {siren}",
        "rcs": "Registered in {city}, no. {siren}",
        "vat": "VAT {vat}",
        "page": "Page {n} of {count}",
        "enclosure": "Enclosure: copy of invoice {numbers}",
        "enclosures": "Enclosures: copies of invoices {numbers}",
        "email_copy_intro": (
            "Please find attached, as a PDF, our letter of {date}; its text follows."
        ),
        "email_attachment": "Letter attached: {name}",
    },
}


def label(language: str, key: str, **values: object) -> str:
    """The label `key` in `language` (French when the language is unknown), filled in."""
    table = LABELS.get(language, LABELS["fr"])
    return table[key].format(**values)


def counted(language: str, key: str, count: int, **values: object) -> str:
    """The label `key` agreeing with `count`: its ``_one`` form for one thing, when it has
    one ("Notre précédent courrier", "Montant de la facture")."""
    table = LABELS.get(language, LABELS["fr"])
    chosen = f"{key}_one" if count == 1 and f"{key}_one" in table else key
    return table[chosen].format(**values)
