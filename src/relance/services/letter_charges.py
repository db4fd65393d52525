"""The charges a letter states, worded in the debtor's language: one row per interest
line, indemnity or fee, each with its arithmetic and legal basis (docs/law.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from babel.numbers import format_decimal
from sqlalchemy import Connection

from relance.bootstrap import Store
from relance.core.charges import Charge, ChargeKind, Charges
from relance.core.interest import BasisKind, InterestLine
from relance.core.letter import format_money, format_short_day, letter_locale
from relance.core.money import Money
from relance.services.interest_reports import customer_claims
from relance.services.rule_sets import (
    with_conn,
)


class ChargeRow(NamedTuple):
    """One line of a letter's table of charges: what, how much, and why."""

    label: str
    amount: Money
    explanation: str


_WORDS = {
    "fr": {
        "interest": "Pénalités de retard, facture {number}, du {start} au {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} jours ({basis})",
        "reference": "{table} au {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "taux contractuel",
        "floor": "plancher légal : {multiple} × {table} ({rate} %)",
        "indemnity_why": "{reference} : indemnité forfaitaire de {amount}",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement, facture {number}",
        "invoice_fee": "Frais contractuels, facture {number}",
        "letter_fee": "Frais de relance contractuels",
        # The why of a fee, worded here: the core's basis is the English of the reports.
        "invoice_fee_why": "frais prévus au contrat, par facture en retard",
        "letter_fee_why": "frais de relance prévus au contrat",
    },
    "en": {
        "interest": "Late-payment interest, invoice {number}, {start} to {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} days ({basis})",
        "reference": "{table} on {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "contractual rate",
        "floor": "legal floor: {multiple} × {table} ({rate} %)",
        "indemnity_why": "{reference}: fixed compensation of {amount}",
        "indemnity": "Fixed recovery compensation, invoice {number}",
        "invoice_fee": "Contractual fee, invoice {number}",
        "letter_fee": "Contractual reminder fee",
        "invoice_fee_why": "contractual fee per late invoice",
        "letter_fee_why": "contractual fee per reminder letter",
    },
}


# Rate tables as a letter names them, per language (the data files' titles are English).
_TABLES = {
    "fr": {
        "ecb_mro": "taux de refinancement de la BCE",
        "fr_legal_other": "taux de l'intérêt légal",
        "fr_legal_individual": "taux de l'intérêt légal (particuliers)",
        "boe_base": "taux de base de la Banque d'Angleterre",
    },
    "en": {
        "ecb_mro": "ECB main refinancing rate",
        "fr_legal_other": "French legal interest rate",
        "fr_legal_individual": "French legal interest rate (individuals)",
        "boe_base": "Bank of England base rate",
    },
}


def _basis_text(
    line: InterestLine, words: Mapping[str, str], day: Callable[[date], str], locale: str
) -> str:
    """How the line's rate was found, in the letter's language."""
    basis = line.rate_basis
    if basis is None:
        return line.basis
    tables = _TABLES["fr" if words is _WORDS["fr"] else "en"]
    table = tables.get(basis.table, basis.table)
    rate = format_decimal(basis.rate, locale=locale)
    if basis.kind is BasisKind.CONTRACT:
        return words["contract"]
    if basis.kind is BasisKind.FLOOR:
        multiple = format_decimal(basis.multiple, locale=locale)
        return words["floor"].format(multiple=multiple, table=table, rate=rate)
    assert basis.fixing_day is not None
    text = words["reference"].format(table=table, day=day(basis.fixing_day), rate=rate)
    if basis.margin:
        text += words["margin"].format(margin=format_decimal(basis.margin, locale=locale))
    return text


def charge_rows(
    charges: Iterable[Charges], language: str = "fr", country: str = ""
) -> tuple[ChargeRow, ...]:
    """The rows a letter prints for `charges`: one per interest line, then each indemnity
    or fee, each with its explanation (arithmetic and legal basis). Amounts and dates are
    written in the letter's one locale (`letter_locale` of the customer's country)."""
    words = _WORDS["fr" if language == "fr" else "en"]
    locale = letter_locale(language, country)

    def money(amount: Money) -> str:
        return format_money(amount, locale)

    def day(value: date) -> str:
        return format_short_day(value, locale)

    rows: list[ChargeRow] = []
    for claim in charges:
        for item in claim.items:
            rows.extend(_rows_of(item, claim.invoice_number, words, money, day, locale))
    return tuple(rows)


def _rows_of(
    item: Charge,
    number: str,
    words: Mapping[str, str],
    money: Callable[[Money], str],
    day: Callable[[date], str],
    locale: str,
) -> list[ChargeRow]:
    if item.kind is ChargeKind.INTEREST and item.interest is not None:
        return [
            ChargeRow(
                words["interest"].format(number=number, start=day(line.start), end=day(line.end)),
                line.amount,
                words["interest_why"].format(
                    base=money(line.base),
                    rate=format_decimal(line.rate, locale=locale),
                    days=line.days,
                    year=line.year_days,
                    basis=_basis_text(line, words, day, locale),
                ),
            )
            for line in item.interest.lines
        ]
    label = words[item.kind.value].format(number=number)
    if item.kind is ChargeKind.INDEMNITY:
        why = words["indemnity_why"].format(reference=item.basis, amount=money(item.amount))
        return [ChargeRow(label, item.amount, why)]
    return [ChargeRow(label, item.amount, words.get(f"{item.kind.value}_why", item.basis))]


class LetterCharges(NamedTuple):
    """The charges a letter states, and what forbids sending it (empty when nothing)."""

    rows: tuple[ChargeRow, ...]
    blocking: tuple[str, ...]


class ChargesBlocked(ValueError):
    """The charges cannot be stated as they stand (a rate missing from its table...)."""


def letter_claim(
    store_or_conn: Store | Connection,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    as_of: date,
) -> LetterCharges:
    """The charges a letter states for these invoices of a customer, as rows of (label,
    amount, explanation) in the customer's language, with the blocking problems that
    forbid sending it (a rate missing from its table: the figure would be partial).

    The policies state charges from the second letter on (`charges = true` on a level).
    Invoices that were not late carry no row; the principal is never among the rows.
    """

    def work(conn: Connection) -> LetterCharges:
        customer, _, claims, _ = customer_claims(conn, customer_ref, as_of, list(invoice_numbers))
        blocking = tuple(problem for claim in claims for problem in claim.blocking)
        return LetterCharges(charge_rows(claims, customer.language, customer.country), blocking)

    return with_conn(store_or_conn, work)


def letter_charges(
    store_or_conn: Store | Connection,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    as_of: date,
) -> tuple[ChargeRow, ...]:
    """The rows of `letter_claim`; raises `ChargesBlocked` (a ValueError) with the
    blocking problems rather than give partial figures."""
    claim = letter_claim(store_or_conn, customer_ref, invoice_numbers, as_of)
    if claim.blocking:
        raise ChargesBlocked("; ".join(claim.blocking))
    return claim.rows
