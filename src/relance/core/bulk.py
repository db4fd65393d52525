"""Working on many records at once: cutting them in chunks, and keeping the cyclic garbage
collector out of the way while millions of them are made."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

# Small enough for one IN (...) list or one multi-row INSERT on SQLite and PostgreSQL.
CHUNK = 5000


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, restoring it as it was.

    A daily run, an import or a matching run makes millions of small records and no
    reference cycle: the collector would only rescan them again and again while they are
    made (measured: a third of the time of a large import or matching run)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
