"""The monthly report's words in French and English (the KPIs' own names are in
`kpi_labels`)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Rapport mensuel de recouvrement", "Monthly collection report"),
    "counted": (
        "Indicateurs au dernier jour de chaque mois ; paiements pris en compte jusqu'au {as_of}"
        " pour les étapes, les promesses et les agences.",
        "Figures at the end of each month; payments counted up to {as_of} for the stages,"
        " promises and agencies.",
    ),
    "kpis": ("Les indicateurs, mois par mois", "The KPIs, month by month"),
    "kpis_note": (
        "En {currency} (montants arrondis à l'unité). « — » : rien sur quoi calculer (pas de"
        " ventes, aucune promesse échue…).",
        "In {currency} (amounts rounded to the unit). “—”: nothing to compute it on (no"
        " sales, no promise due…).",
    ),
    "nothing_owed": ("Rien n'est dû à la fin du mois.", "Nothing is owed at month end."),
    "no_kpi": (
        "Rien de facturé sur ces mois : pas d'indicateur.",
        "Nothing invoiced in these months: no KPI.",
    ),
    "charts": ("Les indicateurs en courbes", "The KPIs as charts"),
    "aging": ("Balance âgée au {day}", "Aged balance at {day}"),
    "aging_note": (
        "Ce qui reste dû, par ancienneté du retard ; montants en {currency}.",
        "What is still owed, by days past due; amounts in {currency}.",
    ),
    "largest": ("Les clients les plus en retard", "The customers most overdue"),
    "largest_none": (
        "Aucun client en retard à la fin du mois.",
        "No customer overdue at month end.",
    ),
    "activity": ("Ce que le processus a fait en {month}", "What the process did in {month}"),
    "no_steps": ("Aucune étape réalisée dans le mois.", "No step carried out in the month."),
    "stage": ("Étape", "Stage"),
    "steps": ("Étapes réalisées", "Steps carried out"),
    "customer": ("Client", "Customer"),
    "name": ("Nom", "Name"),
    "overdue": ("Échu", "Overdue"),
    "total": ("Total", "Total"),
    "promises_made": ("Promesses de paiement reçues", "Promises to pay received"),
    "disputes": (
        "Litiges ouverts / résolus / en cours à la fin du mois",
        "Disputes opened / resolved / open at month end",
    ),
    "handed": ("Créances transmises à une agence", "Claims handed to an agency"),
    "routes": ("Voies choisies après la mise en demeure", "Routes chosen after the formal notice"),
    "write_offs": ("Créances passées en perte", "Claims written off"),
    "none": ("aucune", "none"),
    "definitions": ("Définitions", "Definitions"),
    "page": ("page {n}", "page {n}"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "call": ("appel", "call"),
    "email": ("e-mail", "e-mail"),
    "letter": ("courrier", "letter"),
    "registered_letter": ("recommandé", "registered"),
    "agency_handoff": ("agence", "agency"),
    "write_off_review": ("revue de perte", "write-off review"),
}

ROUTES: dict[str, tuple[str, str]] = {
    "agency": ("agence de recouvrement", "collection agency"),
    "small_claims": ("procédure simplifiée (commissaire de justice)", "small-claims procedure"),
    "payment_order": ("injonction de payer", "payment order"),
    "write_off": ("passage en perte", "write-off"),
}

# What each KPI is, in one sentence, for the reader of the report.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "dso_countback": (
        "nombre de jours des ventes les plus récentes, mois par mois en remontant, que "
        "représente l'encours à la clôture.",
        "days of the most recent sales, month by month backwards, that the closing "
        "receivables amount to.",
    ),
    "dso": (
        "encours à la clôture ÷ ventes à crédit du mois × jours du mois.",
        "closing receivables ÷ the month's credit sales × days in the month.",
    ),
    "best_possible_dso": (
        "encours non échu ÷ ventes à crédit × jours : le DSO si chacun payait à l'échéance.",
        "receivables not yet due ÷ credit sales × days: the DSO if everyone paid on time.",
    ),
    "average_days_delinquent": (
        "DSO − meilleur DSO possible : les jours dus au retard.",
        "DSO − best possible DSO: the days owed to late payment.",
    ),
    "cei": (
        "(encours d'ouverture + ventes − encours de clôture) ÷ (encours d'ouverture + "
        "ventes − encours non échu de clôture) × 100 : ce qui a été encaissé sur ce qui "
        "pouvait l'être.",
        "(opening receivables + sales − closing receivables) ÷ (opening receivables + "
        "sales − closing receivables not yet due) × 100: collected out of collectable.",
    ),
    "stage_effectiveness": (
        "part du montant relancé à cette étape payée dans les 14 jours suivant la relance.",
        "share of the amount chased at that stage paid within 14 days of the step.",
    ),
    "promises_kept_by_amount": (
        "promesses échues dans le mois et payées à temps (délai de grâce compris).",
        "promises due in the month paid in time (grace included).",
    ),
    "agency_recovery": (
        "part de ce qui était dû sur les créances transmises dans le mois payée depuis ; "
        "net : moins les frais retenus par l'agence.",
        "share of what was owed on the claims handed over in the month paid since; net: "
        "less the fees the agency kept.",
    ),
}


def phrase(key: str, language: str, **values: object) -> str:
    """A phrase of the report in `language`, its {placeholders} filled."""
    text = PHRASES[key][0 if language == "fr" else 1]
    return text.format(**values) if values else text


def named(table: dict[str, tuple[str, str]], key: str, language: str) -> str:
    """A channel's or route's name for a reader; an unknown one as stored."""
    names = table.get(key)
    return names[0 if language == "fr" else 1] if names else key
