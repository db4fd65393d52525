"""Customers read from a ledger CSV as plain values: a hundred thousand rows at the cost of
tuples.

Each row becomes a `CustomerValues` (the customers table's columns a file fills), not a
frozen `Customer` holding an `Address`, an enum and a `Money`; the record is built only when
the ledger already holds that reference and the two must be compared. The cells are read by
a short path that looks up what repeats (kind, language, country, currency, civility, as
written) and checks an identifier only when its cell holds one (SIREN/SIRET and VAT numbers
with python-stdnum, e-mail addresses with email-validator, as the full reader does). Any row
it does not take as it is goes through the full reader of `ledger_csv`, which raises the
same `FormatError` (file, line, field, reason) as always: both paths accept and refuse
exactly the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import NamedTuple

from relance.adapters.formats import identifiers
from relance.adapters.formats.ledger_columns import fold
from relance.adapters.formats.localized import parse_decimal
from relance.core.iso_codes import check_country, check_currency
from relance.core.model import Address, Civility, Customer, CustomerKind
from relance.core.money import Money, minor_units

KINDS = {
    "business": CustomerKind.BUSINESS, "b2b": CustomerKind.BUSINESS,
    "entreprise": CustomerKind.BUSINESS, "professionnel": CustomerKind.BUSINESS,
    "pro": CustomerKind.BUSINESS, "societe": CustomerKind.BUSINESS,
    "consumer": CustomerKind.CONSUMER, "b2c": CustomerKind.CONSUMER,
    "particulier": CustomerKind.CONSUMER, "consommateur": CustomerKind.CONSUMER,
    "individual": CustomerKind.CONSUMER,
}  # fmt: skip
LANGUAGES = {"fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en",
             "english": "en"}  # fmt: skip

# How people write a civility, in French and English, without accents or dots.
CIVILITIES = {
    "mme": Civility.MS, "madame": Civility.MS, "mlle": Civility.MS, "mademoiselle": Civility.MS,
    "ms": Civility.MS, "mrs": Civility.MRS, "miss": Civility.MISS,
    "m": Civility.MR, "monsieur": Civility.MR, "mr": Civility.MR,
}  # fmt: skip

TAG_SEPARATORS = re.compile(r"[,|]")


def civility_key(written: str) -> str:
    """A civility cell as it is looked up: folded, without dots."""
    return fold(written).replace(".", "").strip()


def address_lines(text: str) -> tuple[str, ...]:
    """The street lines of an address cell (one per line of the cell), blank ones left out."""
    return tuple(line.strip() for line in text.splitlines() if line.strip()) if text else ()


def tags_of(text: str) -> tuple[str, ...]:
    """The tags of a cell, separated by `,` or `|`."""
    return tuple(t.strip() for t in TAG_SEPARATORS.split(text) if t.strip()) if text else ()


class CustomerValues(NamedTuple):
    """A customer as a file gives it: the customers table's columns a file fills, in the
    table's order (the credit limit in minor units of its currency)."""

    ref: str
    name: str
    kind: str
    country: str
    language: str
    address_lines: tuple[str, ...]
    postal_code: str
    city: str
    email: str
    phone: str
    credit_limit_minor: int | None
    credit_limit_currency: str | None
    tags: tuple[str, ...]
    registration_id: str
    vat_number: str
    ibans: tuple[str, ...]
    contact_name: str
    civility: str | None

    def customer(self) -> Customer:
        """The customer as the core knows it."""
        limit = self.credit_limit_minor
        return Customer(
            ref=self.ref,
            name=self.name,
            kind=CustomerKind(self.kind),
            country=self.country,
            language=self.language,
            address=Address(self.address_lines, self.postal_code, self.city, self.country),
            email=self.email,
            phone=self.phone,
            credit_limit=None
            if limit is None or self.credit_limit_currency is None
            else Money.from_minor(limit, self.credit_limit_currency),
            tags=self.tags,
            registration_id=self.registration_id,
            vat_number=self.vat_number,
            ibans=self.ibans,
            contact_name=self.contact_name,
            civility=None if self.civility is None else Civility(self.civility),
        )

    @classmethod
    def of(cls, customer: Customer) -> CustomerValues:
        """The values of a customer the full reader made."""
        limit = customer.credit_limit
        return cls(
            customer.ref, customer.name, customer.kind.value, customer.country,
            customer.language, customer.address.lines, customer.address.postal_code,
            customer.address.city, customer.email, customer.phone,
            None if limit is None else limit.to_minor(), None if limit is None else limit.currency,
            customer.tags, customer.registration_id, customer.vat_number, customer.ibans,
            customer.contact_name, None if customer.civility is None else customer.civility.value,
        )  # fmt: skip


class CustomerRow(NamedTuple):
    """A customer read from a file, with its line."""

    line: int
    values: CustomerValues


# The columns a customer row reads, in the order `CustomerReader._short` takes them.
_FIELDS = ("ref", "name", "kind", "country", "language", "address", "postal_code", "city",
           "email", "phone", "currency", "credit_limit", "tags", "registration_id",
           "vat_number", "iban", "contact_name", "civility")  # fmt: skip

