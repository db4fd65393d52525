"""Filters the repositories share: one customer, or the customers of a chunk of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement


def customer_is(column: Any, refs: str | Sequence[str]) -> ColumnElement[bool]:
    """`column` equal to one customer's reference, or among several (a send reads the
    facts of a chunk of actions' customers in one query per kind of fact)."""
    if isinstance(refs, str):
        return column == refs  # type: ignore[no-any-return]
    return column.in_(list(refs))  # type: ignore[no-any-return]
