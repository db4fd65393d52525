"""A customer's e-mail cell as recipients: one address or several, separated by commas or
semicolons, each checked before it goes into a header.

What is stored may predate the checks made at import: a line break typed inside a
spreadsheet cell, a display name, a stray character. An address that cannot be used is
returned apart, so that the caller blocks that customer's message alone and names it,
instead of failing while the message is built.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address

# The characters an address never holds and a header must never receive.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def split_addresses(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(usable addresses, unusable ones) of an e-mail cell, in the cell's order."""
    good: list[str] = []
    bad: list[str] = []
    for part in cell.replace(";", ",").split(","):
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
        parsed = Address(addr_spec=address)
    except (HeaderParseError, ValueError, IndexError):
        return False
    return bool(parsed.username) and "." in parsed.domain and parsed.addr_spec == address
