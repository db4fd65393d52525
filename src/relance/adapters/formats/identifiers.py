"""Customer identifiers and e-mail addresses as they are checked at import.

SIREN/SIRET and VAT numbers are checked with python-stdnum (check digits, lengths, the
country's rules), as the creditor's are at `relance init`; e-mail addresses with
email-validator, on their syntax only (no DNS lookup: an import works offline and must
not depend on a mail server answering). Each function returns the standard form of what
it was given, or raises ValueError saying what is wrong.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret
from stdnum.util import get_cc_module

# Several addresses in one cell are separated by `;` or `,` (docs/csv.md).
ADDRESS_SEPARATORS = re.compile(r"[;,]")
_LINE_BREAK = re.compile("[\r\n\v\f\u2028\u2029]")


def registration_id(text: str, country: str) -> str:
    """A French SIREN (9 digits) or SIRET (14), compact; other countries' as written."""
    if not text:
        return ""
    number = re.sub(r"[\s.]", "", text)
    if not number or country.upper() != "FR":
        return text.strip()
    try:
        if len(number) == 14:
            return str(siret.validate(number))
        return str(siren.validate(number))
    except ValidationError as exc:
        raise ValueError(f"{text!r} is not a valid SIREN/SIRET ({exc})") from exc


def vat_number(text: str, country: str) -> str:
    """A VAT number checked by the rules of its country (the prefix, else `country`)."""
    if not text:
        return ""
    number = re.sub(r"[\s.-]", "", text).upper()
    if not number:
        return ""
    prefix = number[:2] if number[:2].isalpha() else country.upper()
    module = get_cc_module("gr" if prefix == "EL" else prefix.lower(), "vat")
    if module is None:
        return number  # a country python-stdnum does not know: kept as written
    try:
        module.validate(number)
    except ValidationError as exc:
        raise ValueError(f"{text!r} is not a valid VAT number ({exc})") from exc
    return number


def email_addresses(text: str) -> tuple[str, ...]:
    """The addresses of one cell, each checked; several are separated by `;` or `,`."""
    if _LINE_BREAK.search(text):
        raise ValueError("a line break inside the cell; separate several addresses with ';'")
    found = []
    for part in ADDRESS_SEPARATORS.split(text):
        address = part.strip()
        if not address:
            continue
        found.append(_checked_address(address))
    return tuple(found)


# An address whose local part is plain ASCII (letters, digits, `_+-`, dots between them) is
# valid exactly when its domain is and it is not too long: a file of customers names the
# same few domains thousands of times, and checking a domain (IDNA rules) is most of the
# cost. ASCII domains are remembered once email-validator has accepted an address of this
# form (an international one is longer once encoded: lengths are left to email-validator).
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")
_DOMAINS: dict[str, str] = {}  # the domain as written: as email-validator writes it


def _checked_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    known = _DOMAINS.get(domain)
    plain = len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local) is not None
    if known is not None and plain and len(local) + 1 + len(known) <= 254:
        return f"{local}@{known}"
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{address!r} is not an e-mail address ({exc})") from exc
    normalized = str(checked.normalized)
    remember = plain and checked.domain.isascii() and len(_DOMAINS) < 10_000
    if remember and normalized == f"{local}@{checked.domain}":
        _DOMAINS[domain] = str(checked.domain)
    return normalized
