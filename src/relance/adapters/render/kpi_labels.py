"""The KPIs' names in French and English, and their values written for people: days to a
tenth, percentages with the locale's mark, amounts as the letters write them."""

from __future__ import annotations

from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from relance.core.kpi import Period
from relance.core.kpi_report import DAYS, MONEY, PERCENT, Measure

NONE = "—"  # a KPI with nothing to divide by

LABELS: dict[str, tuple[str, str]] = {
    "credit_sales": ("Ventes à crédit", "Credit sales"),
    "opening_receivables": ("Encours à l'ouverture", "Opening receivables"),
    "receivables": ("Encours à la clôture", "Closing receivables"),
    "current_receivables": ("dont non échu", "of which not yet due"),
    "dso_countback": ("DSO (méthode par épuisement)", "DSO (countback)"),
    "dso": ("DSO (méthode comptable)", "DSO (standard)"),
    "best_possible_dso": ("Meilleur DSO possible", "Best possible DSO"),
    "average_days_delinquent": ("Retard moyen (jours)", "Average days delinquent"),
    "cei": ("Efficacité du recouvrement (CEI)", "Collection effectiveness (CEI)"),
    "current_share": ("Part de l'encours non échue", "Share of receivables not yet due"),
    "stage_effectiveness": ("Payé sous 14 jours : {stage}", "Paid within 14 days: {stage}"),
    "promises_kept_by_count": ("Promesses tenues (nombre)", "Promises kept (by count)"),
    "promises_kept_by_amount": ("Promesses tenues (montant)", "Promises kept (by amount)"),
    "agency_recovery": ("Recouvré par les agences", "Recovered by agencies"),
    "agency_net_recovery": (
        "Recouvré par les agences, net de leurs frais",
        "Recovered by agencies, net of their fees",
    ),
}

# The stages of the shipped policies, named for a reader; a stage of the user's own
# policy keeps its own name.
STAGES: dict[str, tuple[str, str]] = {
    "informal": ("rappel amiable", "friendly reminder"),
    "letter1": ("1re relance", "first reminder"),
    "letter2": ("2e relance", "second reminder"),
    "letter3": ("3e relance", "third reminder"),
    "final": ("mise en demeure", "formal notice"),
    "handoff": ("transmission", "handoff"),
}


def _index(language: str) -> int:
    return 0 if language == "fr" else 1


def locale_of(language: str) -> str:
    """The Babel locale figures are written in."""
    return "fr_FR" if language == "fr" else "en_GB"


def stage_label(stage: str, language: str) -> str:
    """A stage's name for a reader."""
    names = STAGES.get(stage)
    return names[_index(language)] if names else stage


def label(measure: Measure, language: str) -> str:
    """The measure's name in `language` (fr or en)."""
    text = LABELS[measure.kpi][_index(language)]
    return text.format(stage=stage_label(measure.stage, language)) if measure.stage else text


def value_text(measure: Measure, language: str, days_unit: bool = True) -> str:
    """The measure's value for a reader: `43,3 j` / `43.3 d` (`43,3` without `days_unit`,
    for a table whose row names the unit), `73,9 %`, `7 800,00 €`."""
    if measure.value is None:
        return NONE
    return figure_text(measure.value, measure.unit, measure.currency, language, days_unit)


def figure_text(
    value: Decimal, unit: str, currency: str, language: str, days_unit: bool = True
) -> str:
    """A value of `unit` (days, percent, money) written for a reader in `language`."""
    locale = locale_of(language)
    if unit == MONEY:
        return format_currency(value, currency, locale=locale)
    return _number(value, unit, language, days_unit)


def amount_text(value: Decimal, language: str, cents: bool = True) -> str:
    """An amount without its currency, for a table that names it once: `1 234,56`, or
    rounded to the unit (`1 235`) without `cents`."""
    pattern = "#,##0.00" if cents else "#,##0"
    return format_decimal(value, format=pattern, locale=locale_of(language))


def period_name(period: Period, language: str) -> str:
    """`nov. 26` / `Nov 26` for a whole month, else the period's own label."""
    if not period.is_month:
        return period.label
    return format_date(period.first, "MMM yy", locale=locale_of(language))


def _number(value: Decimal, unit: str, language: str, days_unit: bool) -> str:
    number = format_decimal(value, format="#,##0.0", locale=locale_of(language))
    if unit == DAYS and days_unit:
        return f"{number}\u00a0j" if language == "fr" else f"{number} d"
    if unit == PERCENT:
        return f"{number}\u00a0%" if language == "fr" else f"{number} %"
    return number
