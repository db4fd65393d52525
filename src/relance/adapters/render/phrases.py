"""Phrases a template slots into its sentences, written in the letter's language and locale:
the due dates, what the customer said, how the letter opens and closes, the law it recalls.

They give the templates what grammar needs (singular or plural, one date or several) so
that a French letter about two invoices never reads "votre facture ... arrivée à échéance".
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list

from relance.core.addressing import english_sign_off, salutation, signatory_title
from relance.core.exchanges import Exchange, ExchangeKind
from relance.core.letter import Letter, format_day
from relance.core.model import CustomerKind

# Past three due dates a sentence names the first and the last only.
_MAX_DATES = 3

_EXCHANGE_WORDS = {
    "fr": {
        ExchangeKind.PROMISE: "votre promesse de paiement du {date}",
        ExchangeKind.DISPUTE: "votre contestation du {date}",
        ExchangeKind.ACKNOWLEDGEMENT: "votre reconnaissance de dette du {date}",
        ExchangeKind.CONVERSATION: "notre entretien téléphonique du {date}",
        ExchangeKind.MESSAGE: "votre message du {date}",
    },
    "en": {
        ExchangeKind.PROMISE: "your promise of {date} to pay",
        ExchangeKind.DISPUTE: "your dispute of {date}",
        ExchangeKind.ACKNOWLEDGEMENT: "your acknowledgement of the debt on {date}",
        ExchangeKind.CONVERSATION: "our telephone conversation of {date}",
        ExchangeKind.MESSAGE: "your message of {date}",
    },
}


def due_dates_phrase(letter: Letter) -> str:
    """The due dates with their preposition: "le 3 mars 2026", "le 3 mars 2026 et le 17 mai
    2026", "entre le 3 mars 2026 et le 12 octobre 2026"; "on 3 March 2026", "between ..."."""
    days = sorted({row.due_date for row in letter.rows})
    shown = [format_day(day, letter.locale) for day in days]
    french = letter.language == "fr"
    if len(shown) > _MAX_DATES:
        first, last = shown[0], shown[-1]
        return f"entre le {first} et le {last}" if french else f"between {first} and {last}"
    items = [f"le {day}" for day in shown] if french else shown
    listed = str(format_list(items, locale=letter.locale))
    return listed if french else f"on {listed}"


def latest_of_each_kind(exchanges: tuple[Exchange, ...]) -> tuple[Exchange, ...]:
    """The last exchange of each kind, in the order a letter names them."""
    latest: dict[ExchangeKind, Exchange] = {}
    for exchange in exchanges:
        kept = latest.get(exchange.kind)
        if kept is None or exchange.on > kept.on:
            latest[exchange.kind] = exchange
    return tuple(latest[kind] for kind in ExchangeKind if kind in latest)


def exchanges_phrase(letter: Letter) -> str:
    """What the customer said, named: "votre promesse de paiement du 12 septembre 2026 et
    notre entretien téléphonique du 3 octobre 2026"; "" when the log holds nothing."""
    words = _EXCHANGE_WORDS["fr" if letter.language == "fr" else "en"]
    items = [
        words[e.kind].format(date=format_day(e.on, letter.locale))
        for e in latest_of_each_kind(letter.exchanges)
    ]
    return str(format_list(items, locale=letter.locale)) if items else ""


def wording_values(letter: Letter) -> dict[str, Any]:
    """The values of this module for `relance.adapters.render.templates.template_values`."""
    said = exchanges_phrase(letter)
    despite = ("malgré " if letter.language == "fr" else "despite ") + said if said else ""
    return {
        "salutation": salutation(letter),
        "sign_off": english_sign_off(letter) if letter.language == "en" else "",
        "due_dates": due_dates_phrase(letter),
        "due_date_count": len({row.due_date for row in letter.rows}),
        "replied": bool(said),
        "exchanges": said,
        "despite": despite,
        "business": letter.debtor.kind is CustomerKind.BUSINESS,
        # French law's late-payment rules: penalties and the 40 EUR indemnity between
        # businesses (C. com. L441-10), legal interest from the formal notice (C. civ. 1231-6).
        "french_law": letter.creditor.country.upper() == "FR",
        "signatory_title": signatory_title(letter),
    }
