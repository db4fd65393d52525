"""The customers page: searched, filtered (open, overdue, over their credit limit, all; by
last step) and ordered (name, reference, balance, oldest overdue), fifty at a time, fast at
100,000 customers.

Ordering by balance needs every customer's open amount, a sum over every open invoice: the
database sums it (`repository_workbench.customer_standings`), and the standings and each
order asked for are kept until the next commit to the ledger (`ledger_cache`). A page then
costs a slice of a kept order and the balances of its fifty customers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from relance.adapters.storage import repository_workbench as wrepo
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_workbench import (
    CustomerFilter,
    CustomerPage,
    CustomerSort,
    Standing,
)
from relance.services import ledger_cache, risk

__all__ = ["CustomerFilter", "CustomerPage", "CustomerSort", "customer_page"]


@dataclass(frozen=True, slots=True)
class Standings:
    """Every customer's standing as of a day, and the last steps found among them."""

    rows: tuple[Standing, ...]
    stages: tuple[str, ...]


def _standings(store: Store, as_of: date) -> Standings:
    def compute() -> Standings:
        with store.begin() as conn:
            rows = tuple(wrepo.customer_standings(conn, as_of))
        return Standings(rows, tuple(sorted({s.last_step for s in rows if s.last_step})))

    return ledger_cache.kept(store, ("customer standings", as_of), compute)


def _over_limit(store: Store, as_of: date) -> frozenset[str]:
    """The customers owing more than their credit limit (`relance risk`), kept too."""

    def compute() -> frozenset[str]:
        return frozenset(e.customer_ref for e in risk.over_limit(store, as_of))

    return ledger_cache.kept(store, ("over limit", as_of), compute)


def _keep(
    which: CustomerFilter, stage: str, as_of: date, over: frozenset[str]
) -> Callable[[Standing], bool]:
    def kept(s: Standing) -> bool:
        if stage and s.last_step != stage:
            return False
        if which is CustomerFilter.OVER_LIMIT:
            return s.ref in over
        if which is CustomerFilter.OPEN:
            return s.open_minor > 0
        if which is CustomerFilter.OVERDUE:
            return s.open_minor > 0 and s.oldest_due is not None and s.oldest_due < as_of
        return True

    return kept


def _sort_key(sort: CustomerSort) -> Callable[[Standing], Any]:
    return {
        CustomerSort.NAME: lambda s: (s.name, s.ref),
        CustomerSort.REF: lambda s: s.ref,
        CustomerSort.BALANCE: lambda s: (-s.open_minor, s.ref),
        CustomerSort.OLDEST: lambda s: (s.oldest_due or date.max, s.ref),
    }[sort]


def _ordered(
    store: Store, as_of: date, which: CustomerFilter, stage: str, sort: CustomerSort
) -> tuple[Standing, ...]:
    """The customers `which` and `stage` keep, in the order `sort` asks (kept too)."""

    def compute() -> tuple[Standing, ...]:
        rows = _standings(store, as_of).rows
        over = _over_limit(store, as_of) if which is CustomerFilter.OVER_LIMIT else frozenset()
        kept = filter(_keep(which, stage, as_of, over), rows)
        return tuple(sorted(kept, key=_sort_key(sort)))

    return ledger_cache.kept(store, ("customer order", as_of, which, stage, sort), compute)


def customer_page(
    store: Store,
    as_of: date,
    *,
    search: str = "",
    which: CustomerFilter = CustomerFilter.OPEN,
    sort: CustomerSort = CustomerSort.BALANCE,
    stage: str = "",
    page: int = 1,
    per_page: int = 50,
) -> CustomerPage:
    """The customers whose reference, name, city or e-mail holds `search` (any case), kept
    by `which` and `stage` (the level of their last step), ordered by `sort`, `per_page`
    of them on page `page`, with how many match in all."""
    found: Sequence[Standing] = _ordered(store, as_of, which, stage, sort)
    search = search.strip()
    with store.begin() as conn:
        if search:
            matching = wrepo.customers_matching(conn, search)
            found = [s for s in found if s.id in matching]
        start = (max(page, 1) - 1) * per_page
        rows = wrepo.customer_summaries(conn, found[start : start + per_page], as_of)
    return CustomerPage(rows, len(found), _standings(store, as_of).stages)
