"""Every KPI of some periods together, and the same laid flat as measures: one value per
period, currency, KPI (and stage), with what it was divided from, for CSV, JSON, tables,
charts and the monthly report alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.kpi import LedgerKpis, Period
from relance.core.kpi_process import AgencyRecovery, PromisesKept, StageEffect

# The KPIs in the order they are shown, each with whether it is days, percent or money.
DAYS, PERCENT, MONEY, COUNT = "days", "percent", "money", "count"
KPIS: dict[str, str] = {
    "credit_sales": MONEY,
    "opening_receivables": MONEY,
    "receivables": MONEY,
    "current_receivables": MONEY,
    "dso_countback": DAYS,
    "dso": DAYS,
    "best_possible_dso": DAYS,
    "average_days_delinquent": DAYS,
    "cei": PERCENT,
    "current_share": PERCENT,
    "stage_effectiveness": PERCENT,
    "promises_kept_by_count": PERCENT,
    "promises_kept_by_amount": PERCENT,
    "agency_recovery": PERCENT,
    "agency_net_recovery": PERCENT,
}


@dataclass(frozen=True, slots=True)
class KpiReport:
    """Every KPI of each period asked for, in each currency; the stages, promises and
    agencies count what was paid up to `as_of`."""

    periods: tuple[Period, ...]
    as_of: date
    ledger: tuple[LedgerKpis, ...]
    stages: tuple[StageEffect, ...]
    promises: tuple[PromisesKept, ...]
    agencies: tuple[AgencyRecovery, ...]

    @property
    def currencies(self) -> tuple[str, ...]:
        """Every currency some KPI is given in, alphabetically."""
        found = {k.currency for k in self.ledger} | {s.currency for s in self.stages}
        found |= {p.currency for p in self.promises} | {a.currency for a in self.agencies}
        return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Measure:
    """One KPI's value in one period and currency; `stage` names the stage of a stage's
    effectiveness. A ratio carries what it was computed from (`numerator` over
    `denominator`: amounts, or counts of promises); `value` is None when there was
    nothing to divide by."""

    period: Period
    currency: str
    kpi: str
    value: Decimal | None
    stage: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def unit(self) -> str:
        """days, percent, money or count."""
        return KPIS[self.kpi]


def _ledger_measures(k: LedgerKpis) -> Iterator[Measure]:
    p, c = k.period, k.currency
    yield Measure(p, c, "credit_sales", k.credit_sales.amount)
    yield Measure(p, c, "opening_receivables", k.opening.amount)
    yield Measure(p, c, "receivables", k.receivables.amount)
    yield Measure(p, c, "current_receivables", k.current.amount)
    yield Measure(p, c, "dso_countback", k.dso_countback, "", k.receivables.amount)
    yield Measure(p, c, "dso", k.dso, "", k.receivables.amount, k.credit_sales.amount)
    yield Measure(p, c, "best_possible_dso", k.best_dso, "", k.current.amount,
                  k.credit_sales.amount)  # fmt: skip
    yield Measure(p, c, "average_days_delinquent", k.average_days_delinquent)
    collected = k.opening.amount + k.credit_sales.amount
    yield Measure(p, c, "cei", k.cei, "", collected - k.receivables.amount,
                  collected - k.current.amount)  # fmt: skip
    yield Measure(p, c, "current_share", k.current_share, "", k.current.amount,
                  k.receivables.amount)  # fmt: skip


def measures(report: KpiReport) -> list[Measure]:
    """The report flat, by period, currency, then KPI in the order of `KPIS`."""
    found: list[Measure] = []
    for k in report.ledger:
        found += _ledger_measures(k)
    for s in report.stages:
        found.append(Measure(s.period, s.currency, "stage_effectiveness", s.share, s.stage,
                             s.paid.amount, s.chased.amount))  # fmt: skip
    for pk in report.promises:
        found.append(Measure(pk.period, pk.currency, "promises_kept_by_count", pk.share_by_count,
                             "", Decimal(pk.kept), Decimal(pk.decided)))  # fmt: skip
        found.append(Measure(pk.period, pk.currency, "promises_kept_by_amount",
                             pk.share_by_amount, "", pk.kept_amount.amount,
                             pk.promised.amount))  # fmt: skip
    for a in report.agencies:
        found.append(Measure(a.period, a.currency, "agency_recovery", a.share, "",
                             a.recovered.amount, a.handed.amount))  # fmt: skip
        found.append(Measure(a.period, a.currency, "agency_net_recovery", a.net_share, "",
                             a.net.amount, a.handed.amount))  # fmt: skip
    order = list(KPIS)
    # stages keep their order (by level) within a period and currency: sort is stable
    return sorted(found, key=lambda m: (m.period, m.currency, order.index(m.kpi)))
