"""How a list is kept in a column: one way for every list column of the ledger.

A list (a customer's tags, IBANs and address lines, an action's channels and invoices, a
plan's invoices, a message's recipients...) is a JSON array in a `JSON` column. Every
repository writes it with `encode_list` and reads it with `decode_list`, so the columns
cannot drift apart again (they used to be comma text, newline text or JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

EMPTY_LIST = "[]"  # what most list columns hold, as text


def encode_list(items: Iterable[str]) -> list[str]:
    """The value to store in a list column for `items` (the column's JSON type encodes it)."""
    return [str(item) for item in items]


def decode_list(stored: object) -> tuple[str, ...]:
    """The items of a list column's value, as SQLAlchemy or the bare driver returns it (a
    list, or on SQLite read through the driver the JSON text); none for NULL."""
    if not stored or stored == EMPTY_LIST:  # most rows: spare them the JSON parser
        return ()
    if isinstance(stored, str):
        stored = json.loads(stored)
    if not isinstance(stored, list):
        raise ValueError(f"a list column holds {stored!r}")
    return tuple(str(item) for item in stored)
