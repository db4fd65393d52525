"""How a letter addresses its reader: the recipient's block, the salutation, the sign-off,
the creditor's phone and signatory title as the reader's country and language want them.

Pure decisions on a `Letter`; the renderer lays them out. Postal conventions: La Poste
writes the postcode before the town ("69002 LYON"); Royal Mail puts the postcode on its own
line after the town ("BRISTOL" / "BS1 4DJ"), and US addresses put the ZIP code after the
city; abroad, the country is the last line, in capitals (UPU S42).
"""

from __future__ import annotations

import functools

import phonenumbers
from babel import Locale

from relance.core.letter import Letter
from relance.core.model import Civility, CustomerKind

NBSP = "\u00a0"

# Countries whose postcode follows the town on a line of its own (Royal Mail, An Post).
_POSTCODE_LINE_AFTER_TOWN = frozenset({"GB", "IE"})
# Countries whose postcode follows the town on the same line.
_POSTCODE_AFTER_TOWN = frozenset({"US", "CA", "AU"})

_FRENCH_TITLES = {Civility.MS: "Mme", Civility.MRS: "Mme", Civility.MISS: "Mlle", Civility.MR: "M."}
_ENGLISH_TITLES = {Civility.MS: "Ms", Civility.MRS: "Mrs", Civility.MISS: "Miss", Civility.MR: "Mr"}

# Common signatory titles, French and English, for a letter written in the other language
# than the creditor's (a title not listed is left out rather than printed in the wrong
# language; `Creditor.signatory_title_translated` gives it).
_TITLES_FR_EN = {
    "gérant": "Manager",
    "gérante": "Manager",
    "cogérant": "Co-manager",
    "cogérante": "Co-manager",
    "président": "Chairman",
    "présidente": "Chairwoman",
    "directeur général": "Managing Director",
    "directrice générale": "Managing Director",
    "directeur administratif et financier": "Finance Director",
    "directrice administrative et financière": "Finance Director",
    "directeur financier": "Finance Director",
    "directrice financière": "Finance Director",
    "comptable": "Accountant",
    "chef comptable": "Chief Accountant",
    "responsable comptable": "Head of Accounts",
    "responsable du recouvrement": "Credit Controller",
    "chargé de recouvrement": "Credit Controller",
    "chargée de recouvrement": "Credit Controller",
    "credit manager": "Credit Manager",
    "assistante de direction": "Executive Assistant",
    "assistant de direction": "Executive Assistant",
    "entrepreneur individuel": "Sole Trader",
    "artisan": "Craftsman",
}
_TITLES_EN_FR = {
    "managing director": "Directeur général",
    "director": "Directeur",
    "finance director": "Directeur financier",
    "accountant": "Comptable",
    "chief accountant": "Chef comptable",
    "credit controller": "Responsable du recouvrement",
    "credit manager": "Credit manager",
    "head of accounts": "Responsable comptable",
    "owner": "Gérant",
    "manager": "Gérant",
}


def is_abroad(letter: Letter) -> bool:
    """True when the letter crosses a border: the debtor lives outside the creditor's country."""
    country = letter.debtor.address.country or letter.debtor.country
    return bool(country) and country.upper() != letter.creditor.country.upper()


def country_name(code: str, language: str) -> str:
    """The country's name in `language`, in capitals, as the last line of an address abroad."""
    territories = Locale.parse(language or "fr").territories
    return str(territories.get(code.upper(), code)).upper()


def creditor_phone(letter: Letter) -> str:
    """The creditor's phone as the reader dials it: international (+33 4 78 …) on a letter
    abroad, national at home; its spaces are no-break, so a line never cuts a number."""
    phone = letter.creditor.phone
    if not phone:
        return ""
    return _dialled(phone, letter.creditor.country.upper(), is_abroad(letter))


@functools.lru_cache(maxsize=64)  # one creditor, a few formats: parsed once, not per line
def _dialled(phone: str, country: str, international: bool) -> str:
    try:
        number = phonenumbers.parse(phone, country or None)
    except phonenumbers.NumberParseException:
        return phone  # printed as the creditor wrote it
    style = (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
        if international
        else phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return str(phonenumbers.format_number(number, style)).replace(" ", NBSP)


def _titled(name: str, civility: Civility | None, language: str) -> str:
    if civility is None:
        return name
    titles = _FRENCH_TITLES if language == "fr" else _ENGLISH_TITLES
    return f"{titles[civility]} {name}"


def _person(letter: Letter) -> str:
    """The person the letter is for: a business's contact, or the consumer."""
    debtor = letter.debtor
    if debtor.contact_name:
        return debtor.contact_name
    return debtor.name if debtor.kind is CustomerKind.CONSUMER else ""


def _town_lines(postal_code: str, city: str, country: str) -> list[str]:
    town = city.upper()
    if country in _POSTCODE_LINE_AFTER_TOWN:
        return [x for x in (town, postal_code.upper()) if x]
    if country in _POSTCODE_AFTER_TOWN:
        joined = " ".join(x for x in (town, postal_code) if x)
        return [joined] if joined else []
    joined = " ".join(x for x in (postal_code, town) if x)
    return [joined] if joined else []


def recipient_lines(letter: Letter) -> list[str]:
    """The debtor's postal address as the destination country's post reads it: the name
    (a consumer with their civility), "For the attention of" a business's contact, the
    street lines, the town and postcode in the country's order, the country abroad."""
    debtor = letter.debtor
    language = letter.language
    address = debtor.address
    country = (address.country or debtor.country).upper()
    if debtor.kind is CustomerKind.CONSUMER:
        lines = [_titled(debtor.name, debtor.civility, language)]
    else:
        lines = [debtor.name]
        if debtor.contact_name:
            attention = "À l'attention de" if language == "fr" else "For the attention of"
            lines.append(f"{attention} {_titled(debtor.contact_name, debtor.civility, language)}")
    lines += [*address.lines, *_town_lines(address.postal_code, address.city, country)]
    if is_abroad(letter):
        lines.append(country_name(country, language))
    return lines


def salutation(letter: Letter) -> str:
    """How the letter opens, without its comma: "Madame" or "Monsieur" when the civility is
    known, else "Madame, Monsieur"; in English "Dear Ms Smith", "Dear Jane Smith" or
    "Dear Sir or Madam". French repeats it in the closing formula."""
    civility = letter.debtor.civility
    person = _person(letter)
    if letter.language == "fr":
        if civility is None:
            return "Madame, Monsieur"
        return "Madame" if civility.feminine else "Monsieur"
    if not person:
        return "Dear Sir or Madam"
    if civility is None:
        return f"Dear {person}"
    return f"Dear {_ENGLISH_TITLES[civility]} {person.split()[-1]}"


def english_sign_off(letter: Letter) -> str:
    """ "Yours sincerely" to a reader named in the salutation, "Yours faithfully" otherwise."""
    return "Yours faithfully" if salutation(letter) == "Dear Sir or Madam" else "Yours sincerely"


def signatory_title(letter: Letter) -> str:
    """The signatory's title in the letter's language: as set when the letter is in the
    creditor's language, else its translation (set, or a common title), else nothing."""
    creditor = letter.creditor
    title = letter.signatory_title
    if not title or letter.language == creditor.language:
        return title
    if creditor.signatory_title_translated:
        return creditor.signatory_title_translated
    table = _TITLES_FR_EN if letter.language == "en" else _TITLES_EN_FR
    return table.get(" ".join(title.casefold().split()), "")
