"""How a letter words its charges, in French or English: each interest line with its
arithmetic and legal basis, the indemnity, the fees, and the sentences that stand where a
figure cannot (docs/law.md). Only words and formatting: what is owed is decided elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from babel.numbers import format_decimal

from relance.core.charges import Charge, ChargeKind
from relance.core.fees import StageFee
from relance.core.interest import BasisKind, InterestLine
from relance.core.jurisdiction import DayCount
from relance.core.letter import format_money, format_short_day, letter_locale, locale_of
from relance.core.money import Money


class ChargeRow(NamedTuple):
    """One line of a letter's table of charges: what, how much (None: no figure), why."""

    label: str
    amount: Money | None
    explanation: str


_WORDS = {
    "fr": {
        "interest": "Pénalités de retard, facture {number}, du {start} au {end}",
        "legal_interest": "Intérêts au taux légal (C. civ. 1231-6), facture {number}, "
        "du {start} au {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} jours, base {count} ({basis})",
        "actual/365": "exact/365",
        "actual/actual": "exact/exact",
        "reference": "{table} au {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "taux contractuel",
        "floor": "plancher légal : {multiple} × {table} ({rate} %)",
        "later": "Intérêts de retard, facture {number}",
        "later_why": "réclamés séparément : le taux applicable n'est pas encore confirmé",
        "later_many": "Intérêts de retard, factures {number}",
        "later_many_why": "réclamés séparément : le taux applicable n'est pas encore confirmé",
        "from_receipt": "Intérêts au taux légal (C. civ. 1231-6)",
        "from_receipt_why": "courent sur ces sommes à compter de la réception de la présente "
        "mise en demeure",
        "indemnity_why": "{reference} : indemnité forfaitaire de {amount}",
        "apart": " ; due en {currency}, en sus du total",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement, facture {number}",
        "invoice_fee": "Frais contractuels, facture {number}",
        "invoice_fee_why": "frais prévus au contrat, par facture en retard",
        "letter_fee": "Frais de relance contractuels",
        "letter_fee_why": "frais de relance prévus au contrat",
        "stage_fee": "Frais de relance ({level}), facture {number}",
        "stage_fee_why": "{basis}, prévus aux conditions générales de vente",
        "percent_of": "{percent} % de {amount}",
    },
    "en": {
        "interest": "Late-payment interest, invoice {number}, {start} to {end}",
        "legal_interest": "Interest at the legal rate (C. civ. 1231-6), invoice {number}, "
        "{start} to {end}",
        "interest_why": "{base} × {rate} % × {days} / {year} days, {count} ({basis})",
        "actual/365": "actual/365",
        "actual/actual": "actual/actual",
        "reference": "{table} on {day} ({rate} %)",
        "margin": " + {margin} points",
        "contract": "contractual rate",
        "floor": "legal floor: {multiple} × {table} ({rate} %)",
        "later": "Late-payment interest, invoice {number}",
        "later_why": "claimed separately: the applicable rate is not confirmed yet",
        "later_many": "Late-payment interest, invoices {number}",
        "later_many_why": "claimed separately: the applicable rate is not confirmed yet",
        "from_receipt": "Interest at the legal rate (C. civ. 1231-6)",
        "from_receipt_why": "runs on these sums from your receipt of this formal notice",
        "indemnity_why": "{reference}: fixed compensation of {amount}",
        "apart": "; due in {currency}, in addition to the total",
        "indemnity": "Fixed recovery compensation, invoice {number}",
        "invoice_fee": "Contractual fee, invoice {number}",
        "invoice_fee_why": "contractual fee per late invoice",
        "letter_fee": "Contractual reminder fee",
        "letter_fee_why": "contractual fee per reminder letter",
        "stage_fee": "Reminder fee ({level}), invoice {number}",
        "stage_fee_why": "{basis}, as agreed in the terms of sale",
        "percent_of": "{percent} % of {amount}",
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


@dataclass(frozen=True, slots=True)
class Wording:
    """The words, numbers and dates of one letter: its language and its one locale
    (`letter_locale` of the customer's country)."""

    language: str
    country: str = ""

    @property
    def words(self) -> Mapping[str, str]:
        """The phrases of the language (English for any language but French)."""
        return _WORDS["fr" if self.language == "fr" else "en"]

    @property
    def locale(self) -> str:
        """The Babel locale numbers and dates are written in."""
        return letter_locale(self.language, self.country)

    def money(self, amount: Money) -> str:
        """An amount with its currency, as the letter writes it."""
        return format_money(amount, self.locale)

    def day(self, value: date) -> str:
        """A date as the letter's tables write it."""
        return format_short_day(value, self.locale)

    def number(self, value: Decimal) -> str:
        """A decimal as the letter writes it."""
        return str(format_decimal(value, locale=locale_of(self.locale)))

    def basis(self, line: InterestLine) -> str:
        """How the line's rate was found."""
        basis = line.rate_basis
        if basis is None:
            return line.basis
        table = _TABLES["fr" if self.language == "fr" else "en"].get(basis.table, basis.table)
        rate = self.number(basis.rate)
        if basis.kind is BasisKind.CONTRACT:
            return self.words["contract"]
        if basis.kind is BasisKind.FLOOR:
            multiple = self.number(basis.multiple)
            return self.words["floor"].format(multiple=multiple, table=table, rate=rate)
        assert basis.fixing_day is not None
        text = self.words["reference"].format(
            table=table, day=self.day(basis.fixing_day), rate=rate
        )
        if basis.margin:
            text += self.words["margin"].format(margin=self.number(basis.margin))
        return text


def interest_rows(
    item: Charge, number: str, wording: Wording, day_count: DayCount, legal: bool
) -> list[ChargeRow]:
    """One row per interest line, named as the legal rate's interest when `legal` (a
    consumer's, C. civ. 1231-6), else as late-payment penalties."""
    assert item.interest is not None
    words = wording.words
    label = words["legal_interest" if legal else "interest"]
    return [
        ChargeRow(
            label.format(number=number, start=wording.day(line.start), end=wording.day(line.end)),
            line.amount,
            words["interest_why"].format(
                base=wording.money(line.base),
                rate=wording.number(line.rate),
                days=line.days,
                year=line.year_days,
                count=words[day_count.value],
                basis=wording.basis(line),
            ),
        )
        for line in item.interest.lines
    ]


def item_row(item: Charge, number: str, currency: str, wording: Wording) -> ChargeRow:
    """The row of an indemnity or a fee on invoice `number`, in a letter in `currency`."""
    words = wording.words
    label = words[item.kind.value].format(number=number)
    if item.kind is ChargeKind.INDEMNITY:
        why = words["indemnity_why"].format(reference=item.basis, amount=wording.money(item.amount))
        if item.amount.currency != currency:
            why += words["apart"].format(currency=item.amount.currency)
        return ChargeRow(label, item.amount, why)
    return ChargeRow(label, item.amount, words[f"{item.kind.value}_why"])


def stage_fee_row(fee: StageFee, rule_percent: str | None, chased: Money | None,
                  wording: Wording) -> ChargeRow:  # fmt: skip
    """The row of a fee a level charged on one invoice."""
    words = wording.words
    basis = wording.money(fee.amount)
    if rule_percent is not None and chased is not None:
        basis = words["percent_of"].format(percent=rule_percent, amount=wording.money(chased))
    return ChargeRow(
        words["stage_fee"].format(level=fee.level_name, number=fee.invoice_number),
        fee.amount,
        words["stage_fee_why"].format(basis=basis),
    )


def note_row(key: str, wording: Wording, number: str = "") -> ChargeRow:
    """A row with no figure: a sentence standing where an amount cannot yet be given."""
    words = wording.words
    return ChargeRow(words[key].format(number=number), None, words[f"{key}_why"])
