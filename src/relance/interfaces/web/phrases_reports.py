"""The words of Today's alerts and of the Reports page, in French and in English (joined
to `phrases.PHRASES`)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "alerts.title": ("Alertes", "Alerts"),
    "alerts.proceedings": ("Clients en procédure", "Customers in proceedings"),
    "alerts.since": ("depuis le {day}", "since {day}"),
    "alerts.declarations": ("Créances à déclarer", "Claims to declare"),
    "alerts.declare": (
        "déclarer la créance au mandataire avant le {day} ({days} j)",
        "declare the claim to the representative by {day} ({days} d left)",
    ),
    "alerts.relief": (
        "délai passé : demander un relevé de forclusion avant le {day}",
        "deadline passed: ask relief from foreclosure by {day}",
    ),
    "alerts.limitation": ("Prescription proche ou acquise", "Limitation expiring or expired"),
    "alerts.time_barred": ("prescrite depuis le {day}", "time-barred since {day}"),
    "alerts.expires": ("prescrite le {day} (dans {days} j)", "time-barred on {day} (in {days} d)"),
    "alerts.all_limitation": ("Toutes ({count})", "All of them ({count})"),
    "alerts.instalments": ("Échéances de plans", "Plan instalments due"),
    "alerts.overdue": ("en retard", "overdue"),
    "alerts.rates": ("Taux manquants ou non confirmés", "Rates missing or unconfirmed"),
    "alerts.to_rates": ("Voir les taux", "See the rates"),
    "proceeding.legal_action": ("action en justice", "legal action"),
    "proceeding.insolvency": ("procédure collective", "insolvency proceedings"),
    "proceeding.over_indebtedness": ("surendettement", "over-indebtedness"),
    # the reports
    "reports.title": ("Rapports", "Reports"),
    "reports.aging": ("Balance âgée", "Aged balance"),
    "reports.interest": ("Intérêts", "Interest"),
    "reports.limitation": ("Prescription", "Limitation"),
    "reports.terms": ("Délais de paiement", "Payment terms"),
    "reports.as_of": ("Au", "As of"),
    "reports.buckets": ("Tranches (jours)", "Buckets (days)"),
    "reports.show": ("Afficher", "Show"),
    "reports.csv": ("Télécharger en CSV", "Download CSV"),
    "reports.nothing_owed": ("Rien n’est dû au {day}.", "Nothing is owed as of {day}."),
    "reports.credits": (
        "Avoirs et acomptes non imputés",
        "Unapplied credit (payments on account, deposits)",
    ),
    "reports.target": ("Facture ou client", "Invoice or customer"),
    "reports.no_claim": (
        "Aucune facture en retard : rien à réclamer au-delà du principal.",
        "No late invoice: nothing to claim beyond the principal.",
    ),
    "reports.charge": ("Frais", "Charge"),
    "reports.from": ("Du", "From"),
    "reports.to": ("Au", "To"),
    "reports.days": ("Jours", "Days"),
    "reports.base": ("Base", "Base"),
    "reports.rate": ("Taux", "Rate"),
    "reports.after_gap": ("Intérêts après la lacune de taux", "Interest after the rate gap"),
    "reports.unknown": ("inconnu", "unknown"),
    "reports.total_so_far": ("Total connu à ce jour", "Total known so far"),
    "reports.claimable": (
        "Réclamable au-delà du principal : {amount}",
        "Claimable beyond the principal: {amount}",
    ),
    "charge.interest": ("Intérêts de retard", "Late interest"),
    "charge.indemnity": ("Indemnité forfaitaire", "Fixed indemnity"),
    "charge.invoice_fee": ("Frais par facture", "Fee per invoice"),
    "charge.letter_fee": ("Frais de relance", "Reminder fee"),
    "reports.within": ("Horizon (jours)", "Horizon (days)"),
    "reports.no_limitation": (
        "Aucune créance ne se prescrit dans les {days} jours suivant le {day}.",
        "No debt is time-barred within {days} days of {day}.",
    ),
    "reports.runs_from": ("Court depuis", "Runs from"),
    "reports.last_day": ("Dernier jour", "Last day"),
    "reports.days_left": ("Jours restants", "Days left"),
    "reports.time_barred": ("prescrite", "time-barred"),
    "reports.terms_help": (
        "Factures dont le délai dépasse le plafond légal (France, entre professionnels : "
        "60 jours date de facture, ou 45 jours fin de mois avec une clause).",
        "Invoices whose term exceeds the legal cap (France B2B: 60 days from the invoice "
        "date, or 45 days end of month with a clause).",
    ),
    "reports.terms_fine": (
        "Le délai de chaque facture respecte les plafonds légaux.",
        "Every invoice's term is within the legal caps.",
    ),
    "reports.term_days": ("Délai (j)", "Term (days)"),
    "reports.limit": ("Limite", "Limit"),
    "reports.verdict": ("Verdict", "Verdict"),
    "verdict.needs-end-of-month-clause": (
        "licite seulement « 45 jours fin de mois »",
        "lawful only as “45 days end of month”",
    ),
    "verdict.exceeds": ("dépasse le plafond", "exceeds the cap"),
    "verdict.within": ("dans le plafond", "within the cap"),
    "nav.reports": ("Rapports", "Reports"),
    "reports.kpi": ("Indicateurs", "KPIs"),
    "reports.kpi_name": ("Indicateur", "KPI"),
    "reports.kpi_charts": ("Les indicateurs en courbes", "The KPIs as charts"),
    "reports.kpi_help": (
        "Mois par mois, chaque devise à part ; « — » : rien sur quoi calculer. Les formules :"
        " docs/kpi.md ; le rapport mensuel en PDF : relance report monthly.",
        "Month by month, each currency apart; “—”: nothing to compute it on. The formulas:"
        " docs/kpi.md; the monthly report as a PDF: relance report monthly.",
    ),
    "reports.no_kpi": ("Rien de facturé sur la période.", "Nothing invoiced in the period."),
    "reports.top_rows": (
        "Les {shown} clients qui doivent le plus sur {count} ; le CSV les donne tous.",
        "The {shown} customers owing most of {count}; the CSV has them all.",
    ),
}
