"""The words of the customer page's agreements (plans, contract terms, notes) and of its
statement of account, in French and in English (joined to `phrases.PHRASES`)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "customer.add_note": ("Ajouter une note", "Add a note"),
    "customer.note_added": ("Note ajoutée.", "Note added."),
    "customer.plan": ("Accorder un échéancier", "Agree a payment plan"),
    "customer.plan_invoices": ("Factures couvertes", "Invoices covered"),
    "customer.instalments": ("Nombre d’échéances", "Number of instalments"),
    "customer.first_due": ("Première échéance le", "First instalment on"),
    "customer.every": ("Périodicité", "Every"),
    "customer.plan_agreed": ("Échéancier accordé.", "Payment plan agreed."),
    "customer.plans": ("Échéanciers", "Payment plans"),
    "customer.plan_line": (
        "Accordé le {day} : {total} en {count} échéance(s) ({invoices}), {paid} payé(s)",
        "Agreed {day}: {total} in {count} instalment(s) ({invoices}), {paid} paid",
    ),
    "customer.plan_next": ("Prochaine échéance : {amount} le {day}", "Next: {amount} due {day}"),
    "customer.plan_paid": ("soldé", "paid"),
    "every.1m": ("tous les mois", "monthly"),
    "every.3m": ("tous les trois mois", "quarterly"),
    "every.2w": ("toutes les deux semaines", "every two weeks"),
    "every.1w": ("toutes les semaines", "weekly"),
    "customer.terms": ("Conditions du contrat", "Contract terms"),
    "customer.terms_change": ("Modifier les conditions", "Change the terms"),
    "customer.terms_changed": ("Conditions modifiées.", "Contract terms changed."),
    "customer.terms_unchanged": ("Rien n’a changé.", "Nothing changed."),
    "terms.rule_set": ("Régime", "Rule set"),
    "terms.by_law": ("selon la loi", "as the law selects"),
    "terms.rate": ("Taux de pénalité contractuel (% l’an)", "Contractual late rate (% a year)"),
    "terms.discount": ("Escompte", "Early-payment discount"),
    "terms.fee_per_invoice": ("Frais par facture en retard", "Fee per late invoice"),
    "terms.fee_per_letter": ("Frais par lettre de relance", "Fee per reminder letter"),
    "terms.limitation_years": ("Prescription (années)", "Limitation (years)"),
    "terms.waive_interest": ("Renoncer aux intérêts", "Waive late interest"),
    "terms.waive_indemnity": ("Renoncer à l’indemnité forfaitaire", "Waive the fixed indemnity"),
    "event.note.added": ("Note", "Note"),
    "event.contract_terms": ("Conditions modifiées", "Contract terms changed"),
    "customer.statement": ("Relevé de compte", "Statement of account"),
    "customer.statement_as_of": ("Relevé au", "Statement as of"),
    "customer.statement_show": ("Afficher le relevé", "Show the statement"),
}