_new = tuple.__new__  # a named tuple made from its values, without its `__new__`'s call


class CustomerReader:
    """Reads customer rows of one file; `full` is the reader that names every mistake."""

    def __init__(
        self,
        columns: dict[str, int],
        default_currency: str,
        full: Callable[[int, list[str]], Customer],
    ) -> None:
        places = [columns.get(name) for name in _FIELDS]
        self.width = max(place for place in places if place is not None) + 1
        # every field's cell at once; a column the file lacks reads the empty cell that
        # `_short` appends to the row (index -1)
        self.cells_of = itemgetter(*(-1 if place is None else place for place in places))
        self.default_currency = default_currency
        self.full = full
        # what repeats, by the cell as written: kinds, languages, countries, currencies
        # (with their minor units) and civilities; None for a cell the full reader refuses
        self.kinds: dict[str, str | None] = {}
        self.languages: dict[str, str | None] = {}
        self.countries: dict[str, str | None] = {}
        self.currencies: dict[str, str | None] = {}
        self.civilities: dict[str, str | None] = {}

    def __call__(self, line: int, cells: list[str]) -> CustomerRow:
        """The customer of one row (FormatError, from the full reader, when it is wrong)."""
        values = self._short(cells)
        if values is None:
            values = CustomerValues.of(self.full(line, cells))
        return _new(CustomerRow, (line, values))

    def _short(self, cells: list[str]) -> CustomerValues | None:
        """The row's values when every cell is plainly right; None to leave it to `full`."""
        if len(cells) < self.width:
            return None
        (ref, name, kind, country, language, address, postal_code, city, email, phone,
         currency, limit, tags, registration, vat, iban, contact, civility) = self.cells_of(
            [*cells, ""]
        )  # fmt: skip
        ref, name = ref.strip(), name.strip()
        kind_value = self._looked_up(self.kinds, kind, _kind)
        language_value = self._looked_up(self.languages, language, _language)
        code = self._looked_up(self.countries, country, _country)
        currency_code = self._looked_up(self.currencies, currency, self._currency)
        civility_value = self._looked_up(self.civilities, civility, _civility) if civility else ""
        if not (ref and name and kind_value and language_value and code and currency_code):
            return None
        if civility_value is None:
            return None
        checked = _identifiers(email, registration, vat, code)
        credit = _credit_limit(limit.strip(), currency_code) if limit else (None, None)
        if checked is None or credit is None:
            return None
        iban = iban.strip()
        return _new(CustomerValues, (
            ref, name, kind_value, code, language_value,
            address_lines(address.strip()), postal_code.strip(), city.strip(), checked[0],
            phone.strip(), credit[0], credit[1], tags_of(tags.strip()), checked[1], checked[2],
            (iban.replace(" ", "").upper(),) if iban else (), contact.strip(),
            civility_value or None,
        ))  # fmt: skip

    @staticmethod
    def _looked_up(
        known: dict[str, str | None], written: str, read: Callable[[str], str | None]
    ) -> str | None:
        if written in known:
            return known[written]
        found = read(written)
        if len(known) < 1000:  # a column of free text is not kept whole
            known[written] = found
        return found

    def _currency(self, written: str) -> str | None:
        try:
            return check_currency(written.strip() or self.default_currency)
        except ValueError:
            return None


def _kind(written: str) -> str | None:
    found = KINDS.get(fold(written.strip()) or "business")
    return None if found is None else found.value


def _language(written: str) -> str | None:
    return LANGUAGES.get(fold(written.strip()) or "fr")


def _country(written: str) -> str | None:
    try:
        return check_country(written.strip(" \t") or "FR")
    except ValueError:
        return None


def _civility(written: str) -> str | None:
    """The civility's value; "" for a cell that names none."""
    key = civility_key(written.strip())
    if not key:
        return ""
    found = CIVILITIES.get(key)
    return None if found is None else found.value


def _identifiers(
    email: str, registration: str, vat: str, country: str
) -> tuple[str, str, str] | None:
    """The e-mail addresses, registration and VAT numbers, each checked only when its cell
    holds something; None when one is refused (the full reader says why)."""
    try:
        email = email.strip(" \t")
        registration = registration.strip(" \t")
        vat = vat.strip(" \t")
        return (
            ", ".join(identifiers.email_addresses(email)) if email else "",
            identifiers.registration_id(registration, country) if registration else "",
            identifiers.vat_number(vat, country) if vat else "",
        )
    except ValueError:
        return None


def _credit_limit(text: str, currency: str) -> tuple[int | None, str | None] | None:
    """A credit limit in minor units, and its currency; None when the full reader would
    refuse it (not a number, more decimals than the currency has, negative)."""
    if not text:
        return None, None
    try:
        number = parse_decimal(text)
    except (ValueError, ArithmeticError):
        return None
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > minor_units(currency) or number < 0:
        return None
    return Money(number, currency).to_minor(), currency
