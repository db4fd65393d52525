"""What Today warns about besides the day's review: claims about to be time-barred, rates
missing or unconfirmed, customers in proceedings and the claims to declare in insolvency,
instalments of payment plans falling due.

Each comes from the service the CLI uses for it (`relance limitation`, the rate warnings of
`relance run` and `relance send`, `relance proceedings list`, the plans of `relance plan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Store
from relance.core.model import Customer
from relance.core.proceedings import Proceeding
from relance.services import agreements, insolvency, ledger_cache, limitation, rates
from relance.services.agreements import PlanView
from relance.services.insolvency import CaseLine
from relance.services.limitation import LimitationLine
from relance.services.rates import RateGap

LIMITATION_HORIZON = timedelta(days=90)  # as `relance limitation` looks ahead by default
INSTALMENT_HORIZON = timedelta(days=7)  # as Today's promises: a week either side


@dataclass(frozen=True, slots=True)
class Alerts:
    """Today's warnings, each list empty when there is nothing to say."""

    limitation: tuple[LimitationLine, ...]  # expiring within the horizon, or time-barred
    rates: tuple[RateGap, ...]  # a rate table unconfirmed or stopping before today
    proceedings: tuple[tuple[Proceeding, Customer | None], ...]  # in force today
    declarations: tuple[CaseLine, ...]  # claims to declare, or relief to ask, soonest first
    instalments: tuple[tuple[PlanView, Customer | None], ...]

    @property
    def count(self) -> int:
        """How many warnings there are in all."""
        return (
            len(self.limitation)
            + len(self.rates)
            + len(self.proceedings)
            + len(self.declarations)
            + len(self.instalments)
        )


def alerts(store: Store, as_of: date) -> Alerts:
    """Today's warnings as of `as_of` (the limitation check reads the old open invoices:
    kept until the next commit to the ledger, `ledger_cache`)."""
    return ledger_cache.kept(store, ("alerts", as_of), lambda: _alerts(store, as_of))


def _alerts(store: Store, as_of: date) -> Alerts:
    expiring = limitation.limitation_report(store, as_of, LIMITATION_HORIZON)
    with store.begin() as conn:
        gaps = rates.rate_gaps(conn, as_of)
        active = [p for p in runs.load_proceedings(conn) if p.active(as_of)]
        refs = sorted({p.customer_ref for p in active})
        found = {c.ref: c for c in repo.load_customers(conn, refs)} if refs else {}
        due = agreements.instalments_due(conn, as_of, INSTALMENT_HORIZON)
    return Alerts(
        limitation=expiring,
        rates=gaps,
        proceedings=tuple((p, found.get(p.customer_ref)) for p in active),
        declarations=tuple(insolvency.declaration_tasks(store, as_of)),
        instalments=due,
    )
