"""A customer's e-mail cell as recipients: one address or several, separated by commas or
semicolons, each checked before it goes into a header.

What is stored may predate the checks made at import: a line break typed inside a
spreadsheet cell, a display name, a stray character. The rule is the import's
(`relance.adapters.formats.identifiers`: the same separators, email-validator on the
syntax); an address that cannot be used is returned apart, so that the caller blocks that
customer's message alone and names it, instead of failing while the message is built.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from relance.adapters.formats.identifiers import ADDRESS_SEPARATORS

# The characters an address never holds and a header must never receive.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def split_addresses(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(usable addresses, unusable ones) of an e-mail cell, in the cell's order."""
    good: list[str] = []
    bad: list[str] = []
    for part in ADDRESS_SEPARATORS.split(cell):
        address = part.strip()
        if not address:
            continue
        (good if is_usable(address) else bad).append(address)
    return tuple(good), tuple(bad)


def is_usable(address: str) -> bool:
    """True for a bare address (local@domain) that can go into a To header as it is."""
    if _CONTROL.search(address) or " " in address:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
