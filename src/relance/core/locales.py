"""The Babel locale letters and listings write money and dates in, by language.

Apart from `core.letter` so that a listing (`relance queue`, `invoices`) formats its
amounts as the letters do without importing what composes a letter.
"""

from __future__ import annotations

# Babel locale per language: French as written in France; English as written in the UK
# (day first: "19 February 2018"), except to a customer in the United States (see
# `letter_locale`).
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# Countries whose English puts the month first ("February 19, 2018").
_MONTH_FIRST_COUNTRIES = frozenset({"US"})


def letter_locale(language: str, country: str = "") -> str:
    """The one Babel locale a letter (and every listing) formats money and dates with.

    French is written as in France. English is written as in the UK (en_GB), except to a
    customer in the United States (en_US): one locale for the whole letter, its table, its
    charges and its wording alike.
    """
    if language == "en" and country.upper() in _MONTH_FIRST_COUNTRIES:
        return "en_US"
    return _LOCALES.get(language, language)


def locale_of(language_or_locale: str) -> str:
    """The Babel locale of a language (``en`` -> ``en_GB``), or the locale itself."""
    if "_" in language_or_locale:
        return language_or_locale
    return letter_locale(language_or_locale)
