"""Services run inside one unit of work that the interface opens; tests open it here."""

from collections.abc import Callable
from typing import Any, TypeVar

from relance.adapters.storage.database import Store

T = TypeVar("T")


def within(store: Store, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`work(conn, *args, **kwargs)` in one transaction of `store`, committed at the end."""
    with store.begin() as conn:
        return work(conn, *args, **kwargs)
