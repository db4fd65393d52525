"""Cursor pagination: a page of at most `limit` items after the cursor's item.

A cursor is opaque to callers: the key of the last item sent, encoded. Items are ordered by
that key, so a page does not shift when records are added before it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query

from relance.interfaces.api.problems import ApiProblem

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=500, description="`next_cursor` of the previous page.")
]


def encode(key: Sequence[Any]) -> str:
    """The cursor for the item whose key is `key`."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode(cursor: str) -> list[Any]:
    """The key a cursor holds (422 naming `cursor` when it is not one of ours)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise ApiProblem(422, "not a cursor this API gave", "cursor") from exc
    if not isinstance(key, list):
        raise ApiProblem(422, "not a cursor this API gave", "cursor")
    return key


def page(
    items: Sequence[T], key: Callable[[T], Sequence[Any]], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """The items after the cursor (in `key` order, which `items` must already follow), at
    most `limit`, and the next page's cursor (None on the last page)."""
    start = 0
    if cursor is not None:
        after = decode(cursor)
        try:
            start = next(i for i, item in enumerate(items) if list(key(item)) > after)
        except StopIteration:
            start = len(items)
        except TypeError as exc:
            raise ApiProblem(422, "not a cursor this API gave", "cursor") from exc
    chosen = list(items[start : start + limit])
    more = start + limit < len(items)
    return chosen, (encode(key(chosen[-1])) if more and chosen else None)
