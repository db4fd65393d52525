"""What the workbench sums over the whole ledger, kept while nothing is committed to it.

The Today page's aged balance and the customers page's order read every open invoice (a
second or so at 1,000,000 invoices): each is computed once and kept under the ledger's
revision token (`adapters/storage/revision.py`), which any commit, by this process or
another, changes. So a page never shows a figure older than the last commit, and the
pages read by many users between two changes cost a lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

from relance.adapters.storage.database import Store
from relance.adapters.storage.revision import ledger_revision

T = TypeVar("T")
KEPT = 16  # values kept per ledger (a few pages, a few days, a few orders)

# Per engine (a test makes many ledgers in one process): gone with it.
_kept: WeakKeyDictionary[object, OrderedDict[Hashable, object]] = WeakKeyDictionary()
_lock = threading.Lock()


def kept(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """The value of `compute()` for `key`, computed again only after a commit to the ledger
    (at once when the ledger has no revision token). What was kept under an older revision
    is let go as soon as a newer one is seen: a million invoices' sums are not kept twice."""
    revision = ledger_revision(store)  # read before computing: a commit meanwhile is seen
    if revision is None:
        return compute()
    full = (revision, key)
    with _lock:
        entries = _kept.setdefault(store.engine, OrderedDict())
        if full in entries:
            entries.move_to_end(full)
            return entries[full]  # type: ignore[return-value]
        for old in [k for k in entries if k[0] != revision]:  # type: ignore[index]
            del entries[old]
    value = compute()
    with _lock:
        entries[full] = value
        while len(entries) > KEPT:
            entries.popitem(last=False)
    return value
